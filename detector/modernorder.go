package detector

import (
	"fmt"
	"strconv"
	"strings"
)

// popularPorts is today's nmap's pop_ports (nmap.cc, random_port_cheat:
// "top 25 open TCP ports plus 113, 554, and 256", unchanged since 2008).
// After shuffling the TCP ports to scan, nmap moves those of this list
// to the front, keeping their shuffled order. nmap 2.0x had no such step.
var popularPorts = func() (set portSet) {
	for _, p := range []uint16{80, 23, 443, 21, 22, 25, 3389, 110, 445, 139, 143, 53, 135, 3306, 8080, 1723, 111, 995, 993, 5900, 1025, 587, 8888, 199, 1720, 113, 554, 256} {
		set.add(p)
	}
	return set
}()

// Thresholds for the port-order rule: enough popular ports that their
// all coming first is no accident (3 of 100 shuffled ports: about one
// chance in 160,000), and enough others to see them shuffled.
const (
	minPopularFirst = 3
	minShuffledRest = 8
)

// modernPortOrder is the port-order rule, for every TCP technique and
// whatever made the packets (raw probes or the kernel's connect() SYNs):
// on a target, the popular ports among those scanned were all probed
// before any other, and the others followed in shuffled order.
func modernPortOrder(a *analysis, t *toolEvidence) {
	for _, k := range []probeKind{kindSYN, kindFIN, kindXmas, kindNull, kindACK, kindMaimon, kindCustom} {
		for _, run := range splitByTarget(a.flowsOf(k)) {
			if first, rest, ok := popularFirst(run); ok {
				t.fire(run...)
				t.add(fmt.Sprintf("the first %d of %d ports probed on %s (%s) are exactly the scanned ports on nmap's popular-port list, the other %d follow in shuffled order: today's nmap's random_port_cheat",
					len(first), len(run), netAddr(run[0].target), portList(first), rest))
			}
		}
	}
}

// popularFirst checks the rule on one target's flows of one kind. It
// returns the popular ports in the order they went out and how many
// other ports followed them.
func popularFirst(run []*flow) (first []uint16, rest int, ok bool) {
	var popLast, otherFirst int64
	others := make([]*flow, 0, len(run))
	for _, f := range run {
		if popularPorts.has(f.port) {
			popLast = max(popLast, f.first)
			continue
		}
		if len(others) == 0 || f.first < otherFirst {
			otherFirst = f.first
		}
		others = append(others, f)
	}
	pop := len(run) - len(others)
	// Ties are allowed: probes sent in one burst may share a timestamp.
	if pop < minPopularFirst || len(others) < minShuffledRest || popLast > otherFirst || !shuffled(portsFirstSeen(others)) {
		return nil, 0, false
	}
	for _, p := range portsFirstSeen(run)[:pop] {
		first = append(first, p)
	}
	return first, len(others), true
}

func portList(ps []uint16) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = strconv.Itoa(int(p))
	}
	return strings.Join(s, ", ")
}
