package detector

import (
	"fmt"
	"strconv"
)

const labelConnect = "scan.tcp-connect"

// analyzeConnect reports a connect() scan: the scanner's own kernel opens
// each connection, so the SYNs carry the kernel's options and a fresh
// source port each, and the scanner closes every connection it completed
// at once with a RST (nmap sets SO_LINGER 0), sending no data. Ordinary
// clients send data or close with FIN; their connections are no probes.
func analyzeConnect(a *analysis) {
	if a.syn != nil {
		return
	}
	var probes []*flow
	aborted, held, used := 0, 0, 0
	for _, f := range a.flowsOf(kindSYN) {
		switch {
		case f.state&(sentData|sentFin) != 0 && !a.src.svc.probed(f.target, f.port):
			// (nmap's service probes on a port it connect-scanned
			// are its own: the port still counts.)
			used++
			continue
		case f.has(sentAck | abortedAfter):
			aborted++
		case f.has(sentAck):
			held++
		case f.has(gotSynAck):
			continue // SYN/ACK left unanswered: no connect() does that
		}
		probes = append(probes, f)
	}
	ports := distinctPorts(probes)
	if ports < a.cfg.MinScanPorts || aborted == 0 && !kernelMade(probes) {
		return
	}
	a.connect = probes
	closed, silent := 0, 0
	for _, f := range probes {
		switch {
		case f.has(gotRST):
			closed++
		case !f.answered():
			silent++
		}
	}
	f := Finding{
		Label: labelConnect, Scanner: a.scanner, Ports: ports, Targets: targetsOf(probes),
		Attrs: map[string]string{
			"open":       strconv.Itoa(aborted + held),
			"closed":     strconv.Itoa(closed),
			"unanswered": strconv.Itoa(silent),
		},
	}
	f.First, f.Last, f.Packets = span(probes)
	f.Evidence = targetLines(splitByTarget(probes), "SYN")
	f.Evidence = portLines(f.Evidence,
		portCount{aborted, "completed the handshake and the scanner reset each at once without sending data"},
		portCount{held, "completed the handshake with no data and no close seen"},
		portCount{closed, "answered RST (closed)"},
		portCount{silent, "sent no answer the sensor saw (filtered or lost)"})
	f.Evidence = append(f.Evidence, kernelLine(probes))
	if used > 0 {
		f.Evidence = append(f.Evidence, fmt.Sprintf("%s from this source carried data or closed with FIN and are not counted as probes", plural(used, "other connection")))
	}
	a.out = append(a.out, f)
}

// kernelLine describes the SYNs as a kernel makes them.
func kernelLine(fs []*flow) string {
	sports := distinct(fs, func(f *flow) uint16 { return f.sport })
	w, _ := modal(fs, func(f *flow) uint16 { return f.window })
	opts := "no options"
	switch c, _ := modal(fs, func(f *flow) uint8 { return uint8(f.optClass) }); optClass(c) {
	case optKernel:
		opts = "a stack's option list (MSS with SACK, timestamps or window scale)"
	case optMSS:
		opts = "an MSS option alone"
	}
	return fmt.Sprintf("SYNs from %s, window %d, %s: the scanner's kernel made them", plural(sports, "source port"), w, opts)
}
