package main

import "fmt"

// target is one goal of issues 7, 17 and 19, judged on the medians. Every
// goal is a ratio to a tool measured in the same run (issue 19: an
// absolute rate means something else on every machine, and on a shared
// one from hour to hour); absolute figures are printed beside it for
// information only.
type target struct {
	Name     string `json:"name"`
	Goal     string `json:"goal"`
	Measured string `json:"measured"`
	// Verdict is PASS, MISS, INCONCLUSIVE (the live ceiling's runs had
	// drops), or NOT RUN when a measurement is absent.
	Verdict string `json:"verdict"`
}

func verdict(measured, pass bool) string {
	switch {
	case !measured:
		return "NOT RUN"
	case pass:
		return "PASS"
	}
	return "MISS"
}

// The ratio goals. Where an issue first set an absolute goal, the ratio
// is that goal over the reference tool's figure on the machine where it
// was set, so the bar is the same one, carried to other machines.
const (
	// issue 19: siglab --help at most 1.3x a hello-world Go binary.
	startupMax = 1.3
	// issue 5's 3 M packets/s, where tcpdump -n -S -r read ~0.36 M.
	detectCoreMin = 8.0
	// issue 7's 100 MB, where tcpdump took 67 MB on the same capture.
	detectMemMax = 1.5
	// issue 7's 60 ms for netns.Build + Close, where the ip commands
	// took ~33 ms.
	labMax = 1.8
	// issue 17's 100 ms for lab up + lab down from the command line,
	// where the ip commands took ~49 ms.
	labCLIMax = 2.0
)

// judge applies the targets to r.
func judge(r *raw) []target {
	return []target{liveTarget(r), liveCeilingTarget(r), startupTarget(r), genTarget(r), detectSpeedTarget(r),
		detectCoreTarget(r), detectMemTarget(r), labTarget(r), labCLITarget(r)}
}

// twoMedians is the medians of a and b; ok when both were measured and b
// is not zero (it divides).
func twoMedians(r *raw, a, b key) (float64, float64, bool) {
	x, ok1 := r.median(a)
	y, ok2 := r.median(b)
	return x, y, ok1 && ok2 && y != 0
}

func liveTarget(r *raw) target {
	s, m, ok := twoMedians(r, key{"live", "fullrange", "siglab", "pps"}, key{"live", "fullrange", "masscan", "pps"})
	exact := r.all(key{"live", "fullrange", "siglab", "exact"}, 1)
	t := target{Name: "live SYN scan", Goal: "siglab packets/s >= 1.0x masscan's, every open port found"}
	if ok {
		t.Measured = fmt.Sprintf("%.2fx masscan (%s vs %s packets/s); exact ports in every run: %v", s/m, num(s), num(m), exact)
	}
	t.Verdict = verdict(ok, s >= m && exact)
	return t
}

// liveCeilingTarget is scripts/bench-live.sh's verdict (issue 19's live
// ceiling), which judges its own runs: its exit status, 0 PASS, 1 MISS,
// 3 INCONCLUSIVE (drops).
func liveCeilingTarget(r *raw) target {
	code, ok := r.median(key{"liveceiling", "fullrange", "bench-live", "exit"})
	t := target{Name: "live ceiling", Goal: "siglab >= 2x masscan's packets/s at the sensor, or >= 0.9x the path's own ceiling (scripts/bench-live.sh)"}
	if !ok {
		t.Verdict = "NOT RUN"
		return t
	}
	t.Measured = "see scripts/bench-live.sh's table below"
	switch code {
	case 0:
		t.Verdict = "PASS"
	case 3:
		t.Verdict = "INCONCLUSIVE"
	default:
		t.Verdict = "MISS"
	}
	return t
}

func startupTarget(r *raw) target {
	h, w, ok := twoMedians(r, key{"startup", "cli", "help", "wall_ms"}, key{"startup", "cli", "hello", "wall_ms"})
	t := target{Name: "start-up", Goal: fmt.Sprintf("siglab --help <= %.1fx a hello-world Go binary built in the same run", startupMax)}
	if ok {
		t.Measured = fmt.Sprintf("%.2fx hello-world (%.1f vs %.1f ms)", h/w, h, w)
		// The floors say whether the target is within reach at all: a
		// process that only links siglab's packages and exits.
		if f, ok := r.median(key{"startup", "cli", "floor", "wall_ms"}); ok {
			t.Measured += fmt.Sprintf("; floor %.2fx", f/w)
		}
		if f, ok := r.median(key{"startup", "cli", "floor-noplot", "wall_ms"}); ok {
			t.Measured += fmt.Sprintf(", %.2fx without gonum/plot and chromedp", f/w)
		}
	}
	t.Verdict = verdict(ok, h <= startupMax*w)
	return t
}

// genTarget compares wall times on the same packets: tcpdump copies the
// file siglab wrote, so the ratio of times is the ratio of packets/s.
func genTarget(r *raw) target {
	s, c, ok := twoMedians(r, key{"generate", "fullrange", "siglab", "wall_ms"}, key{"generate", "fullrange", "tcpdump", "wall_ms"})
	pps, _ := r.median(key{"generate", "fullrange", "siglab", "pps"})
	t := target{Name: "offline generation", Goal: "siglab generate >= 1.0x tcpdump -r X -w Y's speed on the same packets"}
	if ok && s > 0 {
		t.Measured = fmt.Sprintf("%.2fx tcpdump's copy (%.1f vs %.1f ms; %s packets/s)", c/s, s, c, num(pps))
	}
	t.Verdict = verdict(ok && s > 0, s <= c)
	return t
}

func detectSpeedTarget(r *raw) target {
	s, p, ok := twoMedians(r, key{"detect", "10m", "siglab", "pps"}, key{"detect", "10m", "p0f", "pps"})
	t := target{Name: "detection speed", Goal: "siglab detect >= 3x p0f's packets/s (10M packets)"}
	if ok {
		t.Measured = fmt.Sprintf("%.2fx p0f (%s vs %s packets/s)", s/p, num(s), num(p))
	}
	t.Verdict = verdict(ok, s >= 3*p)
	return t
}

// detectCoreTarget is issue 5's throughput goal. scripts/bench.sh pins
// every detection tool to one CPU (taskset), so both figures are one
// core's, siglab's garbage collector included. It is judged on the big
// capture of full-range SYN scans, where process start-up is amortized;
// the single full-range scan's figure, start-up included, is shown
// beside it.
func detectCoreTarget(r *raw) target {
	big, tcpd, ok := twoMedians(r, key{"detect", "10m", "siglab", "pps"}, key{"detect", "10m", "tcpdump", "pps"})
	small, okSmall := r.median(key{"detect", "fullrange", "siglab", "pps"})
	t := target{Name: "detection throughput, one core",
		Goal: fmt.Sprintf("siglab detect >= %.0fx tcpdump -n -S -r's packets/s on captures of full-range SYN scans (10M packets)", detectCoreMin)}
	if ok {
		t.Measured = fmt.Sprintf("%.2fx tcpdump (%s vs %s packets/s)", big/tcpd, num(big), num(tcpd))
		if okSmall {
			t.Measured += "; " + num(small) + " packets/s on the single 131k-packet scan, process start included"
		}
	}
	t.Verdict = verdict(ok, big >= detectCoreMin*tcpd)
	return t
}

// detectMemTarget is judged on the spoofed-sources capture, where a
// detector's per-source state is at its worst; the 10M nmap capture's
// one source would pass with any table size.
func detectMemTarget(r *raw) target {
	kb, tkb, ok := twoMedians(r, key{"detect", "spoofed1m", "siglab", "rss_kb"}, key{"detect", "spoofed1m", "tcpdump", "rss_kb"})
	n, _ := r.median(key{"detect", "spoofed1m", "siglab", "packets"})
	s, _ := r.median(key{"detect", "spoofed1m", "siglab", "sources"})
	t := target{Name: "detection memory",
		Goal: fmt.Sprintf("siglab detect <= %.1fx tcpdump -n -S -r's peak RSS on 10M packets from 1M sources", detectMemMax)}
	if ok {
		t.Measured = fmt.Sprintf("%.2fx tcpdump (%.1f vs %.1f MB peak RSS on %s packets from %s sources)",
			kb/tkb, kb/kibPerMB, tkb/kibPerMB, num(n), num(s))
	}
	t.Verdict = verdict(ok, kb <= detectMemMax*tkb)
	return t
}

func labTarget(r *raw) target {
	ms, ip, ok := twoMedians(r, key{"lab", "3hosts", "siglab", "median_ms"}, key{"lab", "3hosts", "ip", "median_ms"})
	t := target{Name: "lab up plus down, 3 hosts", Goal: fmt.Sprintf("netns.Build + Close <= %.1fx the ip commands building the same topology", labMax)}
	if ok {
		t.Measured = fmt.Sprintf("%.2fx ip (%.1f vs %.1f ms)", ms/ip, ms, ip)
	}
	t.Verdict = verdict(ok, ms <= labMax*ip)
	return t
}

// labCLITarget is issue 17's lab cycle from the command line
// (scripts/lab-cycle.sh); its 100 ms is printed beside the ratio.
func labCLITarget(r *raw) target {
	ms, ip, ok := twoMedians(r, key{"lab", "3hosts", "cli", "median_ms"}, key{"lab", "3hosts", "ip", "median_ms"})
	t := target{Name: "CLI lab cycle, 3 hosts", Goal: fmt.Sprintf("siglab lab up --detach + lab down <= %.1fx the ip commands building the same topology", labCLIMax)}
	if ok {
		met := "met"
		if ms > 100 {
			met = "not met"
		}
		t.Measured = fmt.Sprintf("%.2fx ip (%.1f vs %.1f ms; issue 17's 100 ms %s)", ms/ip, ms, ip, met)
	}
	t.Verdict = verdict(ok, ms <= labCLIMax*ip)
	return t
}
