package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/rulelab"
	"github.com/siglab/siglab/rules"
	"github.com/siglab/siglab/scenarios"
	"github.com/siglab/siglab/verifier"
)

// The rule lab's speed (issue 14): the engine on the capture of
// bench/fullrange.yaml (nmap 2.02 -sS -P0 -O -p1-65535 against one host,
// 131,182 packets), held in memory as IPv4 packets so that the figure is
// the engine's, on one core (run with -cpu 1). Targets: at least 3
// million packets/s with the classic set and at least 1 million with
// 1,000 generated header-only rules.

var fullRange struct {
	once  sync.Once
	times []time.Time
	ips   [][]byte
	cap   *capture.Capture
	err   error
}

func fullRangePackets(b *testing.B) ([]time.Time, [][]byte, *capture.Capture) {
	fullRange.once.Do(func() {
		ss, err := scenarios.Load("../../bench/fullrange.yaml")
		if err != nil {
			fullRange.err = err
			return
		}
		res, err := verifier.Generate(context.Background(), ss[0])
		if err != nil {
			fullRange.err = err
			return
		}
		fullRange.cap = res.Capture
		for _, p := range res.Capture.Packets {
			ip, err := capture.IPv4(res.Capture.LinkType, p.Data)
			if err != nil {
				continue
			}
			fullRange.times = append(fullRange.times, p.Time)
			fullRange.ips = append(fullRange.ips, ip)
		}
	})
	if fullRange.err != nil {
		b.Fatal(fullRange.err)
	}
	return fullRange.times, fullRange.ips, fullRange.cap
}

// benchRules feeds the full-range capture to an engine of set once per
// iteration and reports packets/s.
func benchRules(b *testing.B, set *rules.Set) {
	times, ips, _ := fullRangePackets(b)
	e, err := rulelab.Compile(set, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		e.Reset()
		for i, ip := range ips {
			e.Packet(times[i], ip)
		}
		_ = e.Results()
	}
	b.ReportMetric(float64(len(ips)*b.N)/b.Elapsed().Seconds(), "packets/s")
	b.ReportMetric(float64(len(set.Rules)), "rules")
}

func BenchmarkRulesClassicFullRange(b *testing.B) { benchRules(b, rules.Classic()) }

// BenchmarkRulesClassicFullRangeWhy is the whole `siglab rules check`
// evaluation: the alerts, then the why pass for every silent rule.
func BenchmarkRulesClassicFullRangeWhy(b *testing.B) {
	_, ips, c := fullRangePackets(b)
	e, err := rulelab.Compile(rules.Classic(), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		e.Evaluate(c, true)
	}
	b.ReportMetric(float64(len(ips)*b.N)/b.Elapsed().Seconds(), "packets/s")
}

// BenchmarkRulesGenerated is n generated header-only rules: the cost
// should grow far slower than n, because a packet meets only the rules
// of its protocol, flag byte and destination port.
func BenchmarkRulesGenerated(b *testing.B) {
	for _, n := range []int{10, 100, 1000, 10000} {
		b.Run(fmt.Sprintf("rules=%d", n), func(b *testing.B) { benchRules(b, generatedRules(b, n)) })
	}
}

// BenchmarkRulesGeneratedAnyPort is the harder shape: n rules on any
// port, each with flags and one pinned header value (window, ttl, IP
// ID or ack), found through the value index rather than by port.
func BenchmarkRulesGeneratedAnyPort(b *testing.B) {
	for _, n := range []int{10, 1000} {
		b.Run(fmt.Sprintf("rules=%d", n), func(b *testing.B) { benchRules(b, anyPortRules(b, n)) })
	}
}

func anyPortRules(b *testing.B, n int) *rules.Set {
	r := rand.New(rand.NewPCG(15, uint64(n)))
	flags := []string{"S", "S,12", "SA", "A,12", "F", "FPU", "0", "SF", "R"}
	pins := []func() string{
		func() string { return fmt.Sprintf("window:%d;", r.IntN(65536)) },
		func() string { return fmt.Sprintf("ttl:%d;", r.IntN(256)) },
		func() string { return fmt.Sprintf("id:%d;", r.IntN(65536)) },
		func() string { return fmt.Sprintf("ack:%d;", r.Uint32()) },
	}
	var sb strings.Builder
	for i := range n {
		fmt.Fprintf(&sb, "alert tcp $EXTERNAL_NET any -> $HOME_NET any (msg:\"any %d\"; flags:%s; %s sid:%d;)\n",
			i, flags[r.IntN(len(flags))], pins[r.IntN(len(pins))](), 2000000+i)
	}
	set, err := rules.Parse("anyport.rules", []byte(sb.String()))
	if err != nil {
		b.Fatal(err)
	}
	return set
}

// generatedRules writes n header-only rules of the shapes scan rules
// have: most on one destination port or a short list, some on any port
// with flags, a few UDP and ICMP ones, with a mix of flags, windows,
// TTLs and ack values.
func generatedRules(b *testing.B, n int) *rules.Set {
	r := rand.New(rand.NewPCG(14, uint64(n)))
	flags := []string{"S", "S,12", "SA", "A,12", "F", "FPU", "0", "SF", "R", "S+", "*FS", "!A"}
	var sb strings.Builder
	for i := range n {
		sid := 1000000 + i
		fl := flags[r.IntN(len(flags))]
		switch k := r.IntN(20); {
		case k < 14:
			fmt.Fprintf(&sb, "alert tcp $EXTERNAL_NET any -> $HOME_NET %d (msg:\"gen %d\"; flags:%s; window:%d; sid:%d;)\n",
				1+r.IntN(65535), i, fl, 1024*(1+r.IntN(4)), sid)
		case k < 16:
			fmt.Fprintf(&sb, "alert tcp $EXTERNAL_NET any -> $HOME_NET [%d,%d,%d] (msg:\"gen %d\"; flags:%s; ack:0; sid:%d;)\n",
				1+r.IntN(65535), 1+r.IntN(65535), 1+r.IntN(65535), i, fl, sid)
		case k < 18:
			fmt.Fprintf(&sb, "alert tcp $EXTERNAL_NET any -> $HOME_NET any (msg:\"gen %d\"; flags:%s; ttl:%d; id:%d; sid:%d;)\n",
				i, fl, 1+r.IntN(255), r.IntN(65536), sid)
		case k < 19:
			fmt.Fprintf(&sb, "alert udp $EXTERNAL_NET any -> $HOME_NET %d (msg:\"gen %d\"; dsize:%d; sid:%d;)\n",
				1+r.IntN(65535), i, r.IntN(512), sid)
		default:
			fmt.Fprintf(&sb, "alert icmp $EXTERNAL_NET any -> $HOME_NET any (msg:\"gen %d\"; itype:%d; icode:%d; sid:%d;)\n",
				i, r.IntN(19), r.IntN(4), sid)
		}
	}
	set, err := rules.Parse("generated.rules", []byte(sb.String()))
	if err != nil {
		b.Fatal(err)
	}
	return set
}
