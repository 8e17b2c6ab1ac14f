package main_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/google/nftables"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"

	"github.com/siglab/siglab/netns"
	"github.com/siglab/siglab/netns/netnstest"
	"github.com/siglab/siglab/netns/nsthread"
)

// These specs run siglab in a mount namespace of their own whose /run is
// fresh (netnstest.FreshMountNS): /run/netns is a plain directory until
// something makes it a mount point, as on a machine just booted, and
// what iproute2 or a spec mounts there stays invisible to the host and to
// the other siglab runs on the machine.

// labUpIn starts `siglab lab up` inside m and returns it, its output, the
// lab's ID and a channel closed once it has exited (its exit code is in
// cmd.ProcessState then). After the spec it is killed if still running
// and `lab clean` runs inside m.
func labUpIn(m *netnstest.MountNS, args ...string) (cmd *exec.Cmd, out, errOut *gbytes.Buffer, id string, done chan struct{}) {
	out, errOut = gbytes.NewBuffer(), gbytes.NewBuffer()
	cmd = m.Command(bin, append([]string{"lab", "up"}, args...)...)
	cmd.Stdout, cmd.Stderr = out, gbytesTee{errOut}
	Expect(cmd.Start()).To(Succeed())
	done = make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	DeferCleanup(func() {
		_ = cmd.Process.Kill()
		<-done
		m.Run(bin, "lab", "clean")
	})
	id = strconv.Itoa(cmd.Process.Pid) + "-1"
	Eventually(m.Path(stateFile(id)), 15*time.Second, 20*time.Millisecond).Should(BeAnExistingFile())
	Eventually(out, 2*time.Second).Should(gbytes.Say("lab " + id + " is up"))
	return cmd, out, errOut, id, done
}

// gbytesTee writes to a buffer and to the spec's output.
type gbytesTee struct{ b *gbytes.Buffer }

func (t gbytesTee) Write(p []byte) (int, error) {
	_, _ = GinkgoWriter.Write(p)
	return t.b.Write(p)
}

// heldRoots holds lab id's scan and host namespaces open for the rest of
// the spec and returns them as net:[N], for expectGone. An inode number
// names a namespace only while it exists: once a namespace is freed the
// kernel gives its number to the next one made on the machine, whose
// processes (another suite's lab, scanlogd in it) would count as the
// lab's (`make flake` caught that). The sensor namespace is not held:
// the specs watch the kernel destroy it (its veth's peer in the scan
// namespace goes with it), which it could not while anything stayed in
// it, so that check covers it.
func heldRoots(m *netnstest.MountNS, id string) []string {
	Expect(m.Pins(id+"-")).To(HaveLen(3), "scan, sensor and host namespaces pinned")
	var roots []string
	for _, role := range []string{"scan", "h0"} {
		var st syscall.Stat_t
		Expect(syscall.Fstat(int(m.HoldNS(netns.Prefix+id+"-"+role)), &st)).To(Succeed())
		roots = append(roots, fmt.Sprintf("net:[%d]", st.Ino))
	}
	return roots
}

// expectGone checks that nothing of the labs of process pid is left in
// m: no pin file or mount under /run/netns, no state file, no siglab link
// in the test's namespace, and no process in the lab's former
// namespaces (roots, which heldRoots keeps from being freed and
// renumbered): with no pin left, only the spec's handles keep them.
func expectGone(m *netnstest.MountNS, pid int, roots []string) {
	Expect(m.Leftovers(strconv.Itoa(pid) + "-")).To(BeEmpty())
	for _, r := range roots {
		Expect(netnstest.InNetns(r)).To(BeEmpty(), "processes in %s", r)
	}
}

var _ = Describe("lab up beside iproute2 on a fresh machine (/run/netns a plain directory)", Label("root"), func() {
	var (
		m     *netnstest.MountNS
		other string // the namespace `ip netns add` makes beside the lab
	)
	BeforeEach(func() {
		netnstest.RequireRoot()
		m = netnstest.FreshMountNS()
		other = fmt.Sprintf("pinspec-%d-%d", os.Getpid(), GinkgoParallelProcess())
	})
	ipNetnsAdd := func() {
		code, _, stderr := m.Run("ip", "netns", "add", other)
		Expect(code).To(Equal(0), stderr)
		DeferCleanup(func() { m.Run("ip", "netns", "del", other) }) // if the spec failed before deleting it
	}
	ipNetnsDel := func() {
		code, _, stderr := m.Run("ip", "netns", "del", other)
		Expect(code).To(Equal(0), stderr)
		Expect(m.Path("/run/netns/" + other)).NotTo(BeAnExistingFile())
	}

	It("takes the lab down on Ctrl-C after `ip netns add` beside it, and leaves nothing (the issue's reproduction)", func() {
		cmd, out, errOut, id, done := labUpIn(m, "--scenario", "tech-connect")
		roots := heldRoots(m, id)
		held := m.HoldNS(netns.Prefix + id + "-scan")
		Expect(netnstest.LinksIn(held)).To(ContainElement("siglab-tun0"))

		ipNetnsAdd()
		Expect(cmd.Process.Signal(os.Interrupt)).To(Succeed())
		Eventually(done, 20*time.Second).Should(BeClosed())
		Expect(cmd.ProcessState.ExitCode()).To(Equal(0), string(errOut.Contents()))
		Expect(out).To(gbytes.Say("lab " + id + " removed"))

		ipNetnsDel()
		code, stdout, stderr := m.Run(bin, "lab", "clean")
		Expect(code).To(Equal(0), stderr)
		Expect(stdout).To(Equal("nothing to clean\n"))
		expectGone(m, cmd.Process.Pid, roots)
		Eventually(func() []string { return netnstest.LinksIn(held) }, 5*time.Second).Should(Equal([]string{"lo"}), "the TUN deleted; the veth goes once the kernel has destroyed the sensor namespace")
		Expect(m.MountsAt("/run/netns")).To(Equal(1), "one /run/netns mount, made shared before the first pin as iproute2 does; ip netns add added none")
	})

	It("after SIGKILL beside `ip netns add`, lab clean removes it all and says what; a second lab clean finds nothing", func() {
		cmd, _, _, id, done := labUpIn(m, "--scenario", "tech-connect")
		roots := heldRoots(m, id)
		held := m.HoldNS(netns.Prefix + id + "-scan")
		ipNetnsAdd()
		Expect(cmd.Process.Signal(syscall.SIGKILL)).To(Succeed())
		Eventually(done, 5*time.Second).Should(BeClosed())
		Expect(m.Pins(id+"-")).To(HaveLen(3), "SIGKILL leaves the pins")
		p0fTemp := filepath.Join(os.TempDir(), "siglab-p0f-999999999-pinspec") // as a killed run's p0f adapter leaves it
		Expect(os.MkdirAll(p0fTemp, 0o700)).To(Succeed())
		DeferCleanup(os.RemoveAll, p0fTemp)

		code, stdout, stderr := m.Run(bin, "lab", "clean")
		Expect(code).To(Equal(0), stderr)
		for _, role := range []string{"scan", "sens", "h0"} {
			Expect(stdout).To(ContainSubstring("removed siglab-" + id + "-" + role + "\n"))
		}
		Expect(stdout).To(ContainSubstring("removed state " + stateFile(id) + "\n"))
		Expect(stdout).To(ContainSubstring("removed temp " + p0fTemp + "\n"))
		Expect(p0fTemp).NotTo(BeAnExistingFile())
		expectGone(m, cmd.Process.Pid, roots)
		Eventually(func() []string { return netnstest.LinksIn(held) }, 5*time.Second).Should(Equal([]string{"lo"}), "the TUN deleted; the veth goes once the kernel has destroyed the sensor namespace")

		code, stdout, stderr = m.Run(bin, "lab", "clean")
		Expect(code).To(Equal(0), stderr)
		Expect(stdout).To(Equal("nothing to clean\n"))
		ipNetnsDel()
	})

	DescribeTable("removes pins that another mount covers",
		func(cover []string, kill bool) {
			cmd, out, errOut, id, done := labUpIn(m, "--scenario", "tech-connect")
			roots := heldRoots(m, id)
			held := m.HoldNS(netns.Prefix + id + "-scan")
			code, _, stderr := m.Run("mount", cover...)
			Expect(code).To(Equal(0), stderr)
			DeferCleanup(func() { m.Run("umount", "-l", "/run/netns") }) // if the spec failed before
			Expect(m.MountsAt("/run/netns")).To(Equal(2))

			if kill {
				Expect(cmd.Process.Signal(syscall.SIGKILL)).To(Succeed())
				Eventually(done, 5*time.Second).Should(BeClosed())
				code, stdout, stderr := m.Run(bin, "lab", "clean")
				Expect(code).To(Equal(0), stderr)
				for _, role := range []string{"scan", "sens", "h0"} {
					Expect(stdout).To(ContainSubstring("removed siglab-" + id + "-" + role + "\n"))
				}
			} else {
				Expect(cmd.Process.Signal(os.Interrupt)).To(Succeed())
				Eventually(done, 20*time.Second).Should(BeClosed())
				Expect(cmd.ProcessState.ExitCode()).To(Equal(0), string(errOut.Contents()))
				Expect(out).To(gbytes.Say("lab " + id + " removed"))
			}
			expectGone(m, cmd.Process.Pid, roots)
			Eventually(func() []string { return netnstest.LinksIn(held) }, 5*time.Second).Should(Equal([]string{"lo"}), "the TUN deleted; the veth goes once the kernel has destroyed the sensor namespace")
			code, stdout, stderr := m.Run(bin, "lab", "clean")
			Expect(code).To(Equal(0), stderr)
			Expect(stdout).To(Equal("nothing to clean\n"))

			code, _, stderr = m.Run("umount", "/run/netns")
			Expect(code).To(Equal(0), stderr)
			expectGone(m, cmd.Process.Pid, roots) // nothing under the cover either
		},
		Entry("a bind mount of /run/netns over itself, then Ctrl-C", []string{"--rbind", "/run/netns", "/run/netns"}, false),
		Entry("a bind mount of /run/netns over itself, then SIGKILL and lab clean", []string{"--rbind", "/run/netns", "/run/netns"}, true),
		Entry("a tmpfs over /run/netns (the pins' files hidden), then Ctrl-C", []string{"-t", "tmpfs", "siglab-spec-cover", "/run/netns"}, false),
		Entry("a tmpfs over /run/netns (the pins' files hidden), then SIGKILL and lab clean", []string{"-t", "tmpfs", "siglab-spec-cover", "/run/netns"}, true),
	)

	It("lab clean empties namespaces whose pins are gone while processes keep them (TUN, nftables table)", func() {
		file := scenarioFile("fw.yaml", "name: fw\nnetwork:\n  hosts:\n    - name: victim\n      open: [22]\n      filtered: [113]\nscan:\n  - nmap: -sS -P0 -p22 victim\nexpect:\n  nmap_output:\n    contains: [\"Interesting ports\"]\n")
		cmd, _, _, id, done := labUpIn(m, "--scenario", file)
		// A process in the scan and in the host namespace, as a shell
		// from `ip netns exec` would be, then their pins deleted.
		keepers := map[string]*exec.Cmd{}
		for _, role := range []string{"scan", "h0"} {
			k := exec.Command("nsenter", "--net="+m.Path("/run/netns/"+netns.Prefix+id+"-"+role), "sleep", "600")
			Expect(k.Start()).To(Succeed())
			DeferCleanup(func() { _ = k.Process.Kill(); _ = k.Wait() })
			keepers[role] = k
			Eventually(func() string { l, _ := os.Readlink(fmt.Sprintf("/proc/%d/ns/net", k.Process.Pid)); return l }).
				Should(Equal(netnsOf(m.Path("/run/netns/" + netns.Prefix + id + "-" + role))))
			code, _, stderr := m.Run("ip", "netns", "del", netns.Prefix+id+"-"+role)
			Expect(code).To(Equal(0), stderr)
		}
		scan := netnstest.HoldNSAt(fmt.Sprintf("/proc/%d/ns/net", keepers["scan"].Process.Pid))
		host := netnstest.HoldNSAt(fmt.Sprintf("/proc/%d/ns/net", keepers["h0"].Process.Pid))
		Expect(netnstest.LinksIn(scan)).To(ContainElement("siglab-tun0"))
		Expect(tables(host)).To(ContainElement("siglab"))
		Expect(cmd.Process.Signal(syscall.SIGKILL)).To(Succeed())
		Eventually(done, 5*time.Second).Should(BeClosed())

		code, stdout, stderr := m.Run(bin, "lab", "clean")
		Expect(code).To(Equal(0), stderr)
		Expect(stdout).To(ContainSubstring("removed siglab-" + id + "-sens\n"))
		Expect(stdout).To(MatchRegexp(`removed link siglab-tun0 in net:\[\d+\] \(no pin; pid %d sleep is in it\)`, keepers["scan"].Process.Pid))
		Expect(stdout).To(MatchRegexp(`removed nftables table ip siglab in net:\[\d+\] \(no pin; pid %d sleep is in it\)`, keepers["h0"].Process.Pid))
		Expect(netnstest.LinksIn(scan)).To(Equal([]string{"lo"}))
		Expect(netnstest.LinksIn(host)).To(Equal([]string{"lo"}))
		Expect(tables(host)).To(BeEmpty())
		Expect(m.Leftovers(strconv.Itoa(cmd.Process.Pid) + "-")).To(BeEmpty())

		code, stdout, stderr = m.Run(bin, "lab", "clean")
		Expect(code).To(Equal(0), stderr)
		Expect(stdout).To(Equal("nothing to clean\n"))
	})

	It("lab clean stops a lab up process whose lab is gone, which then exits cleanly", func() {
		cmd, out, errOut, id, done := labUpIn(m, "--scenario", "tech-connect")
		for _, role := range []string{"scan", "sens", "h0"} {
			code, _, stderr := m.Run("ip", "netns", "del", netns.Prefix+id+"-"+role)
			Expect(code).To(Equal(0), stderr)
		}
		code, stdout, stderr := m.Run(bin, "lab", "clean")
		Expect(code).To(Equal(0), stderr)
		Expect(stdout).To(ContainSubstring(fmt.Sprintf("removed lab up process %d of lab %s (its namespaces were gone; SIGTERM)\n", cmd.Process.Pid, id)))
		Eventually(done, 10*time.Second).Should(BeClosed())
		Expect(cmd.ProcessState.ExitCode()).To(Equal(0), string(errOut.Contents()))
		Expect(out).To(gbytes.Say("lab " + id + " removed"))
		Expect(m.Leftovers(strconv.Itoa(cmd.Process.Pid) + "-")).To(BeEmpty())
	})

	It("lab clean --all takes live labs down through their processes", func() {
		cmd, out, _, id, done := labUpIn(m, "--scenario", "tech-connect")
		roots := heldRoots(m, id)
		code, stdout, stderr := m.Run(bin, "lab", "clean")
		Expect(code).To(Equal(0), stderr)
		Expect(stdout).To(Equal("nothing to clean\n"), "a live lab is its process's")
		code, stdout, stderr = m.Run(bin, "lab", "clean", "--all")
		Expect(code).To(Equal(0), stderr)
		Expect(stdout).To(ContainSubstring(fmt.Sprintf("removed lab %s: lab up process %d took it down (SIGTERM)\n", id, cmd.Process.Pid)))
		Eventually(done, 10*time.Second).Should(BeClosed())
		Expect(out).To(gbytes.Say("lab " + id + " removed"))
		expectGone(m, cmd.Process.Pid, roots)
	})
})

// netnsOf is the namespace ("net:[N]") that the pin at path holds.
func netnsOf(path string) string {
	var st syscall.Stat_t
	Expect(syscall.Stat(path, &st)).To(Succeed())
	return "net:[" + strconv.FormatUint(st.Ino, 10) + "]"
}

// tables lists the nftables tables in the namespace ns.
func tables(ns nsthread.Handle) []string {
	c, err := nftables.New(nftables.WithNetNSFd(int(ns)))
	Expect(err).NotTo(HaveOccurred())
	ts, err := c.ListTables()
	Expect(err).NotTo(HaveOccurred())
	var names []string
	for _, t := range ts {
		names = append(names, t.Name)
	}
	return names
}
