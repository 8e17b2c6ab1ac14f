package netns

import (
	"fmt"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// On a scratch directory: the real LabsDir may hold other runs' labs.
var _ = Describe("cleanLabDirs", func() {
	live := fmt.Sprintf("%d-1", os.Getppid())
	DescribeTable("removes the directories and start logs of processes that are gone, all of them with all, never an open lab's",
		func(all bool, kept ...string) {
			dir := GinkgoT().TempDir()
			entries := []string{"999999999-1", live, StartLogName(999999999), StartLogName(os.Getppid()), "not-a-lab"}
			for _, e := range entries {
				Expect(os.Mkdir(filepath.Join(dir, e), 0o700)).To(Succeed())
				Expect(os.WriteFile(filepath.Join(dir, e, "lab.log"), []byte("x"), 0o600)).To(Succeed())
			}
			removed, err := cleanLabDirs(dir, all)
			Expect(err).NotTo(HaveOccurred())
			left, err := os.ReadDir(dir)
			Expect(err).NotTo(HaveOccurred())
			var names []string
			for _, e := range left {
				names = append(names, e.Name())
			}
			Expect(names).To(ConsistOf(kept))
			Expect(removed).To(HaveLen(len(entries) - len(kept)))
			Expect(removed).To(ContainElement("lab directory " + filepath.Join(dir, "999999999-1")))
		},
		Entry("by default: the dead process's", false, live, StartLogName(os.Getppid()), "not-a-lab"),
		Entry("with all: every lab's, but a live starter's log", true, StartLogName(os.Getppid()), "not-a-lab"),
	)

	It("is nothing to do without the directory", func() {
		removed, err := cleanLabDirs(filepath.Join(GinkgoT().TempDir(), "none"), true)
		Expect(err).NotTo(HaveOccurred())
		Expect(removed).To(BeEmpty())
	})
})
