package generator

import (
	"net/netip"
	"time"

	"github.com/siglab/siglab/generator/engine"
	"github.com/siglab/siglab/wire"
)

// pingHost is the least of an engine.Host massping()'s reply matching
// reads: the scanner's address. Anything else it would call panics.
type pingHost struct {
	engine.Host
	addr netip.Addr
}

func (h pingHost) Addr() netip.Addr { return h.addr }

// PingReplies feeds replies to one massping() try over hosts (every host
// probed in try `try`, group 0..len-1 of size 40, echo id `id`) and
// returns each host's state ("up", "down" or "unknown"), its count of
// weird responses, the -d lines printed and the group size after. kind
// is the ping type (PingDefault, PingSYN...).
func PingReplies(kind PingType, debug int, id uint16, magic uint16, scanner netip.Addr, hosts []netip.Addr, try int, replies ...[]byte) (states []string, weird []int, out string, gsizeAfter int) {
	p := &process{host: pingHost{addr: scanner}, magic: magic, idealTimers: true}
	o := &output{debug: debug}
	hs := make([]*hostResult, len(hosts))
	for i, a := range hosts {
		hs[i] = &hostResult{addr: a}
	}
	gsize := pingMaxGroup
	g := &pingPhase{p: p, out: o, kind: kind, dport: 80, hosts: hs, id: id,
		to: &timeouts{timeout: 6 * time.Second}, gsize: &gsize, blockinc: 5,
		sent: make([][pingTries]time.Time, len(hs)), state: make([]pingState, len(hs)),
		end: len(hs) - 1, unacc: len(hs), try: try}
	now := time.Unix(914290885, 0)
	g.begin, g.readEnd = now, now.Add(pcapTimeout)
	for i := range hs {
		g.sent[i][try] = now
	}
	for k, r := range replies {
		g.receive(now.Add(time.Duration(k+1)*time.Millisecond), wire.Packet(r))
	}
	for i, st := range g.state {
		states = append(states, map[pingState]string{pingUnknown: "unknown", pingUp: "up", pingDown: "down"}[st])
		weird = append(weird, hs[i].weird)
	}
	return states, weird, o.b.String(), gsize
}

// SmurfReport is what nmap.c prints, on stdout and in the machine log,
// for a host at addr whose pings `weird` other addresses answered.
func SmurfReport(addr netip.Addr, weird int) (out, machine string) {
	n := &Nmap{}
	n.smurf(&hostResult{addr: addr, weird: weird})
	return n.out.b.String(), n.machine.b.String()
}
