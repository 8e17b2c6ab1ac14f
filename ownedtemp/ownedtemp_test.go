package ownedtemp_test

import (
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/ownedtemp"
)

var _ = Describe("owned temporary directories", func() {
	const prefix = "siglab-ownedtemp-spec-"

	DescribeTable("Owner reads the pid of names Mkdir makes, and nothing else",
		func(name string, pid int, ok bool) {
			got, gotOK := ownedtemp.Owner(name, prefix)
			Expect(gotOK).To(Equal(ok))
			if ok {
				Expect(got).To(Equal(pid))
			}
		},
		Entry("a name Mkdir makes", prefix+"4242-123", 4242, true),
		Entry("another prefix", "siglab-p0f-4242-123", 0, false),
		Entry("no random part", prefix+"4242", 0, false),
		Entry("not a number", prefix+"x-1", 0, false),
		Entry("pid 0", prefix+"0-1", 0, false),
	)

	It("Mkdir names this process; Clean removes the dead owners' directories only", func() {
		mine, err := ownedtemp.Mkdir(prefix)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(os.RemoveAll, mine)
		pid, ok := ownedtemp.Owner(filepath.Base(mine), prefix)
		Expect(ok).To(BeTrue())
		Expect(pid).To(Equal(os.Getpid()))

		dead := filepath.Join(os.TempDir(), prefix+"999999999-spec") // pid above pid_max: never alive
		Expect(os.MkdirAll(filepath.Join(dead, "x"), 0o700)).To(Succeed())
		DeferCleanup(os.RemoveAll, dead)
		removed, err := ownedtemp.Clean(prefix)
		Expect(err).NotTo(HaveOccurred())
		Expect(removed).To(ConsistOf("temp " + dead))
		Expect(dead).NotTo(BeADirectory())
		Expect(mine).To(BeADirectory())
		Expect(ownedtemp.Alive(os.Getpid())).To(BeTrue())
		Expect(ownedtemp.Alive(999999999)).To(BeFalse())
	})
})
