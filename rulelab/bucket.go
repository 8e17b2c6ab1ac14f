package rulelab

import "github.com/siglab/siglab/wire"

// A bucket holds the rules one group sends a packet to. Past bucketMin
// rules, those with an equality on a header field (window, ack, seq,
// ttl, id, tos, itype, icode, icmp_id, icmp_seq: the values scan rules
// pin) are found by that field's value, one map lookup per field the
// bucket uses; the rest are tried one by one. This is what keeps a
// thousand header-only rules cheap: a packet meets only the rules whose
// pinned value it carries.
type bucket struct {
	rest  []int32
	kinds []kind // the fields keyed in eq
	eq    map[uint64][]int32
}

const bucketMin = 8

func eqKey(k kind, v uint64) uint64 { return uint64(k)<<32 | v }

// makeBucket builds the bucket of ids; fields are the kinds a rule of
// this group may be keyed by.
func makeBucket(rs []*compiled, ids []int32, fields []kind) bucket {
	if len(ids) < bucketMin {
		return bucket{rest: ids}
	}
	var b bucket
	for _, id := range ids {
		k, v, ok := rs[id].discriminator(fields)
		if !ok {
			b.rest = append(b.rest, id)
			continue
		}
		if b.eq == nil {
			b.eq = map[uint64][]int32{}
		}
		if !containsKind(b.kinds, k) {
			b.kinds = append(b.kinds, k)
		}
		b.eq[eqKey(k, v)] = append(b.eq[eqKey(k, v)], id)
	}
	return b
}

func containsKind(ks []kind, k kind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

// discriminator is the rule's first equality on one of fields.
func (c *compiled) discriminator(fields []kind) (kind, uint64, bool) {
	for i := range c.checks {
		ck := &c.checks[i]
		if v, ok := ck.num.single(); ok && containsKind(fields, ck.kind) {
			return ck.kind, v, true
		}
	}
	return 0, 0, false
}

// Fields a rule may be keyed by, per group.
var (
	ipFields   = []kind{kTTL, kID, kTOS}
	tcpFields  = []kind{kWindow, kAck, kSeq, kTTL, kID, kTOS}
	udpFields  = ipFields
	icmpFields = []kind{kIType, kICode, kICMPID, kICMPSeq, kTTL, kID, kTOS}
)

// value is p's value of a header field a numeric keyword reads, false
// when p has no such field (no TCP header for window, no ICMP one for
// itype...).
func (p *pkt) value(k kind) (uint64, bool) {
	switch k {
	case kWindow:
		return uint64(p.win), p.proto == wire.ProtoTCP && p.l4ok
	case kAck:
		return uint64(p.ack), p.proto == wire.ProtoTCP && p.l4ok
	case kSeq:
		return uint64(p.seq), p.proto == wire.ProtoTCP && p.l4ok
	case kTTL:
		return uint64(p.ttl), true
	case kID:
		return uint64(p.id), true
	case kTOS:
		return uint64(p.tos), true
	case kIType:
		return uint64(p.itype), p.proto == wire.ProtoICMP && p.l4ok
	case kICode:
		return uint64(p.icode), p.proto == wire.ProtoICMP && p.l4ok
	case kICMPID:
		return uint64(p.icmpID), p.hasIcmpIDSeq
	case kICMPSeq:
		return uint64(p.icmpSeq), p.hasIcmpIDSeq
	case kIPProto:
		return uint64(p.proto), true
	case kFragoffset:
		return uint64(p.fragoff), true
	}
	return 0, false
}

func (e *Engine) runBucket(b *bucket, t timeT, p *pkt, fi *flowInfo) {
	e.run(b.rest, t, p, fi)
	for _, k := range b.kinds {
		if v, ok := p.value(k); ok {
			e.run(b.eq[eqKey(k, v)], t, p, fi)
		}
	}
}
