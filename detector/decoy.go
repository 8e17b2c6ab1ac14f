package detector

// Decoys: nmap -D sends every probe once per address of the decoy list,
// the same packet (same source port, sequence number, destination) with
// only the source address changed. The decoy table remembers the last
// probe seen under each such key; a copy from another source shortly
// after makes the two sources peers.

// decoySlots bounds the probes remembered; a new one takes over its hash
// slot.
const (
	decoyBits  = 12
	decoySlots = 1 << decoyBits
)

// decoyKey is what the copies of one probe share.
type decoyKey struct {
	target       ipAddr
	dport, sport uint16
	seq          uint32
	flags        uint8
	kind         probeKind // 0 for OS-detection probes
}

type decoyEntry struct {
	key  decoyKey
	src  ipAddr
	ts   int64
	used bool
}

type decoyTable struct {
	slots  [decoySlots]decoyEntry
	window int64 // how far apart copies may be, ns
}

// hash mixes the key's fields with two multiplications: it runs on
// every probe, where byte-wise FNV was a tenth of the per-packet time.
func (k decoyKey) hash() int {
	a := uint64(k.target.fold())<<32 | uint64(k.dport)<<16 | uint64(k.sport)
	b := uint64(k.seq)<<16 | uint64(k.flags)<<8 | uint64(k.kind)
	h := (a ^ b*0x9e3779b97f4a7c15) * 0xbf58476d1ce4e5b9
	return int(h >> (64 - decoyBits))
}

// observe files probe p of s and pairs s with the source of an identical
// probe seen within the window.
func (t *decoyTable) observe(d *Detector, s *source, p *packet, kind probeKind) {
	k := decoyKey{target: p.dst, dport: p.dport, sport: p.sport, seq: p.seq, flags: p.flags, kind: kind}
	e := &t.slots[k.hash()]
	if e.used && e.key == k && e.src != s.addr && p.ts >= e.ts && p.ts-e.ts <= t.window {
		s.peers.add(e.src)
		if o := d.srcs.get(e.src); o != nil {
			o.peers.add(s.addr)
		}
	}
	*e = decoyEntry{key: k, src: s.addr, ts: p.ts, used: true}
}

// maxPeers bounds the decoy peers kept per source: nmap 2.0x allowed
// about as many decoys, and scanlogd-era advice was 6 or more.
const maxPeers = 16

type peer struct {
	addr ipAddr
	n    uint32 // identical probes seen from both
}

// peerSet is allocated on a source's first peer and grows up to
// maxPeers: most sources never have one, a flood's spoofed sources one
// or two, and they should not carry 320 empty bytes each.
type peerSet struct {
	p []peer
}

func (ps *peerSet) add(a ipAddr) {
	for i := range ps.p {
		if ps.p[i].addr == a {
			ps.p[i].n++
			return
		}
	}
	if ps.p == nil {
		ps.p = make([]peer, 0, 2)
	}
	if len(ps.p) < maxPeers {
		ps.p = append(ps.p, peer{addr: a, n: 1})
	}
}

// list returns the peers so far.
func (ps *peerSet) list() []peer { return ps.p }

// reset forgets the peers, keeping the memory.
func (ps *peerSet) reset() { ps.p = ps.p[:0] }
