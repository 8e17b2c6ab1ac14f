package main_test

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/netns"
	"github.com/siglab/siglab/netns/netnstest"
)

// The chaos harness: a seeded loop that starts siglab's long-running
// commands (a live parallel run writing a report, lab up, scan --lab in
// a lab, an offline run writing a report), kills one of them at a random
// moment with SIGKILL, SIGTERM or SIGINT while another user adds and
// deletes namespaces beside it with iproute2, runs `lab clean`, and
// counts what is left: namespaces and their pins (the mount table's
// view, covered ones too), state files, links, processes, report temp
// files and half-written report files. Every count must be zero, and a
// sniffer on the host's interfaces must see no lab packet meanwhile.
//
// Each iteration runs in a mount namespace of its own whose /run starts
// empty, as on a machine just booted (netnstest.FreshMountNS): /run/netns
// is then a plain directory until siglab or iproute2 makes it a shared
// mount, the case that once left siglab's pins covered. Network
// namespaces, links and processes are the host's.
//
// SIGLAB_CHAOS_ITERATIONS (default 20; `make chaos` runs 200) and
// SIGLAB_CHAOS_SEED (default 1) set the loop; the seed, the actions and
// signals drawn, and the problems found are reported.
var _ = Describe("chaos: siglab killed at any moment leaves nothing behind", Label("root", "chaos"), func() {
	It("survives the seeded loop with zero leftovers of every kind", func() {
		netnstest.RequireRoot()
		iterations := envInt("SIGLAB_CHAOS_ITERATIONS", 20)
		seed := uint64(envInt("SIGLAB_CHAOS_SEED", 1))
		rnd := rand.New(rand.NewPCG(seed, 0xc4a05))
		// Containment through it all: the host's namespace never sees a
		// lab packet, however siglab dies.
		sniffer, err := netnstest.StartSniffer()
		Expect(err).NotTo(HaveOccurred())
		tally := map[string]int{}
		var problems []string
		started := time.Now()
		for i := 0; i < iterations; i++ {
			act := actions[rnd.IntN(len(actions))]
			sig := signals[rnd.IntN(len(signals))]
			u := rnd.Float64()
			after := time.Duration(u * u * u * float64(act.window)) // a third of the kills in the first 7%: the build
			tally[act.name+", "+sig.String()]++
			where := fmt.Sprintf("iteration %d (%s, %s after %v)", i, act.name, sig, after.Round(time.Millisecond))
			for _, p := range iterate(act, sig, after) {
				problems = append(problems, where+": "+p)
			}
		}
		leaked, seen := sniffer.Stop()
		problems = append(problems, leaked...)
		summary := fmt.Sprintf("seed %d, %d iterations in %v, %d problems (%d lab packets among %d in the host's namespace); drawn: %v",
			seed, iterations, time.Since(started).Round(time.Second), len(problems), len(leaked), seen, tally)
		AddReportEntry("chaos", summary)
		fmt.Fprintln(os.Stderr, "chaos:", summary)
		Expect(problems).To(BeEmpty())
	})
})

// iterate runs one action in a fresh mount namespace with another user
// beside it, cleans up as a user would, and lists what is left.
func iterate(act chaosAction, sig syscall.Signal, after time.Duration) []string {
	m := netnstest.FreshMountNS()
	defer m.Close()
	report := GinkgoT().TempDir()
	stop := otherUser(m)
	pids := act.run(m, report, sig, after)
	stop()
	var problems []string
	if code, out, errOut := m.Run(bin, "lab", "clean"); code != 0 {
		problems = append(problems, fmt.Sprintf("lab clean exit %d: %s%s", code, out, errOut))
	}
	return append(problems, leftovers(m, pids, report)...)
}

// A chaos action starts siglab in m, kills one of its processes with
// sig after the given time (if it still runs), waits for everything it
// started and returns the pids whose resources must be gone.
type chaosAction struct {
	name   string
	window time.Duration // the kill falls in [0, window), early more often
	run    func(m *netnstest.MountNS, report string, sig syscall.Signal, after time.Duration) []int
}

var signals = []syscall.Signal{syscall.SIGKILL, syscall.SIGTERM, syscall.SIGINT}

// The windows are about each action's length here, so kills fall while
// the network is built, the scan runs, the capture is flushed, the
// report is written and the network is torn down.
var actions = []chaosAction{
	{"live run", time.Second, func(m *netnstest.MountNS, report string, sig syscall.Signal, after time.Duration) []int {
		return []int{killAfter(m.Command(bin, "run", "--parallel", "2", "--report", report,
			"fig2-syn", "tech-fin", "tech-udp", "tech-decoys"), sig, after)}
	}},
	{"lab up", time.Second, func(m *netnstest.MountNS, _ string, sig syscall.Signal, after time.Duration) []int {
		return []int{killAfter(m.Command(bin, "lab", "up", "--scenario", "tech-connect"), sig, after)}
	}},
	{"scan --lab", time.Second, func(m *netnstest.MountNS, _ string, sig syscall.Signal, after time.Duration) []int {
		up := m.Command(bin, "lab", "up", "--scenario", "fig2-syn")
		up.Stdout, up.Stderr = GinkgoWriter, GinkgoWriter
		Expect(up.Start()).To(Succeed())
		id := strconv.Itoa(up.Process.Pid) + "-1"
		state := m.Path(filepath.Join(netns.StateDir, id+".json"))
		var scan int
		if waitFor(func() bool { _, err := os.Stat(state); return err == nil }, 15*time.Second) {
			scan = killAfter(m.Command(bin, "scan", "--lab", id, "-sS", "-P0", "-p1-200", "victim"), sig, after)
		}
		_ = up.Process.Signal(syscall.SIGTERM) // the lab's owner goes too, as a user's Ctrl-C would
		reap(up, 15*time.Second)
		return []int{up.Process.Pid, scan}
	}},
	{"offline run writing a report", 150 * time.Millisecond, func(m *netnstest.MountNS, report string, sig syscall.Signal, after time.Duration) []int {
		return []int{killAfter(m.Command(bin, "run", "--offline", "--report", report), sig, after)}
	}},
}

// slow lists processes that outlived their signal by 15 s.
var slow []int

// killAfter starts cmd, sends it sig after d if it still runs, and
// reaps it; one that ignores SIGTERM or SIGINT for 15 s is killed and
// listed in slow.
func killAfter(cmd *exec.Cmd, sig syscall.Signal, d time.Duration) int {
	cmd.Stdout, cmd.Stderr = GinkgoWriter, GinkgoWriter
	Expect(cmd.Start()).To(Succeed())
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(d):
		_ = cmd.Process.Signal(sig)
		waitOrKill(cmd, done, 15*time.Second)
	}
	return cmd.Process.Pid
}

func reap(cmd *exec.Cmd, d time.Duration) {
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	waitOrKill(cmd, done, d)
}

func waitOrKill(cmd *exec.Cmd, done chan struct{}, d time.Duration) {
	select {
	case <-done:
	case <-time.After(d):
		_ = cmd.Process.Kill()
		<-done
		slow = append(slow, cmd.Process.Pid)
	}
}

func waitFor(ok func() bool, d time.Duration) bool {
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if ok() {
			return true
		}
	}
	return false
}

// otherUser adds and deletes namespaces of its own in m beside siglab's,
// as other users of a machine do (iproute2 makes /run/netns a shared
// mount of itself on first use, which used to cover siglab's pins).
func otherUser(m *netnstest.MountNS) (stop func()) {
	quit, done := make(chan struct{}), make(chan struct{})
	name := fmt.Sprintf("chaos-other-%d", os.Getpid())
	go func() {
		defer close(done)
		for n := 0; ; n++ {
			if n%2 == 0 {
				_ = m.Command("ip", "netns", "add", name).Run()
			} else {
				_ = m.Command("ip", "netns", "del", name).Run()
			}
			select {
			case <-quit:
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	}()
	return func() {
		close(quit)
		<-done
		_ = m.Command("ip", "netns", "del", name).Run()
	}
}

// leftovers lists what pids left behind in m after `lab clean`: pin
// files and pin mounts (covered ones too), state files, processes,
// siglab links in the host's namespace, and in the report directory
// temp files and report files that are not whole.
func leftovers(m *netnstest.MountNS, pids []int, report string) []string {
	var out []string
	for _, pid := range pids {
		if pid == 0 {
			continue
		}
		owner := netns.Prefix + strconv.Itoa(pid) + "-"
		files, _ := filepath.Glob(m.Path("/run/netns/" + owner + "*"))
		for _, f := range files {
			out = append(out, "pin file "+filepath.Base(f))
		}
		for _, mt := range m.Mounts() {
			if strings.HasPrefix(mt.Point, "/run/netns/"+owner) {
				out = append(out, "pin mount "+mt.Point+" "+mt.Root)
			}
		}
		states, _ := filepath.Glob(m.Path(filepath.Join(netns.StateDir, strconv.Itoa(pid)+"-*")))
		for _, s := range states {
			out = append(out, "state file "+filepath.Base(s))
		}
		if syscall.Kill(pid, 0) == nil {
			out = append(out, fmt.Sprintf("process %d", pid))
		}
		for _, p := range slow {
			if p == pid {
				out = append(out, fmt.Sprintf("process %d outlived its signal by 15 s", pid))
			}
		}
	}
	for _, l := range netnstest.RootLinks() {
		out = append(out, "link "+l)
	}
	return append(out, reportProblems(report)...)
}

// reportProblems lists temp files and half-written files in a report
// directory: every file must be whole (JSON, XML and pcap files parse)
// or absent.
func reportProblems(dir string) []string {
	var out []string
	_ = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if !wholeReportFile(path, d.Name()) {
			out = append(out, "half-written or temporary report file "+path)
		}
		return nil
	})
	return out
}

func wholeReportFile(path, name string) bool {
	b, err := os.ReadFile(path)
	switch {
	case err != nil || strings.HasPrefix(name, "."):
		return false
	case strings.HasSuffix(name, ".json"):
		return json.Valid(b)
	case strings.HasSuffix(name, ".jsonl"):
		for _, l := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
			if l != "" && !json.Valid([]byte(l)) {
				return false
			}
		}
		return len(b) == 0 || b[len(b)-1] == '\n'
	case strings.HasSuffix(name, ".xml"):
		var v any
		return xml.Unmarshal(b, &v) == nil
	case strings.HasSuffix(name, ".pcap"), strings.HasSuffix(name, ".pcapng"):
		_, err := capture.ReadFile(path)
		return err == nil
	}
	return true
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}
