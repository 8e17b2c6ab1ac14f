package main_test

import (
	"os"
	"os/exec"
	"path/filepath"
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

// labUp starts `siglab lab up` and returns it, its output and the lab's
// ID once the state file is there. After the spec it is killed if still
// running and whatever it left is cleaned.
func labUp(args ...string) (*exec.Cmd, *gbytes.Buffer, string) {
	out := gbytes.NewBuffer()
	cmd := exec.Command(bin, append([]string{"lab", "up"}, args...)...)
	cmd.Stdout, cmd.Stderr = out, GinkgoWriter
	Expect(cmd.Start()).To(Succeed())
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	DeferCleanup(func() {
		_ = cmd.Process.Kill()
		<-done
		siglab("lab", "clean")
	})
	id := strconv.Itoa(cmd.Process.Pid) + "-1"
	Eventually(stateFile(id), 15*time.Second, 20*time.Millisecond).Should(BeAnExistingFile())
	// The announcement comes in several writes: wait for its last line,
	// not its first, before a spec reads it whole (`make flake` caught a
	// spec reading only "lab ID is up" and the hosts' header).
	Eventually(out, 2*time.Second).Should(gbytes.Say("lab " + id + " is up"))
	Eventually(out, 2*time.Second).Should(gbytes.Say(`takes the lab down\.\n`))
	return cmd, out, id
}

func stateFile(id string) string { return filepath.Join(netns.StateDir, id+".json") }

// exited reports whether process pid is gone (reaped).
func exited(pid int) bool { return syscall.Kill(pid, 0) != nil }

var victimOpen = []string{"1", "7", "9", "13", "19", "21", "22", "23", "25"}

var _ = Describe("siglab lab up / status / down and scan --lab", Label("root"), func() {
	BeforeEach(netnstest.RequireRoot)

	It("keeps a lab up, lists it, scans in it as nmap 2.02 and takes it down leaving nothing", func() {
		cmd, out, id := labUp()
		pid := cmd.Process.Pid
		Expect(string(out.Contents())).To(SatisfyAll(
			ContainSubstring("victim   198.18.1.2  kernel"),
			ContainSubstring("siglab-dn0 in siglab-"+id+"-sens"),
			ContainSubstring("ip netns exec siglab-"+id+"-scan bash"),
			ContainSubstring("IPv6 (2001:2::/48, kernel hosts only): victim 2001:2::c612:102\n"),
			ContainSubstring("their source is 198.19.0.1, over IPv6 2001:2::c613:1"),
			ContainSubstring("ip netns exec siglab-"+id+"-sens tcpdump -ni siglab-dn0"),
			ContainSubstring(" scan --lab "+id+" -v -sS -P0 -O -p1-25 victim")))

		By("lab status lists it, alive, with its host")
		r := siglab("lab", "status")
		Expect(r.code).To(Equal(0), r.stderr)
		Expect(r.stdout).To(MatchRegexp(`(?m)^` + id + ` +` + strconv.Itoa(pid) + ` +alive +\S+ +fig2-syn +victim +198\.18\.1\.2 +kernel`))

		By("its state is root's alone: the file 0600 in a 0700 directory; lab status tells another user so, in one line")
		info, err := os.Stat(stateFile(id))
		Expect(err).NotTo(HaveOccurred())
		Expect(info.Mode().Perm()).To(Equal(os.FileMode(0o600)))
		info, err = os.Stat(netns.StateDir)
		Expect(err).NotTo(HaveOccurred())
		Expect(info.Mode().Perm()).To(Equal(os.FileMode(0o700)))
		r = runAs(true, "lab", "status")
		Expect(r.code).To(Equal(2))
		Expect(r.stdout).To(BeEmpty(), "not \"no labs\": there is one")
		Expect(r.stderr).To(Equal("siglab: lab status: open " + netns.StateDir + ": permission denied (lab state is root's alone: run as root)\n"))

		By("scan --lab finds the victim's open ports, through the lab's TUN, and writes -oN")
		log := filepath.Join(GinkgoT().TempDir(), "lab.nmap")
		r = siglab("scan", "--lab", id, "-v", "-sS", "-P0", "-p1-25", "-oN", log, "victim")
		Expect(r.code).To(Equal(0), r.stderr)
		Expect(r.stdout).To(ContainSubstring("Interesting ports on victim (198.18.1.2):"))
		for _, p := range victimOpen {
			Expect(r.stdout).To(MatchRegexp(`(?m)^`+p+` +open +tcp`), "port %s", p)
		}
		Expect(r.stdout).To(ContainSubstring("1 IP address (1 host up) scanned"))
		b, err := os.ReadFile(log)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(b)).To(HavePrefix("# Log of: nmap -v -sS -P0 -p1-25 -oN " + log + " victim \n"))

		By("a second scan while the TUN is held fails clearly, and sends nothing")
		tun, err := netns.AttachTUN(id)
		Expect(err).NotTo(HaveOccurred())
		r = siglab("scan", "--lab="+id, "-sS", "-P0", "-p22", "victim")
		Expect(tun.Close()).To(Succeed())
		Expect(r.code).To(Equal(2))
		Expect(r.stderr).To(ContainSubstring("another process"))
		Expect(strings.Count(strings.TrimSpace(r.stderr), "\n")).To(BeZero(), r.stderr)
		Expect(r.stdout).To(BeEmpty())

		By("lab down ends the process, which removes everything, its TUN included")
		held := netnstest.HoldNS("siglab-" + id + "-scan") // alive past its unmount: is its TUN gone?
		Expect(netnstest.LinksIn(held)).To(ContainElement("siglab-tun0"))
		r = siglab("lab", "down", id)
		Expect(r.code).To(Equal(0), r.stderr)
		Expect(r.stdout).To(ContainSubstring("lab " + id + " down"))
		Eventually(func() bool { return exited(pid) }, 5*time.Second).Should(BeTrue())
		Expect(out).To(gbytes.Say("lab " + id + " removed"))
		Expect(netnstest.Leftovers(strconv.Itoa(pid) + "-")).To(BeEmpty())
		Expect(stateFile(id)).NotTo(BeAnExistingFile())
		Expect(netnstest.LinksIn(held)).NotTo(ContainElement("siglab-tun0"))
		r = siglab("scan", "--lab", id, "-sS", "-P0", "-p22", "victim")
		Expect(r.code).To(Equal(2))
		Expect(r.stderr).To(ContainSubstring("no such lab"))
	})

	It("after SIGKILL, status marks the lab stale and lab clean removes it, persistent TUN and state file too", func() {
		cmd, _, id := labUp("--scenario", "fig2-syn")
		pid := cmd.Process.Pid
		held := netnstest.HoldNS("siglab-" + id + "-scan")
		Expect(syscall.Kill(pid, syscall.SIGKILL)).To(Succeed())
		Eventually(func() bool { return exited(pid) }, 5*time.Second).Should(BeTrue())
		Expect(netnstest.Leftovers(strconv.Itoa(pid)+"-")).NotTo(BeEmpty(), "SIGKILL leaves the lab behind")
		Expect(netnstest.LinksIn(held)).To(ContainElement("siglab-tun0"), "the persistent TUN outlived its process")

		r := siglab("lab", "status")
		Expect(r.code).To(Equal(0), r.stderr)
		Expect(r.stdout).To(MatchRegexp(`(?m)^` + id + ` +` + strconv.Itoa(pid) + ` +stale `))
		r = siglab("scan", "--lab", id, "-sS", "-P0", "-p22", "victim")
		Expect(r.code).To(Equal(2))
		Expect(r.stderr).To(ContainSubstring("stale"))

		r = siglab("lab", "clean")
		Expect(r.code).To(Equal(0), r.stderr)
		Expect(r.stdout).To(ContainSubstring("removed siglab-" + id + "-scan"))
		Expect(r.stdout).To(ContainSubstring("removed state " + stateFile(id)))
		Expect(netnstest.Leftovers(strconv.Itoa(pid) + "-")).To(BeEmpty())
		Expect(stateFile(id)).NotTo(BeAnExistingFile())
		Expect(netnstest.LinksIn(held)).NotTo(ContainElement("siglab-tun0"))
		r = siglab("lab", "status")
		Expect(r.stdout).NotTo(ContainSubstring(id))
	})

	It("refuses scan --lab with --scenario, --offline or --pcap, and lab down of an unknown lab", func() {
		for _, bad := range [][]string{
			{"scan", "--lab", "1-1", "--scenario", "fig2-syn", "-sS", "victim"},
			{"scan", "--lab", "1-1", "--offline", "-sS", "victim"},
			{"scan", "--lab", "1-1", "--pcap", "x.pcap", "-sS", "victim"},
			{"lab", "down", "999999999-1"},
			{"lab", "down", "../x"},
		} {
			r := siglab(bad...)
			Expect(r.code).To(Equal(2), strings.Join(bad, " "))
			Expect(strings.Count(strings.TrimSpace(r.stderr), "\n")).To(BeZero(), r.stderr)
		}
	})
})
