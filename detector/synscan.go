package detector

import (
	"fmt"
	"strconv"
	"time"
)

const labelSYNScan = "scan.tcp-syn"

// maxTargetLines bounds the per-target evidence lines of one finding.
const maxTargetLines = 8

// synScan is the SYN scan analyzer's result, kept for the tool analyzers.
type synScan struct {
	// byTarget holds the half-open bare-SYN flows, one run per target in
	// address order, each run by port.
	byTarget [][]*flow
	// tool names the scanner whose template every probe carries when
	// the scan is under the port threshold (smallscan.go); "" otherwise.
	tool string
}

// answers sums up what came back to a set of probes.
type answers struct {
	open, closed, unanswered int
	// reset counts open ports the prober reset; resetSeqIsAck those
	// whose RST carried the SYN/ACK's ack as seq.
	reset, resetSeqIsAck int
}

// analyzeSYNScan reports a source that sent bare SYNs to at least
// MinScanPorts distinct ports (of one target or across targets) and did
// not complete the handshakes: it reset the SYN/ACKs or never answered.
// SYNs a kernel made (a connect scan's) are left to analyzeConnect.
func analyzeSYNScan(a *analysis) {
	probes, completed := a.halfOpen()
	ports := distinctPorts(probes)
	small := ""
	if ports < a.cfg.MinScanPorts {
		if small = smallScanTool(a, probes, completed); small == "" {
			return
		}
	}
	ans := countAnswers(probes)
	// A source completing more handshakes than it resets is connecting
	// (connect scan or ordinary client); a SYN scanner completes none.
	if completed > ans.reset || kernelMade(probes) {
		return
	}
	a.syn = &synScan{byTarget: splitByTarget(probes), tool: small}
	f := Finding{
		Label:   labelSYNScan,
		Scanner: a.scanner,
		Ports:   ports,
		Targets: targetsOf(probes),
		Attrs: map[string]string{
			"open":       strconv.Itoa(ans.open),
			"closed":     strconv.Itoa(ans.closed),
			"unanswered": strconv.Itoa(ans.unanswered),
		},
	}
	f.First, f.Last, f.Packets = span(probes)
	f.Evidence = append(targetLines(a.syn.byTarget, "SYN"), ans.evidence()...)
	if small != "" {
		f.Evidence = append(f.Evidence, smallScanLine(ports, a.cfg.MinScanPorts, small))
	}
	if completed > 0 {
		f.Evidence = append(f.Evidence, fmt.Sprintf("%s from this source completed the handshake and are not counted as probes", plural(completed, "other connection")))
	}
	if n := a.src.flows.untracked; n > 0 {
		f.Evidence = append(f.Evidence, fmt.Sprintf("%d further probes went to ports beyond the detector's tracking limit", n))
	}
	a.out = append(a.out, f)
}

// halfOpen is halfOpenProbes of the analysed source, computed once for
// the analyzers that need it.
func (a *analysis) halfOpen() ([]*flow, int) {
	if !a.halfOpenDone {
		a.halfOpenFlows, a.completed = halfOpenOf(a.flowsOf(kindSYN))
		a.halfOpenDone = true
	}
	return a.halfOpenFlows, a.completed
}

// halfOpenProbes returns the SYN flows whose handshake the source did not
// complete, and how many it did complete.
func halfOpenProbes(s *source) (probes []*flow, completed int) {
	return halfOpenOf(flowsOf(s, kindSYN))
}

func halfOpenOf(syns []*flow) (probes []*flow, completed int) {
	probes = make([]*flow, 0, len(syns))
	for _, f := range syns {
		if f.has(sentAck) {
			completed++
			continue
		}
		probes = append(probes, f)
	}
	return probes, completed
}

// kernelMade reports whether most SYNs look like a kernel's connect():
// a stack's option list (MSS with SACK, timestamps or window scale), or
// an MSS alone with a fresh source port on nearly every SYN and a window
// other than the raw scanners' 1024.
func kernelMade(fs []*flow) bool {
	kernel, mssOnly := 0, 0
	for _, f := range fs {
		switch f.optClass {
		case optKernel:
			kernel++
		case optMSS:
			if f.window != 1024 {
				mssOnly++
			}
		}
	}
	if 2*kernel > len(fs) {
		return true
	}
	_, n := modal(fs, func(f *flow) uint16 { return f.sport })
	return 2*mssOnly > len(fs) && 5*n < len(fs)
}

// distinctPorts counts the ports of fs with a bitmap of all 65536 ports:
// no map, no allocation, whatever the scan's size.
func distinctPorts(fs []*flow) int {
	var ports portSet
	for _, f := range fs {
		ports.add(f.port)
	}
	return ports.n
}

func countAnswers(fs []*flow) answers {
	var c answers
	for _, f := range fs {
		switch {
		case f.has(gotSynAck):
			c.open++
			if f.has(sentReset) {
				c.reset++
			}
			if f.has(sentReset | resetSeqIsAck) {
				c.resetSeqIsAck++
			}
		case f.has(gotRST):
			c.closed++
		default:
			c.unanswered++
		}
	}
	return c
}

// evidence says what came back and what the prober did about it.
func (c answers) evidence() []string {
	var ev []string
	switch {
	case c.open == 0:
	case c.reset == c.open:
		ev = append(ev, fmt.Sprintf("%s answered SYN/ACK and the scanner reset each half-open connection", plural(c.open, "port")))
	default:
		ev = append(ev, fmt.Sprintf("%s answered SYN/ACK; the scanner reset %d and never answered the other %d", plural(c.open, "port"), c.reset, c.open-c.reset))
	}
	if c.reset > 0 && c.resetSeqIsAck == c.reset {
		ev = append(ev, "each RST carries the SYN/ACK's ack as its seq, as the scanner's kernel sends it")
	}
	return portLines(ev,
		portCount{c.closed, "answered RST (closed)"},
		portCount{c.unanswered, "sent no answer the sensor saw (filtered or lost)"})
}

// targetLines gives one "N SYNs to P ports of T in S" line per target,
// folding the targets past maxTargetLines into one summary line; noun
// names the probes.
func targetLines(byTarget [][]*flow, noun string) []string {
	var ev []string
	for i, run := range byTarget {
		if i == maxTargetLines {
			var rest []*flow
			for _, r := range byTarget[i:] {
				rest = append(rest, r...)
			}
			_, _, n := span(rest)
			ev = append(ev, fmt.Sprintf("and %s to %s of %d more targets", plural(n, noun), plural(distinctPorts(rest), "port"), len(byTarget)-i))
			break
		}
		first, last, n := span(run)
		ev = append(ev, fmt.Sprintf("%s to %s of %s in %s", plural(n, noun), plural(distinctPorts(run), "port"), netAddr(run[0].target), seconds(last.Sub(first).Nanoseconds())))
	}
	return ev
}

// span returns the first and last probe times of fs and how many probes
// they carried, retransmissions included.
func span(fs []*flow) (first, last time.Time, syns int) {
	lo, hi := fs[0].first, fs[0].last
	for _, f := range fs {
		lo, hi = min(lo, f.first), max(hi, f.last)
		syns += int(f.probes)
	}
	return ts(lo), ts(hi), syns
}

// splitByTarget cuts flows sorted by target into one run per target.
func splitByTarget(fs []*flow) [][]*flow {
	var runs [][]*flow
	for i := 0; i < len(fs); {
		j := i + 1
		for j < len(fs) && fs[j].target == fs[i].target {
			j++
		}
		runs = append(runs, fs[i:j])
		i = j
	}
	return runs
}
