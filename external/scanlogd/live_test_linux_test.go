package scanlogd_test

import (
	"bufio"
	"context"
	"net/netip"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/external"
	"github.com/siglab/siglab/external/scanlogd"
	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/netns"
	"github.com/siglab/siglab/netns/netnstest"
	"github.com/siglab/siglab/netns/nsthread"
)

// alive reports whether pid runs (and is no zombie).
func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	return f[0] != "Z" && f[0] != "X"
}

// expectGone waits until the daemon pid and its mount namespace are gone
// and no process of this suite's carries the owner mark.
func expectGone(pid int, mnt string) {
	Eventually(func() bool { return alive(pid) }).WithTimeout(5 * time.Second).Should(BeFalse())
	Eventually(func() []string { return inMountNS(mnt) }).WithTimeout(5 * time.Second).Should(BeEmpty())
	Eventually(ours).WithTimeout(5 * time.Second).Should(BeEmpty())
	Expect(hostMounts()).NotTo(ContainSubstring("siglab-scanlogd"))
}

// killedHelper runs the test binary as a siglab process in mode (see
// helperEnv), waits for its daemon and kills it with SIGKILL; it returns
// the helper's pid, its replay namespace's lab ID and the daemon's pid
// and mount namespace.
func killedHelper(mode string) (helper int, labID string, daemon int, mnt string) {
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), helperEnv+"="+mode)
	cmd.Stderr = GinkgoWriter
	out, err := cmd.StdoutPipe()
	Expect(err).NotTo(HaveOccurred())
	Expect(cmd.Start()).To(Succeed())
	DeferCleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	Expect(err).NotTo(HaveOccurred(), "the helper did not start its daemon")
	f := strings.Fields(line)
	Expect(f).To(HaveLen(2))
	labID = f[0]
	DeferCleanup(func() { _, _ = netns.CleanLab(labID) }) // also when the spec fails
	daemon, err = strconv.Atoi(f[1])
	Expect(err).NotTo(HaveOccurred())
	mnt = mountNS(daemon)
	Expect(cmd.Process.Signal(syscall.SIGKILL)).To(Succeed())
	_ = cmd.Wait()
	return cmd.Process.Pid, labID, daemon, mnt
}

var _ = Describe("a scanlogd daemon", Label("root"), func() {
	BeforeEach(requireScanlogd)

	oneHost := netns.Spec{Hosts: []labnet.Host{{Name: "victim", Addr: victim}}}

	It("runs in the host's namespace, chrooted, as user scanlogd, with mounts of its own, and leaves nothing when stopped", func() {
		lab := netnstest.BuildLab(oneHost)
		ns, _ := lab.HostNS("victim")
		d, err := scanlogd.Start(ns)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() { _, _, _ = d.Stop() })
		pid := d.PID()
		mnt := mountNS(pid)
		Expect(mnt).NotTo(Equal(mountNS(os.Getpid())))
		root, err := os.Readlink("/proc/" + strconv.Itoa(pid) + "/root")
		Expect(err).NotTo(HaveOccurred())
		Expect(root).To(Equal("/run/scanlogd/empty"))
		status, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
		Expect(err).NotTo(HaveOccurred())
		Expect(string(status)).NotTo(MatchRegexp(`(?m)^Uid:\s+0\s`), "scanlogd dropped root")
		netLink, err := os.Readlink("/proc/" + strconv.Itoa(pid) + "/ns/net")
		Expect(err).NotTo(HaveOccurred())
		var hostNet string
		Expect(nsthread.Do(ns, func() (err error) { hostNet, err = os.Readlink("/proc/thread-self/ns/net"); return err })).To(Succeed())
		Expect(netLink).To(Equal(hostNet))
		// The shell's view: the daemon's own mount table shows only what
		// lies under its chroot.
		st, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		Expect(err).NotTo(HaveOccurred())
		sh := strings.Fields(string(st)[strings.LastIndexByte(string(st), ')')+1:])[1]
		mounts, err := os.ReadFile("/proc/" + sh + "/mountinfo")
		Expect(err).NotTo(HaveOccurred())
		Expect(strings.Count(string(mounts), " - tmpfs siglab-scanlogd ")).To(Equal(2), "a tmpfs on /dev and one on /run")
		Expect(hostMounts()).NotTo(ContainSubstring("siglab-scanlogd"))
		Expect(ours()).To(HaveLen(2), "the daemon and its shell")

		log, recs, err := d.Stop()
		Expect(err).NotTo(HaveOccurred())
		Expect(log).To(BeEmpty())
		Expect(recs).To(BeEmpty())
		expectGone(pid, mnt)
	})

	It("leaves nothing after a start that fails", func() {
		d, err := scanlogd.Start(nsthread.Handle(-1))
		Expect(err).To(MatchError(scanlogd.ErrFailed))
		Expect(err.Error()).To(ContainSubstring("enter netns"))
		Expect(d).To(BeNil())
		Expect(ours()).To(BeEmpty())
		Expect(hostMounts()).NotTo(ContainSubstring("siglab-scanlogd"))
	})

	It("leaves nothing after a replay cut short", func() {
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		_, _, err := scanlogd.Replay(ctx, synth(syns(0, 100*time.Millisecond, portRange(1, 30)...)), []netip.Addr{victim})
		Expect(err).To(MatchError(context.DeadlineExceeded))
		Expect(netnstest.Namespaces(strconv.Itoa(os.Getpid()) + "-")).To(BeEmpty())
		Eventually(ours).WithTimeout(5 * time.Second).Should(BeEmpty())
		Expect(hostMounts()).NotTo(ContainSubstring("siglab-scanlogd"))
	})

	It("refuses a replay without targets, or with one outside the lab", func() {
		_, _, err := scanlogd.Replay(context.Background(), synth(), nil)
		Expect(err).To(MatchError(scanlogd.ErrNoTarget))
		_, _, err = scanlogd.Replay(context.Background(), synth(), []netip.Addr{netip.MustParseAddr("192.0.2.1")})
		Expect(err).To(MatchError(labnet.ErrOutsideLab))
		Expect(ours()).To(BeEmpty())
	})

	It("dies with the siglab process that started it, even by SIGKILL", func() {
		_, labID, daemon, mnt := killedHelper("attached")
		expectGone(daemon, mnt)
		removed, err := scanlogd.Clean()
		Expect(err).NotTo(HaveOccurred())
		Expect(removed).To(BeEmpty())
		Expect(netns.CleanLab(labID)).To(HaveLen(1), "the killed helper's replay namespace")
	})

	It("is ended by Clean when it outlived its siglab process", func() {
		helper, labID, daemon, mnt := killedHelper("detached")
		Consistently(func() bool { return alive(daemon) }).WithTimeout(300 * time.Millisecond).Should(BeTrue())
		removed, err := scanlogd.Clean()
		Expect(err).NotTo(HaveOccurred())
		Expect(removed).To(ContainElement("scanlogd " + strconv.Itoa(daemon) + " (scanlogd) of siglab process " + strconv.Itoa(helper)))
		expectGone(daemon, mnt)
		Expect(netns.CleanLab(labID)).To(HaveLen(1))
		Expect(netnstest.Namespaces("")).NotTo(ContainElement(HavePrefix(netns.Prefix + labID + "-")))
		removed, err = scanlogd.Clean()
		Expect(err).NotTo(HaveOccurred())
		Expect(removed).To(BeEmpty())
	})

	It("is left alone by Clean while its siglab process runs, and stopped by StopAll", func() {
		lab := netnstest.BuildLab(oneHost)
		ns, _ := lab.HostNS("victim")
		d, err := scanlogd.Start(ns)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() { _, _, _ = d.Stop() })
		mnt := mountNS(d.PID())
		removed, err := scanlogd.Clean()
		Expect(err).NotTo(HaveOccurred())
		Expect(removed).To(BeEmpty())
		Expect(alive(d.PID())).To(BeTrue())
		Expect(scanlogd.StopAll()).To(Succeed())
		expectGone(d.PID(), mnt)
	})
})

var _ = Describe("the scanlogd threshold pair", Label("root"), func() {
	BeforeEach(requireScanlogd)

	DescribeTable("is silent under the threshold and names the scanner and its ports over it, live and offline",
		func(name string, logged bool) {
			s := scenario(name)
			c, log, recs := live(s)
			GinkgoWriter.Printf("live:\n%s", log)
			// nmap's first probe's TTL, as captured.
			firstTTL := func(c *capture.Capture) int {
				pkts := scanlogd.Delivered(c, []netip.Addr{victim})
				Expect(pkts).NotTo(BeEmpty())
				return int(pkts[0].Data[8])
			}
			ttl := firstTTL(c)
			check := func(recs []external.Record, ttl int) {
				if !logged {
					Expect(recs).To(BeEmpty())
					return
				}
				Expect(recs).To(HaveLen(1))
				r := recs[0]
				Expect(r.Label).To(Equal(labnet.DefaultScanner.String()))
				Expect(r.Field("target")).To(Equal(victim.String()))
				Expect(r.Field("port_count")).To(Equal("6"), "the 7th port, which crossed 21, is never listed")
				Expect(strings.Split(r.Field("ports"), ", ")).To(ConsistOf(Not(BeEmpty()), Not(BeEmpty()), Not(BeEmpty()), Not(BeEmpty()), Not(BeEmpty()), Not(BeEmpty())))
				for _, p := range strings.Split(r.Field("ports"), ", ") {
					Expect(p).To(BeElementOf("1", "2", "3", "4", "5", "6", "7"))
				}
				Expect(r.Field("flags")).To(Equal("fSrpauxy"))
				Expect(r.Field("ttl")).To(Equal(strconv.Itoa(ttl)))
			}
			// Live the target's kernel sees the TTL one hop after the sensor.
			check(recs, ttl-netns.CaptureHops)
			replayed, rrecs := replay(c, victim)
			GinkgoWriter.Printf("replayed:\n%s", replayed)
			check(rrecs, ttl)
			Expect(messages(replayed)).To(Equal(scanlogd.Simulate(scanlogd.Delivered(c, []netip.Addr{victim})).Lines()))
			oc := offline(s)
			_, orecs := replay(oc, victim)
			check(orecs, firstTTL(oc))
		},
		Entry(nil, "threshold-scanlogd-under", false),
		Entry(nil, "threshold-scanlogd-over", true),
	)
})
