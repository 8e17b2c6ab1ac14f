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
	// The namespaces are made side by side (namespaces_linux.go): any of
	// them may fail while the others are made or being made.
	DescribeTable("removes what it made and reports the error, whichever namespace failed",
		func(squatted string) {
			if os.Geteuid() != 0 {
				Skip("NOT RUN: needs root to build namespaces")
			}
			// Squat one namespace name of the next lab, so that making
			// that namespace fails.
			id := fmt.Sprintf("%d-%d", os.Getpid(), seq.Load()+1)
			squat := filepath.Join(runDir, Prefix+id+"-"+squatted)
			Expect(os.MkdirAll(runDir, 0o755)).To(Succeed())
			Expect(os.WriteFile(squat, nil, 0o444)).To(Succeed())
			DeferCleanup(os.Remove, squat)

			lab, err := Build(Spec{Hosts: []labnet.Host{
				{Name: "v", Addr: netip.MustParseAddr("198.18.1.2"), OpenTCP: []uint16{22}},
				{Name: "w", Addr: netip.MustParseAddr("198.18.1.3"), OpenTCP: []uint16{80}},
			}})
			Expect(lab).To(BeNil())
			Expect(err).To(MatchError(ContainSubstring("build lab " + id)))
			Expect(err).To(MatchError(ContainSubstring(Prefix + id + "-" + squatted)))
			Expect(err).To(MatchError(os.ErrExist))
			for _, role := range []string{"scan", "sens", "h0", "h1"} {
				if role == squatted {
					continue
				}
				_, serr := os.Stat(filepath.Join(runDir, Prefix+id+"-"+role))
				Expect(serr).To(MatchError(os.ErrNotExist), role)
			}
			Expect(openIDs()).NotTo(HaveKey(id))
			_, serr := os.Stat(squat)
			Expect(serr).NotTo(HaveOccurred(), "not ours: left alone")
		},
		Entry("the scanner's", "scan"),
		Entry("the sensor's", "sens"),
		Entry("the first host's", "h0"),
		Entry("the second host's", "h1"),
	)
})
