package main_test

import (
	"bytes"
	"encoding/xml"
	"io"
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
	"github.com/onsi/gomega/gbytes"

	"github.com/siglab/siglab/netns"
	"github.com/siglab/siglab/netns/netnstest"
)

// detachedUp runs `siglab lab up --detach ARGS` to its end and returns
// the lab's ID and the background process's pid. After the spec the lab
// is taken down (lab down also cleans up after a dead process).
func detachedUp(args ...string) (id string, pid int, out string) {
	r := siglab(append([]string{"lab", "up", "--detach"}, args...)...)
	Expect(r.code).To(Equal(0), r.stderr)
	m := regexp.MustCompile(`(?m)^lab (\d+-\d+) is up `).FindStringSubmatch(r.stdout)
	Expect(m).NotTo(BeNil(), r.stdout)
	id = m[1]
	pid, err := strconv.Atoi(strings.Split(id, "-")[0])
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() {
		_ = syscall.Kill(pid, syscall.SIGKILL) // no-op when lab down worked
		Eventually(func() bool { return gone(pid) }, 5*time.Second).Should(BeTrue())
		siglab("lab", "down", id)
	})
	return id, pid, r.stdout
}

// gone reports whether process pid has ended: reaped, or a zombie (a
// detached lab's process is not ours to reap).
func gone(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	return f[0] == "Z" || f[0] == "X"
}

// sessionOf is the session id of process pid (/proc/<pid>/stat field 6).
func sessionOf(pid int) int {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	Expect(err).NotTo(HaveOccurred())
	s := string(b)
	sid, err := strconv.Atoi(strings.Fields(s[strings.LastIndexByte(s, ')')+1:])[3])
	Expect(err).NotTo(HaveOccurred())
	return sid
}

// nothingLeft checks that lab id (of process pid) left no namespace,
// state file or lab directory behind.
func nothingLeft(id string, pid int) {
	Expect(netnstest.Leftovers(strconv.Itoa(pid) + "-")).To(BeEmpty())
	Expect(stateFile(id)).NotTo(BeAnExistingFile())
	Expect(netns.LabDir(id)).NotTo(BeADirectory())
	Expect(filepath.Join(netns.LabsDir, netns.StartLogName(pid))).NotTo(BeAnExistingFile())
}

// watch starts `siglab lab watch ARGS` and returns its output and a
// channel closed when it ends; it is killed after the spec.
func watch(args ...string) (*gbytes.Buffer, chan struct{}) {
	out := gbytes.NewBuffer()
	cmd := exec.Command(bin, append([]string{"lab", "watch"}, args...)...)
	cmd.Stdout, cmd.Stderr = out, GinkgoWriter
	Expect(cmd.Start()).To(Succeed())
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	DeferCleanup(func() { _ = cmd.Process.Kill(); <-done })
	return out, done
}

// faqLine is one line of the FAQ's trace format: a time, " > ", and no
// address or port.
var faqLine = regexp.MustCompile(`^\d\d:\d\d:\d\d\.\d{6} > [SFRPU.]+ `)

var _ = Describe("siglab lab up --detach, shell, watch, down", Label("root"), func() {
	BeforeEach(netnstest.RequireRoot)

	It("returns once the network answers, serves it from a background process with a log, side by side with a second lab, and lab down leaves nothing", func() {
		id, pid, out := detachedUp()
		Expect(out).To(ContainSubstring("served in the background (pid " + strconv.Itoa(pid) + ", log " + filepath.Join(netns.LabDir(id), "lab.log") + ")"))

		By("the network answers at once: a TCP connection from the scanner namespace to the victim's open port")
		r := siglab("lab", "shell", "--lab", id, "scanner", "--", "bash", "-c", "exec 3<>/dev/tcp/198.18.1.2/22")
		Expect(r.code).To(Equal(0), r.stderr)

		By("the background process runs in a session of its own, alive, and logs to its lab's directory")
		Expect(sessionOf(pid)).To(Equal(pid))
		Expect(gone(pid)).To(BeFalse())
		b, err := os.ReadFile(filepath.Join(netns.LabDir(id), "lab.log"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(b)).To(ContainSubstring("lab " + id + " is up"))
		r = siglab("lab", "status")
		Expect(r.stdout).To(MatchRegexp(`(?m)^` + id + ` +` + strconv.Itoa(pid) + ` +alive +\S+ +fig2-syn +victim`))

		By("lab shell runs a command in the victim's namespace, and refuses an unknown host in one line")
		r = siglab("lab", "shell", "--lab", id, "victim", "--", "ip", "-o", "-4", "addr", "show", "dev", "siglab-eth0")
		Expect(r.code).To(Equal(0), r.stderr)
		Expect(r.stdout).To(ContainSubstring("inet 198.18.1.2/24"))
		r = siglab("lab", "shell", "--lab", id, "nosuch")
		Expect(r.code).To(Equal(2))
		Expect(r.stderr).To(Equal("siglab: lab shell: lab " + id + " has no host \"nosuch\" (hosts: victim; or scanner, sensor)\n"))

		By("a second lab side by side, whose IRIX host is emulated: no shell there")
		id2, pid2, _ := detachedUp("--scenario", "fig2-syn-os-irix")
		Expect(id2).NotTo(Equal(id))
		r = siglab("lab", "shell", "--lab", id2, "victim", "--", "true")
		Expect(r.code).To(Equal(2))
		Expect(r.stderr).To(ContainSubstring("is emulated"))
		r = siglab("lab", "shell", "victim", "--", "true")
		Expect(r.code).To(Equal(2), "two labs are up: lab shell must be told which")
		Expect(r.stderr).To(ContainSubstring("2 labs are up"))

		By("lab watch prints a scan in the lab live, in the FAQ's format; a watch on the other lab sees nothing")
		svg := filepath.Join(GinkgoT().TempDir(), "watch.svg")
		w, done := watch(id, "--count", "4", "--duration", "20s", "--svg", svg)
		w2, done2 := watch(id2, "--duration", "3s")
		Eventually(func() bool {
			Expect(siglab("scan", "--lab", id, "-sS", "-P0", "-p20-23", "victim").code).To(Equal(0))
			select {
			case <-done:
				return true
			case <-time.After(300 * time.Millisecond):
				return false
			}
		}, 10*time.Second).Should(BeTrue())
		lines := strings.Split(strings.TrimSpace(string(w.Contents())), "\n")
		Expect(lines).To(HaveLen(4))
		for _, l := range lines {
			Expect(l).To(MatchRegexp(faqLine.String()))
			Expect(l).NotTo(ContainSubstring("198.18."))
		}
		Expect(lines).To(ContainElement(MatchRegexp(` > S \d+:\d+\(0\) win \d+$`)), "the SYN probes")
		Eventually(done2, 5*time.Second).Should(BeClosed())
		Expect(w2.Contents()).To(BeEmpty())
		By("and draws what it saw as a picture, written whole")
		pic, err := os.ReadFile(svg)
		Expect(err).NotTo(HaveOccurred())
		Expect(wellFormedXML(pic)).To(Succeed())
		Expect(string(pic)).To(ContainSubstring(">lab " + id + "<"))
		Expect(string(pic)).To(ContainSubstring(">SYN<"), "the SYN probes' marks in the legend")
		r = siglab("lab", "watch", id, "--count", "1", "--svg", "/nonexistent/dir/x.svg")
		Expect(r.code).To(Equal(2))
		Expect(r.stderr).To(ContainSubstring("--svg /nonexistent/dir/x.svg: no such directory"))

		By("lab down ends the first lab's process, which removes everything; the second stays up")
		r = siglab("lab", "down", id)
		Expect(r.code).To(Equal(0), r.stderr)
		Eventually(func() bool { return gone(pid) }, 5*time.Second).Should(BeTrue())
		nothingLeft(id, pid)
		Expect(gone(pid2)).To(BeFalse())

		By("a watch without limits ends when its lab goes down")
		_, done3 := watch(id2)
		Consistently(done3, 300*time.Millisecond).ShouldNot(BeClosed())
		r = siglab("lab", "down", id2)
		Expect(r.code).To(Equal(0), r.stderr)
		Eventually(done3, 5*time.Second).Should(BeClosed())
		nothingLeft(id2, pid2)
	})

	It("after the background process is killed, lab down removes what it left, log directory included", func() {
		id, pid, _ := detachedUp()
		Expect(syscall.Kill(pid, syscall.SIGKILL)).To(Succeed())
		Eventually(func() bool { return gone(pid) }, 5*time.Second).Should(BeTrue())
		Expect(netns.LabDir(id)).To(BeADirectory(), "SIGKILL leaves the lab behind")
		r := siglab("lab", "watch", id, "--count", "1")
		Expect(r.code).To(Equal(2))
		Expect(r.stderr).To(ContainSubstring("stale"))
		r = siglab("lab", "down", id)
		Expect(r.code).To(Equal(0), r.stderr)
		Expect(r.stdout).To(ContainSubstring("removed lab directory " + netns.LabDir(id)))
		nothingLeft(id, pid)
	})

	It("after the background process is killed, lab clean removes its namespaces, state file and lab directory", func() {
		// In a mount namespace of the spec's own (fresh /run): lab clean
		// there sees no other run's pins or state files.
		m := netnstest.FreshMountNS()
		code, out, serr := m.Run(bin, "lab", "up", "--detach")
		Expect(code).To(Equal(0), serr)
		mm := regexp.MustCompile(`(?m)^lab (\d+-\d+) is up `).FindStringSubmatch(out)
		Expect(mm).NotTo(BeNil(), out)
		id := mm[1]
		pid, err := strconv.Atoi(strings.Split(id, "-")[0])
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() {
			_ = syscall.Kill(pid, syscall.SIGKILL)
			Eventually(func() bool { return gone(pid) }, 5*time.Second).Should(BeTrue())
			m.Run(bin, "lab", "clean")
		})
		Expect(m.Path(filepath.Join(netns.LabDir(id), "lab.log"))).To(BeAnExistingFile())
		Expect(syscall.Kill(pid, syscall.SIGKILL)).To(Succeed())
		Eventually(func() bool { return gone(pid) }, 5*time.Second).Should(BeTrue())
		Expect(m.Pins(strconv.Itoa(pid)+"-")).NotTo(BeEmpty(), "SIGKILL leaves the lab behind")

		code, out, serr = m.Run(bin, "lab", "clean")
		Expect(code).To(Equal(0), serr)
		Expect(out).To(SatisfyAll(
			ContainSubstring("removed siglab-"+id+"-scan"),
			ContainSubstring("removed state "+stateFile(id)),
			ContainSubstring("removed lab directory "+netns.LabDir(id))))
		Expect(m.Pins(strconv.Itoa(pid) + "-")).To(BeEmpty())
		Expect(m.Path(stateFile(id))).NotTo(BeAnExistingFile())
		Expect(m.Path(netns.LabDir(id))).NotTo(BeADirectory())
	})

	It("reports a scenario it cannot read as the foreground lab up does, from the background process, and leaves nothing", func() {
		// The starter starts the background process before the scenario
		// is read (#17); the refusal comes back through the pipe.
		bad := scenarioFile("broken.yaml", "name: broken\nnetwork: [\n")
		for _, scenario := range []string{"no-such-scenario", bad} {
			fg := siglab("lab", "up", "--scenario", scenario)
			Expect(fg.code).To(Equal(2))
			r := siglab("lab", "up", "--detach", "--scenario", scenario)
			Expect(r.code).To(Equal(2))
			Expect(r.stderr).To(Equal(fg.stderr))
			Expect(strings.Count(r.stderr, "\n")).To(Equal(1), r.stderr)
			Expect(r.stdout).To(BeEmpty())
			starter, err := strconv.Atoi(r.pid)
			Expect(err).NotTo(HaveOccurred())
			Expect(filepath.Join(netns.LabsDir, netns.StartLogName(starter))).NotTo(BeAnExistingFile())
		}
	})

	It("reports a lab that cannot be built through the readiness pipe, in one line, and leaves nothing", func() {
		// It parses, so the starter goes on; only Build refuses it, in
		// the background process.
		bad := scenarioFile("bad.yaml", `
name: bad
network:
  hosts:
    - name: victim
      address: 198.18.1.255
      open: [22]
scan:
  - nmap: -sS -P0 -p22 victim
expect:
  reference:
    present: [scan.tcp-syn]
`)
		r := siglab("lab", "up", "--detach", "--scenario", bad)
		Expect(r.code).To(Equal(2))
		Expect(r.stderr).To(Equal("siglab: build lab: host \"victim\": 198.18.1.255 is a network or broadcast address: bad lab spec\n"))
		Expect(r.stdout).To(BeEmpty())
		starter, err := strconv.Atoi(r.pid)
		Expect(err).NotTo(HaveOccurred())
		Expect(filepath.Join(netns.LabsDir, netns.StartLogName(starter))).NotTo(BeAnExistingFile())
	})
})

var _ = Describe("siglab lab exercise and reveal", Label("root"), func() {
	BeforeEach(netnstest.RequireRoot)

	It("runs a scenario drawn from a directory without naming it, students watch it live, and lab reveal names it with the ground truth and findings", func() {
		dir := GinkgoT().TempDir()
		names := []string{"tech-fin", "tech-xmas"}
		for _, n := range names {
			b, err := os.ReadFile(filepath.Join("..", "..", "scenarios", n+".yaml"))
			Expect(err).NotTo(HaveOccurred())
			Expect(os.WriteFile(filepath.Join(dir, n+".yaml"), b, 0o644)).To(Succeed())
		}
		out := gbytes.NewBuffer()
		cmd := exec.Command(bin, "lab", "exercise", "--from", dir, "--delay", "2s")
		cmd.Stdout, cmd.Stderr = out, GinkgoWriter
		Expect(cmd.Start()).To(Succeed())
		var werr error
		done := make(chan struct{})
		go func() { werr = cmd.Wait(); close(done) }()
		DeferCleanup(func() { _ = cmd.Process.Kill(); <-done })
		Eventually(out, 15*time.Second).Should(gbytes.Say(`lab watch (\d+-\d+)\n`))
		id := regexp.MustCompile(`lab watch (\d+-\d+)\n`).FindStringSubmatch(string(out.Contents()))[1]
		pid, _ := strconv.Atoi(strings.Split(id, "-")[0])
		DeferCleanup(func() { siglab("lab", "down", id) })

		By("a student watches the exercise as it runs")
		w, wdone := watch(id, "--count", "5", "--duration", "20s")
		Eventually(done, 30*time.Second).Should(BeClosed())
		Expect(werr).NotTo(HaveOccurred())
		Eventually(wdone, 5*time.Second).Should(BeClosed())
		lines := strings.Split(strings.TrimSpace(string(w.Contents())), "\n")
		Expect(lines).To(HaveLen(5))
		for _, l := range lines {
			Expect(l).To(MatchRegexp(faqLine.String()))
		}

		By("nothing printed or listed names the scenario or its nmap options")
		said := string(out.Contents())
		Expect(said).To(ContainSubstring("exercise done:"))
		r := siglab("lab", "status")
		Expect(r.stdout).To(ContainSubstring("exercise"))
		for _, s := range []string{said, r.stdout} {
			for _, n := range names {
				Expect(s).NotTo(ContainSubstring(n))
			}
			Expect(s).NotTo(MatchRegexp(`-s[FX]`))
		}

		By("the trace is there to read in the FAQ's form")
		r = siglab("render", "--faq", filepath.Join(netns.LabDir(id), "trace.pcap"))
		Expect(r.code).To(Equal(0), r.stderr)
		Expect(strings.Count(r.stdout, "\n")).To(BeNumerically(">", 100))

		By("and its picture, without the findings that would name the scan")
		svg, err := os.ReadFile(filepath.Join(netns.LabDir(id), "trace.svg"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(svg)).To(ContainSubstring("<svg"))
		Expect(string(svg)).To(ContainSubstring("exercise in lab " + id))
		Expect(string(svg)).NotTo(ContainSubstring("scan.tcp-"))

		By("lab reveal names the scenario, what it ran and what the reference detector found, and its expectations met")
		r = siglab("lab", "reveal", id)
		Expect(r.code).To(Equal(0), r.stderr)
		m := regexp.MustCompile(`^lab ` + id + ` ran scenario (tech-fin|tech-xmas) \(`).FindStringSubmatch(r.stdout)
		Expect(m).NotTo(BeNil(), r.stdout)
		flag, label := "-sF", "scan.tcp-fin"
		if m[1] == "tech-xmas" {
			flag, label = "-sX", "scan.tcp-xmas"
		}
		Expect(r.stdout).To(SatisfyAll(
			ContainSubstring("drawn from 2 with seed"),
			ContainSubstring("at 0s: nmap -v "+flag+" -P0 -p1-100 victim"),
			MatchRegexp(`(?m)^`+regexp.QuoteMeta(label)+`  198\.18\.0\.2 -> 198\.18\.1\.2$`),
			ContainSubstring("Interesting ports on victim (198.18.1.2):"),
			MatchRegexp(`the scenario's expectations: (\d+) of (\d+) met\n$`)))
		seed := regexp.MustCompile(`drawn from 2 with seed (\d+)`).FindStringSubmatch(r.stdout)[1]
		Expect(said).NotTo(ContainSubstring(seed), "with the draw's seed a student could redo the draw")
		em := regexp.MustCompile(`expectations: (\d+) of (\d+) met`).FindStringSubmatch(r.stdout)
		Expect(em[1]).To(Equal(em[2]), r.stdout)

		By("lab down removes the lab and the exercise's record")
		Expect(siglab("lab", "down", id).code).To(Equal(0))
		nothingLeft(id, pid)
		r = siglab("lab", "reveal", id)
		Expect(r.code).To(Equal(2))
	})

	It("runs an exercise in a running lab, drawn among the scenarios with that lab's network, and refuses a pool without one", func() {
		dir := GinkgoT().TempDir()
		for _, n := range []string{"tech-null", "tech-xmas", "fig2-syn"} {
			b, err := os.ReadFile(filepath.Join("..", "..", "scenarios", n+".yaml"))
			Expect(err).NotTo(HaveOccurred())
			Expect(os.WriteFile(filepath.Join(dir, n+".yaml"), b, 0o644)).To(Succeed())
		}
		id, pid, _ := detachedUp("--scenario", filepath.Join("..", "..", "scenarios", "tech-fin.yaml"))

		r := siglab("lab", "exercise", "--lab", id, "--from", filepath.Join(dir, "fig2-syn.yaml"))
		Expect(r.code).To(Equal(2))
		Expect(r.stderr).To(HavePrefix("siglab: lab exercise: none of the 1 scenarios has lab " + id + "'s network"))

		r = siglab("lab", "exercise", "--lab", id, "--from", dir)
		Expect(r.code).To(Equal(0), r.stderr)
		Expect(r.stdout).To(ContainSubstring("one of 2 scenarios runs in lab " + id))
		Expect(r.stdout).To(ContainSubstring("exercise done:"))
		r = siglab("lab", "reveal", id)
		Expect(r.code).To(Equal(0), r.stderr)
		Expect(r.stdout).To(MatchRegexp(`^lab ` + id + ` ran scenario tech-(null|xmas) \(`))
		Expect(r.stdout).To(ContainSubstring("drawn from 2 with seed"))

		Expect(siglab("lab", "down", id).code).To(Equal(0))
		nothingLeft(id, pid)
	})
})

// wellFormedXML reads b to its end as XML.
func wellFormedXML(b []byte) error {
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		if _, err := d.Token(); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
	}
}
