package rulelab

import (
	"strings"

	"github.com/siglab/siglab/wire"
)

// Flow tracking for the flow keyword, as Suricata keeps flows: the
// first packet of a flow comes from its client (to_server), except a
// SYN/ACK, which comes from the server; a TCP flow is established from
// the ACK that completes the three-way handshake until a RST, and a UDP
// or ICMP flow once a packet has gone each way. The table is kept only
// when a rule needs it; past maxFlows it starts over, as an engine whose
// flow memory is full stops tracking old flows.

const maxFlows = 1 << 20

// flowKey is a flow's two ends, lower end first, packed in two words
// (protocol and ports, addresses) for the table's hash.
type flowKey struct{ ports, addrs uint64 }

type flowState struct {
	clientIP    uint32
	clientPort  uint16
	syn, synack bool
	established bool
}

// flowInfo is what the flow keyword reads of one packet.
type flowInfo struct {
	toServer    bool
	established bool
}

func (f *flowInfo) String() string {
	if f == nil {
		return "no flow"
	}
	dir := "to_client"
	if f.toServer {
		dir = "to_server"
	}
	if f.established {
		return dir + ", established"
	}
	return dir + ", not established"
}

// flowTable is an open-addressing hash table (linear probing, grown
// at half full): a full-range scan makes a flow per probe, and a Go map
// keyed by a struct spent more time hashing than the rules did.
type flowTable struct {
	slots []flowSlot
	n     int
}

type flowSlot struct {
	key  flowKey
	used bool
	s    flowState
}

func (k flowKey) hash() uint64 {
	h := k.ports*0x9e3779b97f4a7c15 ^ k.addrs*0xc2b2ae3d27d4eb4f
	return h ^ h>>29
}

// slot returns k's slot, claiming a free one for a new flow (fresh).
func (t *flowTable) slot(k flowKey) (sl *flowSlot, fresh bool) {
	if t.n >= len(t.slots)/2 {
		t.grow()
	}
	mask := uint64(len(t.slots) - 1)
	for i := k.hash() & mask; ; i = (i + 1) & mask {
		sl := &t.slots[i]
		if !sl.used {
			sl.used, sl.key = true, k
			t.n++
			return sl, true
		}
		if sl.key == k {
			return sl, false
		}
	}
}

// reset forgets every flow, keeping the table's memory for the next
// capture.
func (t *flowTable) reset() {
	clear(t.slots)
	t.n = 0
}

func (t *flowTable) grow() {
	if t.n >= maxFlows || t.slots == nil {
		t.slots, t.n = make([]flowSlot, 1024), 0
		return
	}
	old := t.slots
	t.slots, t.n = make([]flowSlot, 2*len(old)), 0
	for i := range old {
		if old[i].used {
			sl, _ := t.slot(old[i].key)
			sl.s = old[i].s
		}
	}
}

// update files p and returns its flow's state as p leaves it.
func (t *flowTable) update(p *pkt) flowInfo {
	aIP, aPort, bIP, bPort := p.src, p.sport, p.dst, p.dport
	if bIP < aIP || bIP == aIP && bPort < aPort {
		aIP, aPort, bIP, bPort = bIP, bPort, aIP, aPort
	}
	k := flowKey{ports: uint64(p.proto)<<32 | uint64(aPort)<<16 | uint64(bPort), addrs: uint64(aIP)<<32 | uint64(bIP)}
	sl, fresh := t.slot(k)
	s := &sl.s
	tcp := p.proto == wire.ProtoTCP && p.l4ok
	if fresh {
		s.clientIP, s.clientPort = p.src, p.sport
		if tcp && p.flags&(wire.FlagSYN|wire.FlagACK) == wire.FlagSYN|wire.FlagACK {
			s.clientIP, s.clientPort = p.dst, p.dport
		}
	}
	fromClient := p.src == s.clientIP && p.sport == s.clientPort
	if tcp {
		syn, ack, rst := p.flags&wire.FlagSYN != 0, p.flags&wire.FlagACK != 0, p.flags&wire.FlagRST != 0
		switch {
		case rst:
			// The flow is over: a later ACK must not take up the old
			// handshake again.
			s.established, s.syn, s.synack = false, false, false
		case syn && !ack && fromClient:
			s.syn = true
		case syn && ack && !fromClient && s.syn:
			s.synack = true
		case ack && !syn && fromClient && s.synack:
			s.established = true
		}
	} else if !fromClient {
		s.established = true
	}
	return flowInfo{toServer: fromClient, established: s.established}
}

// flowWant is a flow option: a direction, a state, or both.
type flowWant struct {
	toServer, toClient          bool
	established, notEstablished bool
}

// parseFlow reads flow's values; ok false names the one siglab does not
// evaluate (only_stream, no_stream, stream_only and the like).
func parseFlow(v string) (flowWant, string, bool) {
	var w flowWant
	for part := range strings.SplitSeq(v, ",") {
		switch strings.TrimSpace(part) {
		case "to_server", "from_client":
			w.toServer = true
		case "to_client", "from_server":
			w.toClient = true
		case "established":
			w.established = true
		case "not_established":
			w.notEstablished = true
		case "stateless":
		default:
			return w, strings.TrimSpace(part), false
		}
	}
	return w, "", true
}

// needsTable says whether w reads tracked state at all.
func (w flowWant) needsTable() bool {
	return w.toServer || w.toClient || w.established || w.notEstablished
}

func (w flowWant) match(p *pkt, f *flowInfo) bool {
	if !w.needsTable() {
		return true
	}
	if f == nil {
		return false
	}
	return (!w.toServer || f.toServer) && (!w.toClient || !f.toServer) &&
		(!w.established || f.established) && (!w.notEstablished || !f.established)
}
