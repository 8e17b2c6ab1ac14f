package detector

import (
	"time"

	"github.com/siglab/siglab/wire"
)

// Detector is the streaming reference detector. Create it with New, feed
// it with Packet in capture order, read it with Findings. It is not safe
// for concurrent use.
type Detector struct {
	cfg  Config
	srcs sources
	// frags rebuilds fragmented probes; decoys remembers recent probes
	// to spot copies from other sources; relays maps FTP servers to the
	// clients that sent them third-party PORT commands.
	frags  *fragTable
	decoys *decoyTable
	relays relayTable
	// idle pairs SYN/ACK probes of zombies with their SYNs (idle.go);
	// nil until the first unasked-for SYN/ACK.
	idle *idleTable
}

// Stats describes the detector's state, for callers that want to report
// how much it holds and what it had to give up.
type Stats struct {
	// Sources and Flows are the sources and (target, port, technique)
	// flows held now.
	Sources int
	Flows   int
	// Evicted counts sources dropped to stay under the caps; their
	// findings are lost.
	Evicted uint64
	// Untracked counts probes to new flows refused by the flow caps,
	// summed over the sources held now.
	Untracked uint64
	// FragmentsLost counts fragmented packets pushed out of the
	// reassembly table before they were complete.
	FragmentsLost uint64
}

// New returns a Detector with cfg's zero fields set to their defaults.
func New(cfg Config) *Detector {
	cfg = cfg.withDefaults()
	return &Detector{
		cfg:    cfg,
		srcs:   newSources(cfg.MaxSources, cfg.MaxFlows),
		frags:  &fragTable{},
		decoys: &decoyTable{window: int64(cfg.DecoyWindow)},
	}
}

// Packet takes one IPv4 or IPv6 packet, starting at the IP header, seen
// at ts. Anything it cannot use (neither, truncated or malformed headers,
// protocols no technique tracks, ICMPv6 other than echo and errors) is
// passed over silently; fragments are
// held until the transport header they split is whole. ip is not
// retained. Once a packet's source and flow have state, Packet allocates
// nothing.
func (d *Detector) Packet(ts time.Time, ip []byte) {
	var (
		p  packet
		l4 []byte
		h  ipHeader
		ok bool
	)
	if len(ip) > 0 && ip[0]>>4 == 6 {
		l4, ok = decodeIPv6(ip, &p, &h)
	} else {
		l4, ok = decodeIPv4(ip, &p, &h)
	}
	if !ok {
		return
	}
	p.ts = ts.UnixNano()
	sent := h.total - h.ihl
	if h.fragment() {
		if l4, sent, ok = d.frags.add(&p, h, l4); !ok {
			return
		}
	}
	switch p.proto {
	case wire.ProtoTCP:
		if decodeTCP(l4, sent, &p) {
			d.tcp(&p)
		}
	case wire.ProtoUDP:
		if decodeUDP(l4, sent, &p) {
			d.udp(&p)
		}
	case wire.ProtoICMP:
		if decodeICMP(l4, sent, &p) {
			d.icmp(&p)
		}
	case protoICMPv6:
		if p.src.is4() {
			d.ipProto(&p, sent) // ICMPv6 in IPv4: an IP protocol probe (-sO)
		} else if decodeICMPv6(l4, sent, &p) {
			d.icmp(&p)
		}
	case protoSCTP:
		if decodeSCTP(l4, sent, &p) {
			d.sctp(&p)
		}
	default:
		d.ipProto(&p, sent)
	}
}

// answer gives p to the state of its destination, when p answers a probe
// or connection of that source. It reports whether it did.
func (d *Detector) answer(p *packet) bool {
	r := d.srcs.get(p.dst)
	if r == nil || !r.flows.inbound(p) {
		return false
	}
	d.srcs.touch(r, p.ts)
	if r.bounce != nil && p.proto == wire.ProtoTCP {
		r.bounce.reply(r, p)
	}
	return true
}

// prober returns p.src's state, creating it when probe says p can be a
// probe; nil when the source has none and p is not one.
func (d *Detector) prober(p *packet, probe bool) *source {
	s := d.srcs.get(p.src)
	if s == nil {
		if !probe {
			return nil
		}
		s = d.srcs.add(p.src)
	}
	d.srcs.touch(s, p.ts)
	if p.frag.n > 0 {
		s.frags.add(p)
	}
	return s
}

// Stats reports the current state sizes and what the caps cost so far.
func (d *Detector) Stats() Stats {
	st := Stats{Sources: d.srcs.n(), Flows: d.srcs.flows, Evicted: d.srcs.evicted, FragmentsLost: d.frags.lost}
	for s := range d.srcs.all {
		st.Untracked += s.flows.untracked
	}
	return st
}
