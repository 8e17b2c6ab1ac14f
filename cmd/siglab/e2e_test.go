package main_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/netns/netnstest"
)

// result is one finished siglab process.
type result struct {
	code           int
	pid            string
	stdout, stderr string
}

func siglab(args ...string) result { return runAs(false, args...) }

// runAs runs siglab, as the unprivileged user nobody when asked and we
// are root (setpriv drops every privilege and capability).
func runAs(unprivileged bool, args ...string) result {
	cmd := exec.Command(bin, args...)
	if unprivileged && os.Geteuid() == 0 {
		cmd = exec.Command("setpriv", append([]string{"--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", bin}, args...)...)
	}
	return runCmd(cmd)
}

// runCmd runs cmd (siglab, or a wrapper that execs it) to the end.
func runCmd(cmd *exec.Cmd) result {
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	Expect(cmd.Start()).To(Succeed())
	pid := strconv.Itoa(cmd.Process.Pid)
	err := cmd.Wait()
	r := result{pid: pid, stdout: so.String(), stderr: se.String()}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		r.code = ee.ExitCode()
	} else {
		Expect(err).NotTo(HaveOccurred())
	}
	return r
}

// scenarioFile writes a scenario into a fresh world-readable directory.
func scenarioFile(name, body string) string {
	dir := GinkgoT().TempDir()
	Expect(os.Chmod(dir, 0o777)).To(Succeed())
	p := filepath.Join(dir, name)
	Expect(os.WriteFile(p, []byte(body), 0o644)).To(Succeed())
	return p
}

const victimNet = `
network:
  hosts:
    - name: victim
      open: [1, 7, 9, 13, 19, 21, 22, 23, 25]
`

var _ = Describe("siglab offline", func() {
	It("runs the catalogue offline as a non-root user, and every scenario passes", func() {
		r := runAs(true, "run", "--offline")
		Expect(r.code).To(Equal(0), r.stdout+r.stderr)
		Expect(r.stdout).To(ContainSubstring("fig2-syn"))
		Expect(r.stdout).To(ContainSubstring("benign-tcp"))
		Expect(r.stdout).To(ContainSubstring("offline"))
		Expect(r.stdout).To(MatchRegexp(`(?m)^\d+ passed, 0 failed, 1 skipped$`), "only the live-only FTP bounce is skipped")
		Expect(r.stdout).To(MatchRegexp(`tech-ftp-bounce +offline .* skip`))
	})

	It("generates a deterministic pcap as a non-root user, which `detect` classifies", func() {
		dir := filepath.Dir(scenarioFile("unused.yaml", ""))
		a, b := filepath.Join(dir, "a.pcap"), filepath.Join(dir, "b.pcap")
		r := runAs(true, "generate", "fig2-syn", "-o", a)
		Expect(r.code).To(Equal(0), r.stderr)
		Expect(r.stdout).To(ContainSubstring("Interesting ports on victim (198.18.1.2):"))
		Expect(runAs(true, "generate", "fig2-syn", "-o", b).code).To(Equal(0))
		ab, _ := os.ReadFile(a)
		bb, _ := os.ReadFile(b)
		Expect(ab).To(Equal(bb), "same scenario, same seed: same bytes")
		c, err := capture.ReadFile(a)
		Expect(err).NotTo(HaveOccurred())
		Expect(len(c.Packets)).To(BeNumerically(">", 25))

		r = runAs(true, "detect", "--format", "json", a)
		Expect(r.code).To(Equal(0), r.stderr)
		var labels []string
		for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
			var f struct{ Label string }
			Expect(json.Unmarshal([]byte(line), &f)).To(Succeed())
			labels = append(labels, f.Label)
		}
		Expect(labels).To(ConsistOf("scan.tcp-syn", "tool.nmap-2.0x"))
	})

	DescribeTable("is nmap 2.02 against the FAQ's hosts, printing what it printed (siglab scan)",
		func(scenario, args string, want []string) {
			r := siglab(append([]string{"scan", "--offline", "--scenario", scenario}, strings.Fields(args)...)...)
			Expect(r.code).To(Equal(0), r.stderr)
			for _, w := range want {
				Expect(r.stdout).To(ContainSubstring(w))
			}
		},
		Entry("figure 3: IRIX 6.2", "fig2-syn-os-irix", "-v -sS -P0 -O -p1-25 victim", []string{
			"For OSScan assuming that port 1 is open and port ",
			"TCP Sequence Prediction: Class=64K rule\n                         Difficulty=1 (Trivial joke)\n",
			// 2.01 keeps the blanks before the record's "# Thanks to" comment.
			"Remote operating system guess: IRIX 6.2 - 6.5  \n"}),
		Entry("exploits plus with imap open on Linux 2.0.35", "exploits-plus-linux", "-v -sS -P0 -O -p143 victim", []string{
			"Adding TCP port 143 (state Open).", "Class=truly random", "Difficulty=9999999 (Good luck!)",
			"Remote operating system guess: Linux 2.0.35-36"}),
		Entry("exploits plus against a host with no open port: the warning three times, no match", "fig45-exploits-plus", "-v -sS -P0 -O -p143 victim", []string{
			"Warning:  No ports found open on this machine, OS detection will be MUCH less reliable\n" +
				"Warning:  No ports found open on this machine, OS detection will be MUCH less reliable\n" +
				"Warning:  No ports found open on this machine, OS detection will be MUCH less reliable\n",
			"No ports open for host victim (198.18.1.2)", "No OS matches for this host."}),
	)

	It("writes -oN's log and refuses a bad nmap command line with exit 2", func() {
		dir := filepath.Dir(scenarioFile("unused.yaml", ""))
		log := filepath.Join(dir, "out.nmap")
		r := runAs(true, "scan", "--offline", "-sS", "-P0", "-p1-25", "-oN", log, "victim")
		Expect(r.code).To(Equal(0), r.stderr)
		b, err := os.ReadFile(log)
		Expect(err).NotTo(HaveOccurred())
		// nmap.c's header gives each argument a blank after it; the log
		// holds what nmap_log() printed: no banner, no closing line.
		Expect(string(b)).To(HavePrefix("# Log of: nmap -sS -P0 -p1-25 -oN " + log + " victim \nInteresting ports on victim (198.18.1.2):\n"))
		Expect(string(b)).NotTo(ContainSubstring("Starting nmap"))
		Expect(string(b)).NotTo(ContainSubstring("Nmap run completed"))
		mlog := filepath.Join(dir, "out.gnmap")
		Expect(runAs(true, "scan", "--offline", "-sS", "-P0", "-p1-25", "-oM", mlog, "victim").code).To(Equal(0))
		m, err := os.ReadFile(mlog)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(m)).To(HavePrefix("Host: 198.18.1.2 (victim) Ports: 1/open/tcp/////, 7/open/tcp/////"))
		for _, bad := range [][]string{{"-sA", "victim"}, {"-p", "1-70000", "victim"}, {"-D", "ME", "victim"}, {"--top-ports", "5", "victim"}} {
			r := siglab(append([]string{"scan", "--offline"}, bad...)...)
			Expect(r.code).To(Equal(2), strings.Join(bad, " "))
			Expect(strings.Count(strings.TrimSpace(r.stderr), "\n")).To(BeZero(), r.stderr)
		}
	})

	It("renders an OS-detection run with the FAQ's patterns (siglab render --faq)", func() {
		dir := filepath.Dir(scenarioFile("unused.yaml", ""))
		pcap := filepath.Join(dir, "f2.pcap")
		Expect(siglab("generate", "fig2-syn-os-irix", "-o", pcap).code).To(Equal(0))
		r := siglab("render", "--faq", "--from", "198.18.0.2", pcap)
		Expect(r.code).To(Equal(0), r.stderr)
		var syn, tprobe []string
		var tseq []uint64
		udp := 0
		for _, l := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
			f := strings.Fields(l) // time > FLAGS seq:seq(0) ...
			switch {
			case len(f) > 3 && f[2] == "S" && len(tprobe) == 0 && (len(syn) == 0 || f[3] == syn[0]):
				syn = append(syn, f[3])
			case len(f) > 3 && (f[2] == "SFP" || f[2] == "FP" || f[2] == "S") && udp == 0:
				tprobe = append(tprobe, f[3])
			case len(f) > 3 && f[2] == "udp":
				udp++
			case len(f) > 3 && f[2] == "S" && udp > 0:
				n, err := strconv.ParseUint(strings.Split(f[3], ":")[0], 10, 32)
				Expect(err).NotTo(HaveOccurred())
				tseq = append(tseq, n)
			}
		}
		Expect(syn).To(HaveLen(25))
		for _, s := range syn {
			Expect(s).To(Equal(syn[0]), "the repeated ISN on every first-try SYN")
		}
		Expect(tprobe).To(HaveLen(4), "T1, T3, T5 and T7 show their seq: S, SFP, S, FP")
		for _, s := range tprobe {
			Expect(s).To(Equal(tprobe[0]), "the T-probes share one seq")
		}
		Expect(r.stdout).To(ContainSubstring("> udp 300\n"))
		Expect(tseq).To(HaveLen(6))
		for i := 1; i < 6; i++ {
			Expect(tseq[i]).To(Equal(tseq[i-1]+1), "six SYNs with consecutive seqs")
		}
	})

	It("detects what a truncated capture holds before the damage, then errors in one line with exit 2", func() {
		dir := filepath.Dir(scenarioFile("unused.yaml", ""))
		pcap := filepath.Join(dir, "cut.pcap")
		Expect(siglab("generate", "fig2-syn", "-o", pcap).code).To(Equal(0))
		b, err := os.ReadFile(pcap)
		Expect(err).NotTo(HaveOccurred())
		Expect(os.WriteFile(pcap, b[:len(b)-30], 0o644)).To(Succeed())
		r := siglab("detect", pcap)
		Expect(r.code).To(Equal(2))
		Expect(r.stdout).To(ContainSubstring("scan.tcp-syn"))
		Expect(strings.Count(strings.TrimSpace(r.stderr), "\n")).To(BeZero(), r.stderr)
		Expect(r.stderr).To(MatchRegexp(`cut\.pcap: packet \d+: `))
		Expect(os.WriteFile(pcap, []byte("not a capture at all"), 0o644)).To(Succeed())
		Expect(siglab("detect", pcap).code).To(Equal(2))
	})

	It("exits 1 and names the expectation that missed", func() {
		p := scenarioFile("wrong.yaml", "name: wrong-label\nseed: 1\n"+victimNet+`
scan:
  - nmap: -v -sS -P0 -p1-25 victim
expect:
  reference:
    present:
      - scan.tcp-syn
      - scan.tcp-xmas
`)
		r := siglab("run", "--offline", p)
		Expect(r.code).To(Equal(1), r.stdout+r.stderr)
		Expect(r.stdout).To(ContainSubstring("wrong.yaml:15"))
		Expect(r.stdout).To(ContainSubstring("scan.tcp-xmas"))
		Expect(r.stdout).To(MatchRegexp(`(?m)^0 passed, 1 failed$`))
	})

	It("refuses a target outside the lab with exit 2, building and sending nothing", func() {
		p := scenarioFile("outside.yaml", "name: outside\n"+victimNet+`
scan:
  - nmap: -sS -P0 -p1-25 203.0.113.5
expect:
  reference:
    present: [scan.tcp-syn]
`)
		r := siglab("run", p) // live: it must refuse before building a lab
		Expect(r.code).To(Equal(2), r.stdout+r.stderr)
		Expect(r.stdout + r.stderr).To(ContainSubstring("outside the lab"))
		Expect(r.stdout + r.stderr).To(ContainSubstring("203.0.113.5"))
		Expect(netnstest.Leftovers(r.pid + "-")).To(BeEmpty())
		By("as an unprivileged user the same refusal comes first: the target is checked before anything needs privileges")
		r = runAs(true, "run", p)
		Expect(r.code).To(Equal(2))
		Expect(r.stdout + r.stderr).To(ContainSubstring("outside the lab"))
	})

	It("gives a malformed scenario a one-line error with file and line, exit 2", func() {
		p := scenarioFile("bad.yaml", "name: bad\nnetwork:\n  hosts:\n    - name: v\n      open: [1, 99999]\n")
		r := siglab("run", "--offline", p)
		Expect(r.code).To(Equal(2))
		Expect(strings.Count(strings.TrimSpace(r.stderr), "\n")).To(Equal(0), r.stderr)
		Expect(r.stderr).To(ContainSubstring("bad.yaml:5:"))
	})

	It("refuses a bad option with exit 2", func() {
		Expect(siglab("run", "--no-such-flag").code).To(Equal(2))
		Expect(siglab("detect", "/nonexistent.pcap").code).To(Equal(2))
	})
})

// startLongRun starts a live run of a minute's sessions and returns once
// its test network exists.
func startLongRun() (*exec.Cmd, string) {
	p := scenarioFile("long.yaml", "name: long\n"+victimNet+`
traffic:
  - session: victim:22
    count: 60
    every: 1s
expect:
  reference:
    absent: [scan.tcp-syn]
`)
	cmd := exec.Command(bin, "run", p)
	Expect(cmd.Start()).To(Succeed())
	pid := strconv.Itoa(cmd.Process.Pid)
	Eventually(func() []string { return netnstest.Leftovers(pid + "-") }, 15*time.Second, 50*time.Millisecond).ShouldNot(BeEmpty())
	time.Sleep(300 * time.Millisecond) // into the traffic, past the lab's build
	return cmd, pid
}

var _ = Describe("siglab live", Label("root"), func() {
	BeforeEach(netnstest.RequireRoot)

	It("runs the whole catalogue in real test networks and every scenario passes", func() {
		dir := GinkgoT().TempDir()
		r := siglab("run", "--report", dir)
		Expect(r.code).To(Equal(0), r.stdout+r.stderr)
		Expect(r.stdout).To(ContainSubstring("live"))
		Expect(r.stdout).To(MatchRegexp(`(?m)^\d+ passed, 0 failed$`))
		By("the report holds the sensor's capture and the findings")
		c, err := capture.ReadFile(filepath.Join(dir, "fig2-syn", "capture.pcap"))
		Expect(err).NotTo(HaveOccurred())
		Expect(len(c.Packets)).To(BeNumerically(">", 25))
		js, err := os.ReadFile(filepath.Join(dir, "fig2-syn", "findings.jsonl"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(js)).To(ContainSubstring(`"label":"tool.nmap-2.0x"`))
		By("the JUnit file is valid and its counts match the table")
		var junit struct {
			Tests    int `xml:"tests,attr"`
			Failures int `xml:"failures,attr"`
			Errors   int `xml:"errors,attr"`
		}
		jb, err := os.ReadFile(filepath.Join(dir, "junit.xml"))
		Expect(err).NotTo(HaveOccurred())
		Expect(xml.Unmarshal(jb, &junit)).To(Succeed())
		passed, _ := strconv.Atoi(regexp.MustCompile(`(?m)^(\d+) passed, 0 failed$`).FindStringSubmatch(r.stdout)[1])
		Expect(junit.Tests).To(Equal(passed))
		Expect(junit.Failures + junit.Errors).To(BeZero())
		By("the JSON summary counts the same")
		var summary struct {
			Scenarios int            `json:"scenarios"`
			Counts    map[string]int `json:"counts"`
			ExitCode  int            `json:"exit_code"`
		}
		sb, err := os.ReadFile(filepath.Join(dir, "summary.json"))
		Expect(err).NotTo(HaveOccurred())
		Expect(json.Unmarshal(sb, &summary)).To(Succeed())
		Expect(summary.Scenarios).To(Equal(passed))
		Expect(summary.Counts["pass"]).To(Equal(passed))
		Expect(summary.ExitCode).To(BeZero())
		By("the HTML report in headless Chromium: every scenario's row, and every page with its picture drawn")
		Expect(checkHTMLReport(dir)).To(Equal(passed))
		By("tshark opens the pcapng and shows the probe comments")
		ng := filepath.Join(dir, "fig2-syn-os-irix", "capture.pcapng")
		Expect(ng).To(BeARegularFile())
		if _, err := exec.LookPath("tshark"); err != nil {
			Skip("*** tshark is not installed (.ci/run installs it): the pcapng comment check did not run ***")
		}
		out, err := exec.Command("tshark", "-r", ng, "-Y", "frame.comment", "-T", "fields", "-e", "frame.comment").Output()
		Expect(err).NotTo(HaveOccurred())
		for _, want := range []string{"SYN probe", "scanner RST", "T1", "T7", "PU", "TSeq 1/6", "TSeq 6/6"} {
			Expect(strings.Split(string(out), "\n")).To(ContainElement(want))
		}
		Expect(netnstest.Leftovers(r.pid + "-")).To(BeEmpty())
	})

	It("exits 3 when a flood overflows the sensor and nothing failed, and 1 once a scenario fails beside it", func() {
		flood := scenarioFile("flood.yaml", "name: flood\nsensor:\n  receive_buffer: 4096\n"+victimNet+`
scan:
  - nmap: -sS -P0 -p1-25 victim
traffic:
  - flood: victim:22
    count: 20000
    rate: 40000
expect:
  reference:
    present: [scan.tcp-syn]
`)
		dir := GinkgoT().TempDir()
		r := siglab("run", "--report", dir, flood)
		Expect(r.code).To(Equal(3), r.stdout+r.stderr)
		Expect(r.stdout).To(MatchRegexp(`(?m)^  flood: inconclusive: the sensor dropped [1-9]\d* packets$`))
		Expect(r.stdout).To(MatchRegexp(`(?m)^0 passed, 0 failed, 1 inconclusive$`))
		var summary struct {
			ExitCode int `json:"exit_code"`
		}
		sb, err := os.ReadFile(filepath.Join(dir, "summary.json"))
		Expect(err).NotTo(HaveOccurred())
		Expect(json.Unmarshal(sb, &summary)).To(Succeed())
		Expect(summary.ExitCode).To(Equal(3))

		wrong := scenarioFile("wrong.yaml", "name: wrong\n"+victimNet+`
scan:
  - nmap: -sS -P0 -p1-25 victim
expect:
  reference:
    present: [scan.tcp-xmas]
`)
		r = siglab("run", flood, wrong)
		Expect(r.code).To(Equal(1), "a definite failure outranks an inconclusive run: "+r.stdout+r.stderr)
		Expect(netnstest.Leftovers(r.pid + "-")).To(BeEmpty())
	})

	It("removes every namespace and link when interrupted with Ctrl-C", func() {
		cmd, pid := startLongRun()
		Expect(cmd.Process.Signal(syscall.SIGINT)).To(Succeed())
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		Eventually(done, 15*time.Second).Should(Receive())
		Expect(netnstest.Leftovers(pid + "-")).To(BeEmpty())
	})

	It("lab clean removes what a SIGKILLed run left behind", func() {
		cmd, pid := startLongRun()
		Expect(cmd.Process.Kill()).To(Succeed())
		_ = cmd.Wait()
		Expect(netnstest.Leftovers(pid+"-")).NotTo(BeEmpty(), "SIGKILL leaves the network behind")
		r := siglab("lab", "clean")
		Expect(r.code).To(Equal(0), r.stderr)
		Expect(netnstest.Leftovers(pid + "-")).To(BeEmpty())
	})
})
