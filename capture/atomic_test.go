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

	// names lists dir's entries.
	names := func(dir string) []string {
		ents, err := os.ReadDir(dir)
		Expect(err).NotTo(HaveOccurred())
		var out []string
		for _, e := range ents {
			out = append(out, e.Name())
		}
		return out
	}

	DescribeTable("gives the file no other name while it is written, so a writer killed midway leaves nothing",
		func(existing bool) {
			dir := GinkgoT().TempDir()
			path := filepath.Join(dir, "capture.pcap")
			if existing {
				Expect(os.WriteFile(path, []byte("old"), 0o644)).To(Succeed())
			}
			before := names(dir)
			Expect(capture.WriteFileAtomic(path, func(w io.Writer) error {
				Expect(names(dir)).To(Equal(before), "mid-write, the directory is as it was")
				return write(w)
			})).To(Succeed())
			Expect(names(dir)).To(Equal([]string{"capture.pcap"}))
			Expect(os.ReadFile(path)).To(Equal([]byte("pcap bytes")))
			fi, err := os.Stat(path)
			Expect(err).NotTo(HaveOccurred())
			Expect(fi.Mode().Perm()).To(Equal(os.FileMode(0o600)), "readable by its owner only, as before")
		},
		Entry("a new file", false),
		Entry("replacing a file", true),
	)

	It("leaves the old file and nothing else when the writer fails", func() {
		dir := GinkgoT().TempDir()
		path := filepath.Join(dir, "verdict.json")
		Expect(os.WriteFile(path, []byte("old"), 0o644)).To(Succeed())
		err := capture.WriteFileAtomic(path, func(w io.Writer) error {
			_, _ = io.WriteString(w, "half")
			return io.ErrShortWrite
		})
		Expect(err).To(MatchError(io.ErrShortWrite))
		Expect(names(dir)).To(Equal([]string{"verdict.json"}))
		Expect(os.ReadFile(path)).To(Equal([]byte("old")))
	})
})
