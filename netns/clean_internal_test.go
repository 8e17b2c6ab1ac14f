package netns

import (
	"fmt"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// These run on a scratch directory of plain files, so that "all" never
// removes the namespaces of test runs going on in other processes.
var _ = Describe("cleanNamespaces", Label("root"), func() {
	var dir string
	names := map[string]string{
		"dead":  "siglab-999999999-1-scan",
		"live":  fmt.Sprintf("siglab-%d-7-h0", os.Getppid()),
		"odd":   "siglab-handmade",
		"ours":  fmt.Sprintf("siglab-%d-424242-sens", os.Getpid()),
		"other": "cni-1234",
	}
	BeforeEach(func() {
		if os.Geteuid() != 0 {
			Skip("NOT RUN: needs root (umount) to clean namespaces")
		}
		dir = GinkgoT().TempDir()
		for _, n := range names {
			Expect(os.WriteFile(filepath.Join(dir, n), nil, 0o444)).To(Succeed())
		}
		ours := &Lab{id: fmt.Sprintf("%d-424242", os.Getpid())}
		register(ours)
		DeferCleanup(unregister, ours)
	})

	DescribeTable("selects by owner",
		func(all bool, gone ...string) {
			removed, err := cleanNamespaces(dir, all)
			Expect(err).NotTo(HaveOccurred())
			var want []string
			for _, k := range gone {
				want = append(want, names[k])
			}
			Expect(removed).To(ConsistOf(want))
			for k, n := range names {
				_, err := os.Stat(filepath.Join(dir, n))
				Expect(err == nil).To(Equal(!contains(gone, k)), k)
			}
		},
		Entry("dead owners only", false, "dead"),
		Entry("all, but never this process's open labs nor foreign names", true, "dead", "live", "odd"),
	)
})

func contains(s []string, x string) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}
