package netns_test

import (
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/netns"
)

// BenchmarkLabUpDown measures Build+Close of a 1-host lab with the
// victim's nine listeners. Run as root:
//
//	go test ./netns -run '^$' -bench LabUpDown
func BenchmarkLabUpDown(b *testing.B) {
	if os.Geteuid() != 0 {
		b.Skip("NOT RUN: needs root to build namespaces")
	}
	spec := netns.Spec{Hosts: []labnet.Host{{Name: "victim", Addr: netip.MustParseAddr("198.18.1.2"),
		OpenTCP: []uint16{1, 7, 9, 13, 19, 21, 22, 23, 25}}}}
	for b.Loop() {
		lab, err := netns.Build(spec)
		if err != nil {
			b.Fatal(err)
		}
		if err := lab.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// bench3Hosts is the lab of the life-cycle benchmarks: one kernel host
// (the victim's nine listeners, a filtered and a prohibited port) and
// two personality hosts.
var bench3Hosts = netns.Spec{Hosts: []labnet.Host{
	{Name: "victim", Addr: netip.MustParseAddr("198.18.1.2"), OpenTCP: []uint16{1, 7, 9, 13, 19, 21, 22, 23, 25},
		FilteredTCP: []uint16{111}, ProhibitedTCP: []uint16{113}},
	{Name: "irix", Addr: netip.MustParseAddr("198.18.2.2"), Stack: "personality/irix-6.2", OpenTCP: []uint16{21, 22}},
	{Name: "linux", Addr: netip.MustParseAddr("198.18.3.2"), Stack: "personality/linux-2.0.35", OpenTCP: []uint16{21, 22}},
}}

// BenchmarkLab3Hosts measures Build+Close of bench3Hosts and reports the
// median as median-ms (ns/op is the mean, which a slow outlier skews),
// and the medians of Build and Close alone as build-ms and close-ms.
// The target: a median of at most 60 ms, against about 33 ms for
// BenchmarkIPCommands3Hosts. Run as root:
//
//	go test ./netns -run '^$' -bench 3Hosts -benchtime 50x
func BenchmarkLab3Hosts(b *testing.B) {
	if os.Geteuid() != 0 {
		b.Skip("NOT RUN: needs root to build namespaces")
	}
	var took, builds, closes []time.Duration
	for b.Loop() {
		start := time.Now()
		lab, err := netns.Build(bench3Hosts)
		if err != nil {
			b.Fatal(err)
		}
		built := time.Now()
		if err := lab.Close(); err != nil {
			b.Fatal(err)
		}
		took, builds, closes = append(took, time.Since(start)), append(builds, built.Sub(start)), append(closes, time.Since(built))
	}
	reportMedian(b, took, "median-ms")
	reportMedian(b, builds, "build-ms")
	reportMedian(b, closes, "close-ms")
}

// BenchmarkIPCommands3Hosts builds and removes the topology of
// bench3Hosts with iproute2 commands, one exec of ip per step, for the
// ratio to BenchmarkLab3Hosts in the same run. It makes the namespaces,
// TUNs, veths, addresses and routes; what ip cannot do (sysctls,
// listeners, firewall rules, offload settings, waiting until the links
// forward, the personalities' goroutines) it leaves out, so it is the
// floor the lab is measured against. Namespaces are siglab-bench-<pid>-<n>-*
// and are removed also when an iteration fails.
func BenchmarkIPCommands3Hosts(b *testing.B) {
	if os.Geteuid() != 0 {
		b.Skip("NOT RUN: needs root to build namespaces")
	}
	ip, err := exec.LookPath("ip")
	if err != nil {
		b.Skip("NOT RUN: no ip command (iproute2)")
	}
	var took []time.Duration
	n := 0
	for b.Loop() {
		n++
		prefix := fmt.Sprintf("%sbench-%d-%d-", netns.Prefix, os.Getpid(), n)
		start := time.Now()
		err := ipTopology(ip, prefix)
		derr := ipRemove(ip, prefix)
		if err != nil || derr != nil {
			b.Fatal(err, derr)
		}
		took = append(took, time.Since(start))
	}
	reportMedian(b, took, "median-ms")
}

// ipTopology is bench3Hosts made with ip commands.
func ipTopology(ip, prefix string) error {
	scan, sens, h0 := prefix+"scan", prefix+"sens", prefix+"h0"
	steps := [][]string{
		{"netns", "add", scan}, {"netns", "add", sens}, {"netns", "add", h0},
		{"-n", scan, "link", "set", "lo", "up"}, {"-n", sens, "link", "set", "lo", "up"}, {"-n", h0, "link", "set", "lo", "up"},
		// the scanner's TUN and uplink
		{"-n", scan, "tuntap", "add", "dev", "siglab-tun0", "mode", "tun"},
		{"-n", scan, "addr", "add", "198.18.0.1/32", "peer", "198.18.0.2", "dev", "siglab-tun0"},
		{"-n", scan, "link", "set", "siglab-tun0", "up"},
		{"-n", scan, "route", "add", "198.18.0.0/24", "dev", "siglab-tun0"},
		{"-n", sens, "link", "add", "siglab-dn0", "type", "veth", "peer", "name", "siglab-up0", "netns", scan},
		{"-n", scan, "addr", "add", "198.19.0.1/30", "dev", "siglab-up0"},
		{"-n", scan, "link", "set", "siglab-up0", "up"},
		{"-n", scan, "route", "add", "198.18.0.0/15", "via", "198.19.0.2", "dev", "siglab-up0"},
		// the sensor
		{"-n", sens, "addr", "add", "198.19.0.2/30", "dev", "siglab-dn0"},
		{"-n", sens, "link", "set", "siglab-dn0", "up"},
		{"-n", sens, "route", "add", "198.18.0.0/24", "via", "198.19.0.1", "dev", "siglab-dn0"},
		{"-n", sens, "route", "add", "blackhole", "198.18.0.0/15"},
		// the kernel host
		{"-n", sens, "link", "add", "siglab-h0", "type", "veth", "peer", "name", "siglab-eth0", "netns", h0},
		{"-n", sens, "addr", "add", "198.19.255.254/32", "dev", "siglab-h0"},
		{"-n", sens, "link", "set", "siglab-h0", "up"},
		{"-n", sens, "route", "add", "198.18.1.2/32", "dev", "siglab-h0"},
		{"-n", h0, "addr", "add", "198.18.1.2/24", "dev", "siglab-eth0"},
		{"-n", h0, "link", "set", "siglab-eth0", "up"},
		{"-n", h0, "route", "add", "default", "via", "198.19.255.254", "dev", "siglab-eth0", "onlink"},
	}
	// the personality hosts' TUNs in the sensor
	for i, addr := range []string{"198.18.2.2/32", "198.18.3.2/32"} {
		dev := fmt.Sprintf("siglab-p%d", i+1)
		steps = append(steps, []string{"-n", sens, "tuntap", "add", "dev", dev, "mode", "tun"},
			[]string{"-n", sens, "link", "set", dev, "up"},
			[]string{"-n", sens, "route", "add", addr, "dev", dev})
	}
	for _, args := range steps {
		if out, err := exec.Command(ip, args...).CombinedOutput(); err != nil {
			return fmt.Errorf("ip %s: %w: %s", strings.Join(args, " "), err, out)
		}
	}
	return nil
}

// ipRemove deletes the namespaces of one ipTopology (their links go with
// them); a namespace that was never made is not an error.
func ipRemove(ip, prefix string) error {
	var errs []string
	for _, role := range []string{"h0", "sens", "scan"} {
		name := prefix + role
		if _, err := os.Stat("/run/netns/" + name); err != nil {
			continue
		}
		if out, err := exec.Command(ip, "netns", "del", name).CombinedOutput(); err != nil {
			errs = append(errs, fmt.Sprintf("ip netns del %s: %v: %s", name, err, out))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return nil
}

// reportMedian adds the median of took, in milliseconds, as unit.
func reportMedian(b *testing.B, took []time.Duration, unit string) {
	if len(took) == 0 {
		return
	}
	slices.Sort(took)
	m := took[len(took)/2]
	if len(took)%2 == 0 {
		m = (took[len(took)/2-1] + m) / 2
	}
	b.ReportMetric(float64(m)/float64(time.Millisecond), unit)
}
