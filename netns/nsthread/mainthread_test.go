package nsthread_test

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"
)

// taintProbe does from the main goroutine what netns does when it makes
// a namespace: a goroutine locks its thread, moves it into a namespace
// of its own and ends without unlocking it, so the runtime ends the
// thread too. Waiting for it leaves the main thread idle, and the
// runtime gives the goroutine that thread unless package nsthread's init
// keeps it for the main goroutine: the runtime cannot end the main
// thread, so it would stay in that namespace for good, and
// /proc/self/ns/net, which is the main thread's, would name it.
func taintProbe() error {
	home, err := os.Readlink("/proc/self/ns/net")
	if err != nil {
		return err
	}
	for range 50 {
		errc := make(chan error, 1)
		go func() {
			runtime.LockOSThread() // never unlocked: the thread is tainted
			errc <- unix.Unshare(unix.CLONE_NEWNET)
		}()
		if err := <-errc; err != nil {
			return fmt.Errorf("unshare: %w", err)
		}
		if now, _ := os.Readlink("/proc/self/ns/net"); now != home {
			return fmt.Errorf("the main thread was left in %s, not the process's %s", now, home)
		}
	}
	return nil
}

var _ = Describe("the main thread", Label("root"), func() {
	It("never runs a goroutine that taints its thread, so /proc/self keeps describing the process's namespaces", func() {
		if os.Geteuid() != 0 {
			Skip("*** not root: unshare(CLONE_NEWNET) needs CAP_SYS_ADMIN; the main-thread spec did NOT RUN ***")
		}
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), taintProbeEnv+"=1")
		out, err := cmd.CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), string(out))
		Expect(string(out)).To(ContainSubstring("the main thread stayed in the process's namespace"))
	})
})
