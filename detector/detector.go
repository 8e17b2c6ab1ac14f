package detector

import "time"

// Detector is the streaming reference detector. Create it with New, feed
// it with Packet in capture order, read it with Findings. It is not safe
// for concurrent use.
type Detector struct {
	cfg  Config
	srcs sources
}

// Stats describes the detector's state, for callers that want to report
// how much it holds and what it had to give up.
type Stats struct {
	// Sources and Flows are the sources and (target, port) flows held now.
	Sources int
	Flows   int
	// Evicted counts sources dropped to stay under the caps; their
	// findings are lost.
	Evicted uint64
	// Untracked counts probes to new flows refused by the flow caps,
	// summed over the sources held now.
	Untracked uint64
}

// New returns a Detector with cfg's zero fields set to their defaults.
func New(cfg Config) *Detector {
	cfg = cfg.withDefaults()
	return &Detector{cfg: cfg, srcs: newSources(cfg.MaxSources, cfg.MaxFlows)}
}

// Packet takes one IPv4 packet, starting at the IP header, seen at ts.
// Anything it cannot use (not IPv4, a fragment, truncated or malformed
// headers, protocols no technique tracks yet) is passed over silently. ip
// is not retained. Once a packet's source and flow have state, Packet
// allocates nothing.
func (d *Detector) Packet(ts time.Time, ip []byte) {
	var p packet
	l4, ok := decodeIPv4(ip, &p)
	if !ok {
		return
	}
	p.ts = ts.UnixNano()
	switch p.proto {
	case protoTCP:
		if decodeTCP(l4, &p) {
			d.tcp(&p)
		}
	}
}

// tcp gives one TCP packet to the state of its source (what the source
// sends) and of its destination (what comes back to a prober).
func (d *Detector) tcp(p *packet) {
	s := d.srcs.get(p.src)
	if s == nil && isBareSYN(p.flags) {
		s = d.srcs.add(p.src)
	}
	if s != nil {
		d.srcs.touch(s)
		d.outboundTCP(s, p)
	}
	// Looked up after add: making room for p.src may have evicted p.dst.
	if r := d.srcs.get(p.dst); r != nil && r.tcp.inbound(p) {
		d.srcs.touch(r)
	}
}

// Stats reports the current state sizes and what the caps cost so far.
func (d *Detector) Stats() Stats {
	st := Stats{Sources: len(d.srcs.byAddr), Flows: d.srcs.flows, Evicted: d.srcs.evicted}
	for _, s := range d.srcs.byAddr {
		st.Untracked += s.tcp.untracked
	}
	return st
}
