package detector

import (
	"fmt"
	"strconv"
)

// Labels of the scans of probes that open no connection.
const (
	labelFINScan  = "scan.tcp-fin"
	labelXmasScan = "scan.tcp-xmas"
	labelNullScan = "scan.tcp-null"
	labelACKScan  = "scan.tcp-ack"
)

// stealthKinds are the scans of probes that open no connection, with
// their labels and the flags as an analyst writes them.
var stealthKinds = []struct {
	kind  probeKind
	label string
	flags string
}{
	{kindFIN, labelFINScan, "FIN"},
	{kindXmas, labelXmasScan, "FIN|PSH|URG"},
	{kindNull, labelNullScan, "flagless"},
	{kindACK, labelACKScan, "ACK"},
	{kindMaimon, labelMaimon, "FIN|ACK"},
}

// analyzeStealth reports FIN, Xmas, Null, ACK and Maimon (FIN|ACK)
// scans: probes of one flag pattern, with no payload and outside any
// connection, to at least MinScanPorts ports. RFC 793 stacks answer
// closed ports with RST and keep silent on open ones; to an ACK (FIN|ACK
// included) every unfiltered port says RST. FIN|ACKs the target
// acknowledged closed connections the capture saw no opening of, and
// are left out.
func analyzeStealth(a *analysis) {
	for _, k := range stealthKinds {
		fs := a.flowsOf(k.kind)
		if k.kind == kindMaimon {
			fs = outsideConnections(fs)
		}
		ports := distinctPorts(fs)
		if ports < a.cfg.MinScanPorts {
			continue
		}
		if a.stealth == nil {
			a.stealth = map[probeKind][]*flow{}
		}
		a.stealth[k.kind] = fs
		f := Finding{Label: k.label, Scanner: a.scanner, Ports: ports, Targets: targetsOf(fs)}
		f.First, f.Last, f.Packets = span(fs)
		f.Evidence = append(targetLines(splitByTarget(fs), k.flags+" probe"), stealthFieldsLine(k.kind, fs))
		rst := count(fs, func(f *flow) bool { return f.has(gotRST) })
		unreach := count(fs, func(f *flow) bool { return f.has(gotUnreach) && !f.has(gotRST) })
		silent := len(fs) - rst - unreach
		if k.kind == kindACK {
			f.Attrs = map[string]string{"unfiltered": strconv.Itoa(rst), "filtered": strconv.Itoa(silent + unreach)}
			f.Evidence = append(f.Evidence, fmt.Sprintf("%s answered RST (unfiltered)", plural(rst, "port")))
			if silent+unreach > 0 {
				f.Evidence = append(f.Evidence, fmt.Sprintf("%s sent no RST (filtered)", plural(silent+unreach, "port")))
			}
			f.Evidence = append(f.Evidence, windowLine(fs))
		} else if k.kind == kindMaimon {
			f.Attrs = map[string]string{"closed": strconv.Itoa(rst), "open_filtered": strconv.Itoa(silent), "filtered": strconv.Itoa(unreach)}
			f.Evidence = append(f.Evidence, maimonAnswerLines(fs, rst, silent, unreach)...)
		} else {
			f.Attrs = map[string]string{"closed": strconv.Itoa(rst), "open_filtered": strconv.Itoa(silent), "filtered": strconv.Itoa(unreach)}
			f.Evidence = append(f.Evidence, fmt.Sprintf("%s answered RST (closed)", plural(rst, "port")))
			if silent > 0 {
				f.Evidence = append(f.Evidence, fmt.Sprintf("%s stayed silent (open or filtered: an RFC 793 stack ignores such a probe to an open port)", plural(silent, "port")))
			}
			if unreach > 0 {
				f.Evidence = append(f.Evidence, fmt.Sprintf("%s answered ICMP unreachable (filtered)", plural(unreach, "port")))
			}
		}
		a.out = append(a.out, f)
	}
}

// stealthFieldsLine says what the probes kept constant in the fields a
// SYN-less probe need not fill: nmap 2.0x left seq and ack 0 (its
// send_tcp_raw draws a sequence number only for SYNs); today's nmap puts
// one random seq (or, for ACK, ack) on all of them.
func stealthFieldsLine(k probeKind, fs []*flow) string {
	seq, nseq := modal(fs, func(f *flow) uint32 { return f.seq })
	ack, nack := modal(fs, func(f *flow) uint32 { return f.ack })
	var s string
	switch {
	case nseq == len(fs) && seq == 0 && nack == len(fs) && ack == 0:
		s = "seq 0 and ack 0 on every probe"
	case nseq == len(fs) && nack == len(fs):
		s = fmt.Sprintf("seq %d and ack %d on every probe", seq, ack)
	case nack == len(fs):
		s = fmt.Sprintf("seq varies, ack %d on every probe", ack)
	default:
		s = "seq and ack vary"
	}
	if k == kindXmas && all(fs, func(f *flow) bool { return f.urg == 0 }) {
		s += ", urg 0 although URG is set"
	}
	if all(fs, func(f *flow) bool { return f.optClass == optNone }) {
		s += ", no TCP options"
	}
	return s
}
