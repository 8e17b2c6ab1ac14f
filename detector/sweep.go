package detector

import (
	"fmt"
	"slices"
	"strconv"
)

const (
	labelSweepEcho = "sweep.icmp-echo"
	labelSweepACK  = "sweep.tcp-ack"
)

// analyzeSweeps reports host discovery: ICMP echo requests, or TCP ACKs
// to one port, sent to at least MinSweepHosts addresses (nmap's ping:
// both, to port 80), each at most MaxSweepProbes times. An answer (echo
// reply, RST) says the host is up.
func analyzeSweeps(a *analysis) {
	if echo, left := a.swept(a.flowsOf(kindEcho)); len(echo) >= a.cfg.MinSweepHosts {
		a.echo = echo
		f := sweepFinding(a, labelSweepEcho, echo)
		f.Evidence = append(f.Evidence, fmt.Sprintf("ICMP echo requests to %s", addrRange(echo)))
		if left > 0 {
			f.Evidence = append(f.Evidence, fmt.Sprintf("%s pinged more than %d times each left out: watched, not swept", plural(left, "further address"), a.cfg.MaxSweepProbes))
		}
		if all(echo, func(f *flow) bool { return f.payLen == 0 }) {
			f.Evidence = append(f.Evidence, "every request is 8 bytes: no payload")
		}
		f.Evidence = append(f.Evidence, fmt.Sprintf("%s answered with an echo reply", plural(count(echo, (*flow).answered), "address")))
		a.out = append(a.out, f)
	}
	pings, _ := a.swept(a.flowsOf(kindACK))
	acks := ackPings(pings)
	if len(acks) < a.cfg.MinSweepHosts {
		return
	}
	a.ackPing = acks
	f := sweepFinding(a, labelSweepACK, acks)
	f.Evidence = append(f.Evidence, fmt.Sprintf("TCP ACKs to port %d of %s", acks[0].port, addrRange(acks)))
	if ack, n := modal(acks, func(f *flow) uint32 { return f.ack }); n == len(acks) {
		f.Evidence = append(f.Evidence, fmt.Sprintf("ack %d on every probe", ack))
	}
	if all(acks, func(f *flow) bool { return f.seq&7 == 3 }) {
		f.Evidence = append(f.Evidence, "seq ≡ 3 mod 8 (low bits 011) on every probe")
	}
	f.Evidence = append(f.Evidence, fmt.Sprintf("%s answered RST", plural(count(acks, (*flow).answered), "address")))
	a.out = append(a.out, f)
}

// ackPings returns the ACK probes to the port that most addresses got.
func ackPings(fs []*flow) []*flow {
	byPort := map[uint16][]*flow{}
	for _, f := range fs {
		byPort[f.port] = append(byPort[f.port], f)
	}
	var best []*flow
	for _, port := range slices.Sorted(mapKeys(byPort)) {
		if run := byPort[port]; len(run) > len(best) {
			best = run
		}
	}
	return best
}

func mapKeys[K comparable, V any](m map[K]V) func(func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func sweepFinding(a *analysis, label string, fs []*flow) Finding {
	up := count(fs, (*flow).answered)
	f := Finding{
		Label: label, Scanner: a.scanner, Targets: targetsOf(fs), Ports: distinctPorts(fs),
		Attrs: map[string]string{"addresses": strconv.Itoa(len(targetsOf(fs))), "up": strconv.Itoa(up)},
	}
	if label == labelSweepEcho {
		f.Ports = 0
	}
	f.First, f.Last, f.Packets = span(fs)
	return f
}

// addrRange describes the addresses of fs: "15 addresses in 198.18.1.1 -
// 198.18.1.15".
func addrRange(fs []*flow) string {
	lo, hi := fs[0].target, fs[0].target
	for _, f := range fs {
		if f.target.compare(lo) < 0 {
			lo = f.target
		}
		if f.target.compare(hi) > 0 {
			hi = f.target
		}
	}
	return fmt.Sprintf("%s in %s - %s", plural(len(targetsOf(fs)), "address"), netAddr(lo), netAddr(hi))
}
