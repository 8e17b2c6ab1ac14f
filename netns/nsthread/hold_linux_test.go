package nsthread_test

import (
	"errors"
	"os"
	"os/exec"
	"runtime"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	vnetns "github.com/vishvananda/netns"

	"github.com/siglab/siglab/netns/nsthread"
)

var _ = Describe("Hold", Label("root"), func() {
	BeforeEach(func() {
		if os.Geteuid() != 0 {
			Skip("*** not root: entering a network namespace needs CAP_SYS_ADMIN; Hold's spec is SKIPPED ***")
		}
	})

	It("keeps a Pdeathsig child alive while other goroutines end locked threads, and ends it at release", func() {
		self, err := vnetns.Get()
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(self.Close)
		cmd := exec.Command("sleep", "60")
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		release, err := nsthread.Hold(self, cmd.Start)
		Expect(err).NotTo(HaveOccurred())
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		DeferCleanup(func() { release(); _ = cmd.Process.Kill() })

		// Goroutines that exit locked end their threads; with Do, the
		// thread that forked the child could be among them.
		for range 50 {
			done := make(chan struct{})
			go func() { runtime.LockOSThread(); close(done) }()
			<-done
		}
		Consistently(exited, 300*time.Millisecond).ShouldNot(Receive())

		release()
		var werr error
		Eventually(exited, 5*time.Second).Should(Receive(&werr))
		var ee *exec.ExitError
		Expect(errors.As(werr, &ee)).To(BeTrue())
		Expect(ee.Sys().(syscall.WaitStatus).Signal()).To(Equal(syscall.SIGKILL))
	})

	It("ends the thread at once and returns fn's error", func() {
		self, err := vnetns.Get()
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(self.Close)
		boom := errors.New("boom")
		release, err := nsthread.Hold(self, func() error { return boom })
		Expect(err).To(MatchError(boom))
		release() // a no-op, safe to call
	})
})
