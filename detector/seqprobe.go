package detector

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
)

const labelSeqProbe = "seqprobe"

// analyzeSeqProbe reports TCP sequence predictability sampling: runs of
// SYNs to one port, each from the next source port with the next
// sequence number (seqTracker).
func analyzeSeqProbe(a *analysis) {
	runs := a.src.seq.all()
	if len(runs) == 0 {
		return
	}
	f := Finding{Label: labelSeqProbe, Scanner: a.scanner, First: ts(runs[0].first), Last: ts(runs[len(runs)-1].last)}
	maxN, ports := 0, map[uint16]bool{}
	for i, r := range runs {
		f.Packets += int(r.n)
		maxN = max(maxN, int(r.n))
		ports[r.port] = true
		if t := netAddr(r.target); !slices.Contains(f.Targets, t) {
			f.Targets = append(f.Targets, t)
		}
		if i < maxTargetLines {
			f.Evidence = append(f.Evidence, runLine(r))
		}
	}
	if len(runs) > maxTargetLines {
		f.Evidence = append(f.Evidence, fmt.Sprintf("and %d more runs", len(runs)-maxTargetLines))
	}
	if m := a.src.seq.more; m > 0 {
		f.Evidence = append(f.Evidence, fmt.Sprintf("%d further runs past the detector's limit", m))
	}
	slices.SortFunc(f.Targets, netip.Addr.Compare)
	f.Ports = len(ports)
	f.Attrs = map[string]string{"samples": strconv.Itoa(maxN), "runs": strconv.Itoa(len(runs))}
	a.out = append(a.out, f)
}

// runLine: "6 SYNs to 198.18.1.2:1 with consecutive ISNs 2311927011..
// 2311927016 from source ports 37808..37813, 5.331 ms apart".
func runLine(r seqRun) string {
	n := uint32(r.n) - 1
	gap := float64(r.last-r.first) / float64(n) / 1e6
	opts := "no TCP options"
	switch r.optClass {
	case optOS2:
		opts = "today's nmap option sets"
	case optMSS:
		opts = "an MSS option"
	case optKernel, optOther, optOS1:
		opts = "TCP options"
	}
	return fmt.Sprintf("%d SYNs to %s:%d with consecutive ISNs %d..%d from source ports %d..%d, %.1f ms apart, %s",
		r.n, netAddr(r.target), r.port, r.seq, r.seq+n, r.sport, r.sport+uint16(n), gap, opts)
}
