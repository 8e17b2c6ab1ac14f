package rulelab

import (
	"fmt"
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

type flowKey struct {
	proto    uint8
	aIP, bIP uint32 // aIP:aPort is the lower end
	aPort    uint16
	bPort    uint16
}

type flowState struct {
	clientIP    uint32
	clientPort  uint16
	syn, synack bool
	established bool
	seenServer  bool
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

type flowTable struct{ m map[flowKey]*flowState }

// update files p and returns its flow's state as p leaves it.
func (t *flowTable) update(p *pkt) flowInfo {
	if t.m == nil || len(t.m) >= maxFlows {
		t.m = make(map[flowKey]*flowState)
	}
	k := flowKey{proto: p.proto, aIP: p.src, aPort: p.sport, bIP: p.dst, bPort: p.dport}
	if p.dst < p.src || p.dst == p.src && p.dport < p.sport {
		k.aIP, k.aPort, k.bIP, k.bPort = p.dst, p.dport, p.src, p.sport
	}
	s := t.m[k]
	tcp := p.proto == wire.ProtoTCP && p.l4ok
	if s == nil {
		s = &flowState{clientIP: p.src, clientPort: p.sport}
		if tcp && p.flags&(wire.FlagSYN|wire.FlagACK) == wire.FlagSYN|wire.FlagACK {
			s.clientIP, s.clientPort = p.dst, p.dport
		}
		t.m[k] = s
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
		s.seenServer = true
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

func (w flowWant) String() string {
	return fmt.Sprintf("%+v", struct{ ToServer, ToClient, Established, NotEstablished bool }{w.toServer, w.toClient, w.established, w.notEstablished})
}
