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

	It("leaves an earlier file whole and no temporary file when the writer fails, naming the file alone", func() {
		dir := GinkgoT().TempDir()
		path := filepath.Join(dir, "out.pcap")
		Expect(os.WriteFile(path, []byte("old"), 0o644)).To(Succeed())
		err := capture.WriteFileAtomic(path, func(w io.Writer) error {
			_, _ = io.WriteString(w, strings.Repeat("x", 1<<17)) // past bufio's buffer: on disk already
			return syscall.ENOSPC
		})
		Expect(err).To(MatchError(syscall.ENOSPC))
		Expect(err.Error()).To(Equal(path + ": no space left on device"))
		Expect(os.ReadFile(path)).To(Equal([]byte("old")))
		ents, _ := os.ReadDir(dir)
		Expect(ents).To(HaveLen(1), "the temporary file is gone")
	})

	It("names the file, not its temporary, when the directory cannot take one", func() {
		path := filepath.Join(GinkgoT().TempDir(), "gone", "out.pcap")
		err := capture.WriteFileAtomic(path, write)
		Expect(err).To(MatchError(os.ErrNotExist))
		Expect(err.Error()).To(Equal(path + ": no such file or directory"))
	})

	DescribeTable("creates files never group- or world-writable, whatever the umask",
		func(mask int, perm, want os.FileMode) {
			old := syscall.Umask(mask)
			DeferCleanup(syscall.Umask, old)
			path := filepath.Join(GinkgoT().TempDir(), "out")
			if perm == 0 {
				Expect(capture.WriteFileAtomic(path, write)).To(Succeed())
			} else {
				Expect(capture.WriteFileAtomicPerm(path, perm, write)).To(Succeed())
			}
			fi, err := os.Stat(path)
			Expect(err).NotTo(HaveOccurred())
			Expect(fi.Mode().Perm()).To(Equal(want))
		},
		Entry("a report file, umask 022", 0o022, os.FileMode(0), os.FileMode(0o600)),
		Entry("a report file, umask 0", 0o000, os.FileMode(0), os.FileMode(0o600)),
		Entry("an -oN log (0644), umask 022", 0o022, os.FileMode(0o644), os.FileMode(0o644)),
		Entry("an -oN log (0644), umask 0", 0o000, os.FileMode(0o644), os.FileMode(0o644)),
		Entry("an -oN log (0644), umask 077", 0o077, os.FileMode(0o644), os.FileMode(0o600)),
		Entry("asked for 0666, umask 0", 0o000, os.FileMode(0o666), os.FileMode(0o644)),
	)

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
