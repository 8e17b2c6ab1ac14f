package detector

import (
	"fmt"
	"slices"
	"strings"

	"github.com/siglab/siglab/wire"
)

// Labels of today's nmap's TCP scans beyond the FAQ's: Maimon's FIN|ACK
// (-sM), the window scan (-sW) and --scanflags' own flag sets.
const (
	labelMaimon     = "scan.tcp-maimon"
	labelWindowScan = "scan.tcp-window"
	labelCustomScan = "scan.tcp-custom"
)

// The window scan (-sW) and the ACK scan (-sA) are one probe: nmap 7.93
// sends both as ACKs with one random ack, seq 0, window 1024 and no
// options, and retries the silent ports alike; only its reading of the
// RSTs' window differs (non-zero: open, 0: closed), which happens in
// nmap, not on the wire. Captures of both, side by side, differ only in
// the random values. So the reference detector labels both scan.tcp-ack
// and says in the evidence what a window scan would have read from the
// RSTs; scan.tcp-window keeps its row in the label table (a scenario may
// expect it absent) but no analyzer reports it, as no capture can tell
// the two apart.

// customFlags reports whether f (ECE and CWR cleared, no payload) is a
// flag set of nmap's --scanflags that no named scan uses. SYN|ACK, RST
// and RST|ACK are left out: a host answering a spoofed SYN flood
// (backscatter) or resetting stale connections sends those to many
// ports, and the detector cannot tell such answers from probes.
func customFlags(f uint8) bool {
	switch f {
	case 0, wire.FlagFIN, wire.FlagFIN | wire.FlagPSH | wire.FlagURG, wire.FlagACK, wire.FlagFIN | wire.FlagACK,
		wire.FlagSYN | wire.FlagACK, wire.FlagRST, wire.FlagRST | wire.FlagACK:
		return false
	}
	return !isBareSYN(f)
}

// flagLetters writes TCP flags as tcpdump and nmap's --scanflags order
// them: CWR ECE URG ACK PSH RST SYN FIN, e.g. "SF", "UAPRSF".
func flagLetters(f uint8) string {
	const letters = "CEUAPRSF"
	var b strings.Builder
	for i := range 8 {
		if f&(0x80>>i) != 0 {
			b.WriteByte(letters[i])
		}
	}
	if b.Len() == 0 {
		return "none"
	}
	return b.String()
}

// outsideConnections leaves out flows the target answered with an
// ordinary segment (an ACK, data, a FIN): FIN|ACKs and odd flag sets
// that closed or kept up connections whose opening the capture missed.
// A probe outside any connection gets a RST or nothing.
func outsideConnections(fs []*flow) []*flow {
	if !slices.ContainsFunc(fs, func(f *flow) bool { return f.has(gotSegment) }) {
		return fs
	}
	return slices.DeleteFunc(slices.Clone(fs), func(f *flow) bool { return f.has(gotSegment) })
}

// maimonAnswerLines says what came back to a Maimon scan. RFC 793 resets
// any segment with ACK that reaches a closed or listening port, so an
// RFC stack (Linux) answers every probe with RST; Maimon's finding was
// that BSD-derived stacks drop FIN|ACK to a listening port.
func maimonAnswerLines(fs []*flow, rst, silent, unreach int) []string {
	ev := []string{fmt.Sprintf("%s answered RST (closed, or any port of an RFC 793 stack, which resets a segment with ACK even on a listening port)", plural(rst, "port"))}
	if rst == len(fs) {
		who := "the target resets"
		if len(targetsOf(fs)) > 1 {
			who = "the targets reset"
		}
		ev[0] = fmt.Sprintf("all %s answered RST: %s FIN|ACK as RFC 793 says for any segment carrying ACK (Linux does), so the scan learned nothing about open ports", plural(rst, "port"), who)
	}
	if silent > 0 {
		ev = append(ev, fmt.Sprintf("%s stayed silent (open or filtered: BSD-derived stacks drop FIN|ACK to a listening port)", plural(silent, "port")))
	}
	if unreach > 0 {
		ev = append(ev, fmt.Sprintf("%s answered ICMP unreachable (filtered)", plural(unreach, "port")))
	}
	return ev
}

// windowLine says what a window scan would have read from an ACK scan's
// RSTs, and that the wire cannot tell -sW from -sA.
func windowLine(fs []*flow) string {
	zero := count(fs, func(f *flow) bool { return f.has(gotRST) && f.rstWindow == 0 })
	open := count(fs, func(f *flow) bool { return f.has(gotRST) && f.rstWindow != 0 })
	return fmt.Sprintf("RST windows: %d zero, %d non-zero (a window scan, -sW, reads closed and open); nmap's -sA and -sW send identical ACK probes, so the wire does not tell which one ran", zero, open)
}

// analyzeCustomScan reports scans whose probes carry a flag set of their
// own (nmap --scanflags): no payload, outside any connection, one flag
// set to at least MinScanPorts ports. Attr flags names the set(s), most
// used first, comma separated.
func analyzeCustomScan(a *analysis) {
	fs := outsideConnections(a.flowsOf(kindCustom))
	if distinctPorts(fs) < a.cfg.MinScanPorts {
		return
	}
	type set struct {
		flags uint8
		fs    []*flow
	}
	var sets []set
	for _, f := range fs {
		i := slices.IndexFunc(sets, func(s set) bool { return s.flags == f.flags })
		if i < 0 {
			sets = append(sets, set{flags: f.flags})
			i = len(sets) - 1
		}
		sets[i].fs = append(sets[i].fs, f)
	}
	sets = slices.DeleteFunc(sets, func(s set) bool { return distinctPorts(s.fs) < a.cfg.MinScanPorts })
	if len(sets) == 0 {
		return
	}
	slices.SortStableFunc(sets, func(x, y set) int { return len(y.fs) - len(x.fs) })
	var names []string
	var all []*flow
	for _, s := range sets {
		names = append(names, flagLetters(s.flags))
		all = append(all, s.fs...)
	}
	sortByTargetPort(all)
	f := Finding{Label: labelCustomScan, Scanner: a.scanner, Ports: distinctPorts(all), Targets: targetsOf(all)}
	f.First, f.Last, f.Packets = span(all)
	f.Attrs = map[string]string{"flags": strings.Join(names, ",")}
	for _, s := range sets {
		fl := flagLetters(s.flags)
		f.Evidence = append(f.Evidence, targetLines(splitByTarget(s.fs), fl+" probe")...)
		f.Evidence = append(f.Evidence, fmt.Sprintf("%s probes: flag set %s (0x%02x), which none of nmap's named scans uses (--scanflags)", fl, fl, s.flags))
		f.Evidence = append(f.Evidence, stealthFieldsLine(kindCustom, s.fs))
		rst := count(s.fs, func(f *flow) bool { return f.has(gotRST) })
		unreach := count(s.fs, func(f *flow) bool { return f.has(gotUnreach) && !f.has(gotRST) })
		other := count(s.fs, func(f *flow) bool { return f.answered() && !f.has(gotRST) && !f.has(gotUnreach) })
		silent := len(s.fs) - rst - unreach - other
		f.Evidence = portLines(f.Evidence,
			portCount{rst, "answered RST"},
			portCount{other, "answered otherwise (SYN/ACK)"},
			portCount{unreach, "answered ICMP unreachable"},
			portCount{silent, "stayed silent"})
	}
	a.out = append(a.out, f)
}

// modernCustom is today's nmap's --scanflags probe: window 1024, one
// random seq or one random ack on every probe, and no options but MSS
// 1460 when SYN is set (nmap 7.93 adds it to any probe with SYN).
func modernCustom(a *analysis, t *toolEvidence) {
	fs := outsideConnections(a.flowsOf(kindCustom))
	if distinctPorts(fs) < a.cfg.MinScanPorts {
		return
	}
	seq, nseq := modal(fs, func(f *flow) uint32 { return f.seq })
	ack, nack := modal(fs, func(f *flow) uint32 { return f.ack })
	oneSeq := nseq == len(fs) && seq != 0
	oneAck := nack == len(fs) && ack != 0
	if !oneSeq && !oneAck || !all(fs, func(f *flow) bool {
		syn := f.flags&wire.FlagSYN != 0
		return f.window == 1024 && (f.optClass == optNone && !syn || syn && f.optClass == optMSS && f.mss == 1460)
	}) {
		return
	}
	t.fire(fs...)
	t.setWT(1024, 0)
	which := fmt.Sprintf("one random seq (%d)", seq)
	if !oneSeq {
		which = fmt.Sprintf("one random ack (%d)", ack)
	}
	t.add(fmt.Sprintf("--scanflags probes with %s and window 1024, MSS 1460 alone when SYN is set: today's nmap's packet builder", which))
	if l := ttlVaries(fs); l != "" {
		t.add(l)
	}
}
