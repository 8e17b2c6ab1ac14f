package netns

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/siglab/siglab/labnet"
)

var _ = Describe("Build failing half-way", Label("root"), func() {
	It("removes what it made and reports the error", func() {
		if os.Geteuid() != 0 {
			Skip("NOT RUN: needs root to build namespaces")
		}
		// Squat the host namespace name of the next lab, so that Build
		// fails after the scanner and sensor namespaces exist.
		id := fmt.Sprintf("%d-%d", os.Getpid(), seq.Load()+1)
		squat := filepath.Join(runDir, Prefix+id+"-h0")
		Expect(os.MkdirAll(runDir, 0o755)).To(Succeed())
		Expect(os.WriteFile(squat, nil, 0o444)).To(Succeed())
		DeferCleanup(os.Remove, squat)

		lab, err := Build(Spec{Hosts: []labnet.Host{{Name: "v", Addr: netip.MustParseAddr("198.18.1.2"), OpenTCP: []uint16{22}}}})
		Expect(lab).To(BeNil())
		Expect(err).To(MatchError(ContainSubstring("build lab " + id)))
		Expect(err).To(MatchError(os.ErrExist))
		for _, role := range []string{"scan", "sens"} {
			_, serr := os.Stat(filepath.Join(runDir, Prefix+id+"-"+role))
			Expect(serr).To(MatchError(os.ErrNotExist), role)
		}
		Expect(openIDs()).NotTo(HaveKey(id))
		_, serr := os.Stat(squat)
		Expect(serr).NotTo(HaveOccurred(), "not ours: left alone")
	})
})
