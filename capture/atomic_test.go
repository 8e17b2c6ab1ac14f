package capture_test

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/capture"
)

var _ = Describe("WriteFileAtomic", func() {
	write := func(w io.Writer) error { _, err := io.WriteString(w, "pcap bytes"); return err }

	It("replaces a regular file whole", func() {
		path := filepath.Join(GinkgoT().TempDir(), "out.pcap")
		Expect(os.WriteFile(path, []byte("old"), 0o644)).To(Succeed())
		Expect(capture.WriteFileAtomic(path, write)).To(Succeed())
		Expect(os.ReadFile(path)).To(Equal([]byte("pcap bytes")))
	})

	It("writes a FIFO in place and leaves it a FIFO (as /dev/stdout stays a device)", func() {
		path := filepath.Join(GinkgoT().TempDir(), "pipe")
		Expect(syscall.Mkfifo(path, 0o600)).To(Succeed())
		got := make(chan string, 1)
		go func() {
			defer GinkgoRecover()
			b, err := os.ReadFile(path)
			Expect(err).NotTo(HaveOccurred())
			got <- string(b)
		}()
		Expect(capture.WriteFileAtomic(path, write)).To(Succeed())
		Eventually(got).Should(Receive(Equal("pcap bytes")))
		fi, err := os.Lstat(path)
		Expect(err).NotTo(HaveOccurred())
		Expect(fi.Mode() & os.ModeNamedPipe).NotTo(BeZero())
	})

	It("refuses a directory, naming it", func() {
		dir := GinkgoT().TempDir()
		err := capture.WriteFileAtomic(dir, write)
		Expect(err).To(MatchError(ContainSubstring(dir + ": is a directory")))
		Expect(strings.Count(err.Error(), "\n")).To(BeZero())
	})
})
