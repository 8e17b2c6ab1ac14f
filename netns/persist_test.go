package netns_test

import (
	"bufio"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/netns"
	"github.com/siglab/siglab/netns/netnstest"
	"github.com/siglab/siglab/wire"
)

// persistEnv makes the test binary a `siglab lab up` stand-in: it builds
// a lab, detaches its TUN, writes the state file and prints the ID. With
// "serve" it takes the lab down on SIGTERM, as lab up does; with
// "stubborn" it ignores SIGTERM and waits for SIGKILL.
const persistEnv = "SIGLAB_NETNS_TEST_PERSIST"

func persistentOrphan(mode string) {
	term := make(chan os.Signal, 1)
	if mode == "stubborn" {
		signal.Ignore(syscall.SIGTERM) // and term never fires
	} else {
		signal.Notify(term, syscall.SIGTERM)
	}
	spec := victimSpec("198.18.1.2")
	lab, err := netns.Build(spec)
	if err == nil {
		err = lab.Detach()
	}
	var st netns.State
	if err == nil {
		st, err = lab.State(spec, "test", 1)
	}
	if err == nil {
		err = netns.WriteState(st)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(lab.ID())
	<-term // never, when stubborn
	err = errors.Join(lab.Close(), netns.RemoveState(lab.ID()))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// startPersistent runs the stand-in and returns it with its lab's ID once
// the lab is up; after the spec it is killed and its leftovers cleaned.
func startPersistent(mode string) (*exec.Cmd, string) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), persistEnv+"="+mode)
	cmd.Stderr = GinkgoWriter
	out, err := cmd.StdoutPipe()
	Expect(err).NotTo(HaveOccurred())
	Expect(cmd.Start()).To(Succeed())
	DeferCleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		_, _ = netns.Clean(false)
	})
	id, err := bufio.NewReader(out).ReadString('\n')
	Expect(err).NotTo(HaveOccurred())
	id = strings.TrimSpace(id)
	Expect(id).To(Equal(fmt.Sprintf("%d-1", cmd.Process.Pid)))
	return cmd, id
}

// waitExit waits for cmd to end and returns its exit code.
func waitExit(cmd *exec.Cmd, timeout time.Duration) int {
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	Eventually(done, timeout).Should(Receive(&err))
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	Expect(err).NotTo(HaveOccurred())
	return 0
}

// exchangeOn writes a SYN to the victim's port 22 into tun and returns
// the reply.
func exchangeOn(tun *os.File, sport uint16) wire.Packet {
	_, err := tun.Write(syn(labnet.DefaultScanner, netip.MustParseAddr("198.18.1.2"), sport, 22, 1000))
	Expect(err).NotTo(HaveOccurred())
	return netnstest.ReadReply(tun, 22, 2*time.Second)
}

func attach(id string) *os.File {
	f, err := netns.AttachTUN(id)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() { _ = f.Close() }) // the spec may have closed it
	return f
}

var _ = Describe("a detached lab", Ordered, Label("root"), func() {
	var lab *netns.Lab
	BeforeAll(func() {
		lab = netnstest.BuildLab(victimSpec("198.18.1.2"))
		Expect(lab.Detach()).To(Succeed())
	})

	It("keeps no TUN file but the device, persistent, in its scan namespace", func() {
		Expect(lab.TUN()).To(BeNil())
		Expect(lab.Detach()).To(Succeed(), "idempotent")
		out, err := exec.Command("ip", "-n", "siglab-"+lab.ID()+"-scan", "-d", "link", "show", "siglab-tun0").CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), string(out))
		Expect(string(out)).To(ContainSubstring("persist on"))
		Expect(string(out)).To(ContainSubstring("NO-CARRIER"), "nobody attached")
	})

	It("answers the very first SYN through a file attached by name, at once, attach after attach", func() {
		// Without waiting for the device's queue, one attach in five or
		// so lost the first replies and the scan stalled for a second.
		for i := range 10 {
			f := attach(lab.ID())
			start := time.Now()
			r := exchangeOn(f, uint16(46000+i))
			Expect(r).NotTo(BeNil(), "attach %d", i)
			Expect(time.Since(start)).To(BeNumerically("<", 200*time.Millisecond), "attach %d", i)
			Expect(r.HasFlags(wire.FlagSYN | wire.FlagACK)).To(BeTrue())
			Expect(f.Close()).To(Succeed())
		}
	})

	It("refuses a second attach while one is open, with ErrBusy", func() {
		f := attach(lab.ID())
		_, err := netns.AttachTUN(lab.ID())
		Expect(err).To(MatchError(netns.ErrBusy))
		Expect(err.Error()).To(ContainSubstring("another process"))
		Expect(exchangeOn(f, 46100)).NotTo(BeNil(), "the first one is undisturbed")
		Expect(f.Close()).To(Succeed())
		attach(lab.ID()).Close()
	})

	DescribeTable("refuses what is not a running lab, with ErrNoLab",
		func(id string) {
			_, err := netns.AttachTUN(id)
			Expect(err).To(MatchError(netns.ErrNoLab))
		},
		Entry("no such lab", "999999999-1"),
		Entry("a path", "../../etc"),
		Entry("empty", ""),
		Entry("three parts", "1-2-3"),
	)
})

var _ = Describe("closing a detached lab", Label("root"), func() {
	BeforeEach(netnstest.RequireRoot)

	It("deletes the TUN even while a file is attached and the namespace is held", func() {
		lab := netnstest.BuildLab(victimSpec("198.18.1.2"))
		Expect(lab.Detach()).To(Succeed())
		held := netnstest.HoldNS("siglab-" + lab.ID() + "-scan")
		f := attach(lab.ID())
		Expect(netnstest.LinksIn(held)).To(ContainElement("siglab-tun0"))

		Expect(lab.Close()).To(Succeed())
		Expect(netnstest.LinksIn(held)).NotTo(ContainElement("siglab-tun0"))
		Expect(f.SetReadDeadline(time.Now().Add(time.Second))).To(Succeed())
		_, err := f.Read(make([]byte, 2048))
		Expect(err).To(HaveOccurred())
		Expect(errors.Is(err, os.ErrDeadlineExceeded)).To(BeFalse(), "the device is gone, not just quiet: %v", err)
		_, err = netns.AttachTUN(lab.ID())
		Expect(err).To(MatchError(netns.ErrNoLab))
		Expect(netnstest.Leftovers(lab.ID() + "-")).To(BeEmpty())
	})
})

var _ = Describe("a persistent lab seen from another process", Label("root"), func() {
	BeforeEach(netnstest.RequireRoot)

	It("is described by its state file, which ReadStates lists", func() {
		cmd, id := startPersistent("serve")
		st, err := netns.ReadState(id)
		Expect(err).NotTo(HaveOccurred())
		Expect(st.PID).To(Equal(cmd.Process.Pid))
		Expect(st.Alive()).To(BeTrue())
		Expect(st.Scanner).To(Equal(labnet.DefaultScanner))
		Expect(st.ScanNS).To(Equal("siglab-" + id + "-scan"))
		Expect(st.SensorNS).To(Equal("siglab-" + id + "-sens"))
		Expect(st.SensorIface).To(Equal("siglab-dn0"))
		Expect(st.TUN).To(Equal("siglab-tun0"))
		Expect(st.Namespaces).To(ConsistOf(st.ScanNS, st.SensorNS, "siglab-"+id+"-h0"))
		Expect(st.Hosts).To(Equal([]netns.StateHost{{Host: labnet.Host{Name: "victim", Addr: netip.MustParseAddr("198.18.1.2"),
			Stack: labnet.Kernel, OpenTCP: victimPorts}, Namespace: "siglab-" + id + "-h0"}}))
		Expect(time.Since(st.Created)).To(BeNumerically("<", time.Minute))
		all, err := netns.ReadStates()
		Expect(err).NotTo(HaveOccurred())
		Expect(all).To(ContainElement(HaveField("ID", id)))
	})

	It("goes down on Down: SIGTERM, then nothing of it is left, the held TUN included", func() {
		cmd, id := startPersistent("serve")
		Expect(exchangeOn(attach(id), 47000)).NotTo(BeNil())
		held := netnstest.HoldNS("siglab-" + id + "-scan")
		_, err := netns.CleanLab(id)
		Expect(err).To(MatchError(netns.ErrRunning), "a live lab is its process's to remove")

		removed, err := netns.Down(id, 10*time.Second)
		Expect(err).NotTo(HaveOccurred())
		Expect(removed).To(BeEmpty(), "the lab's own process removed it all")
		Expect(waitExit(cmd, 5*time.Second)).To(Equal(0))
		Expect(netnstest.Leftovers(id + "-")).To(BeEmpty())
		_, err = os.Stat(filepath.Join(netns.StateDir, id+".json"))
		Expect(err).To(MatchError(os.ErrNotExist))
		Expect(netnstest.LinksIn(held)).NotTo(ContainElement("siglab-tun0"))
		_, err = netns.Down(id, time.Second)
		Expect(err).To(MatchError(netns.ErrNoLab))
	})

	It("times out on a process that ignores SIGTERM, and Down cleans up once it is dead", func() {
		cmd, id := startPersistent("stubborn")
		_, err := netns.Down(id, 200*time.Millisecond)
		Expect(err).To(MatchError(netns.ErrStillUp))
		Expect(err.Error()).To(ContainSubstring(fmt.Sprint(cmd.Process.Pid)))
		Expect(netnstest.Namespaces(id+"-")).NotTo(BeEmpty(), "still up")

		held := netnstest.HoldNS("siglab-" + id + "-scan")
		Expect(cmd.Process.Kill()).To(Succeed())
		_ = cmd.Wait()
		removed, err := netns.Down(id, time.Second)
		Expect(err).NotTo(HaveOccurred())
		Expect(removed).To(ContainElements("siglab-"+id+"-scan", "siglab-"+id+"-sens", "siglab-"+id+"-h0",
			"state "+filepath.Join(netns.StateDir, id+".json")))
		Expect(netnstest.Namespaces(id + "-")).To(BeEmpty())
		Expect(netnstest.LinksIn(held)).NotTo(ContainElement("siglab-tun0"))
	})

	It("is removed by Clean after SIGKILL: namespaces, the held namespace's TUN and the state file", func() {
		cmd, id := startPersistent("stubborn")
		held := netnstest.HoldNS("siglab-" + id + "-scan")
		Expect(netnstest.LinksIn(held)).To(ContainElement("siglab-tun0"))
		Expect(cmd.Process.Kill()).To(Succeed())
		_ = cmd.Wait()
		st, err := netns.ReadState(id)
		Expect(err).NotTo(HaveOccurred())
		Expect(st.Alive()).To(BeFalse())

		removed, err := netns.Clean(false)
		Expect(err).NotTo(HaveOccurred())
		Expect(removed).To(ContainElements("siglab-"+id+"-scan", "siglab-"+id+"-sens", "siglab-"+id+"-h0",
			"state "+filepath.Join(netns.StateDir, id+".json")))
		Expect(netnstest.LinksIn(held)).NotTo(ContainElement("siglab-tun0"))
		_, err = netns.ReadState(id)
		Expect(err).To(MatchError(netns.ErrNoLab))
	})
})
