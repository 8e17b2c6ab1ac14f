package psad_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/external/psad"
)

// deadPid is the pid of a process that has exited.
func deadPid() int {
	cmd := exec.Command("true")
	Expect(cmd.Run()).To(Succeed())
	return cmd.Process.Pid
}

var _ = Describe("Clean", func() {
	It("removes the temporary directories and the psad processes of a dead siglab, and nothing of a live one", func() {
		if _, err := exec.LookPath("perl"); err != nil {
			Skip("*** NOT RUN: needs perl, which runs psad ***")
		}
		dead := filepath.Join(os.TempDir(), psad.TempPrefix+strconv.Itoa(deadPid())+"-spec")
		Expect(os.MkdirAll(dead, 0o700)).To(Succeed())
		DeferCleanup(os.RemoveAll, dead)
		mine, err := os.MkdirTemp("", psad.TempPrefix+strconv.Itoa(os.Getpid())+"-")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(os.RemoveAll, mine)

		// A stray as Debian's psad runs, `perl -w .../psad -c DIR/psad.conf`,
		// left by the dead process; and one of this live process.
		script := filepath.Join(GinkgoT().TempDir(), "psad")
		Expect(os.WriteFile(script, []byte("sleep 60;\n"), 0o700)).To(Succeed())
		stray := exec.Command("perl", "-w", script, "-c", filepath.Join(dead, "psad.conf"))
		live := exec.Command("perl", "-w", script, "-c", filepath.Join(mine, "psad.conf"))
		Expect(stray.Start()).To(Succeed())
		Expect(live.Start()).To(Succeed())
		DeferCleanup(func() { _ = live.Process.Kill(); _ = live.Wait() })
		DeferCleanup(func() { _ = stray.Process.Kill() })

		removed, err := psad.Clean()
		Expect(err).NotTo(HaveOccurred())
		Expect(removed).To(ConsistOf("psad "+strconv.Itoa(stray.Process.Pid), "temp "+dead))
		done := make(chan error, 1)
		go func() { done <- stray.Wait() }()
		Eventually(done, 5*time.Second).Should(Receive())
		Expect(mine).To(BeADirectory())
		Expect(live.ProcessState).To(BeNil(), "the live process's psad runs on")
		Expect(psad.Clean()).To(BeEmpty())
	})
})
