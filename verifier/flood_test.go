package verifier_test

import (
	"context"
	"fmt"
	"net/netip"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/netns/netnstest"
	"github.com/siglab/siglab/scenarios"
	"github.com/siglab/siglab/verifier"
)

// floodScenario is a small stress scenario: a short SYN scan beside a
// spoofed-source flood, with the sensor's buffer given (0: the default).
func floodScenario(count, rate, buffer int) *scenarios.Scenario {
	sensor := ""
	if buffer > 0 {
		sensor = fmt.Sprintf("sensor:\n  receive_buffer: %d\n", buffer)
	}
	s, err := scenarios.Parse("flood.yaml", []byte(fmt.Sprintf(`name: flood
network:
  hosts:
    - name: victim
      open: [22, 80]
%sscan:
  - nmap: -sS -P0 -p1-100 victim
traffic:
  - flood: victim:80
    count: %d
    rate: %d
    sources: 40
expect:
  reference:
    present: [{label: scan.tcp-syn, open: 2}]
`, sensor, count, rate)))
	Expect(err).NotTo(HaveOccurred())
	return s
}

var _ = Describe("a spoofed-source flood beside a scan", func() {
	It("sends from scanner-side lab addresses only, each packet labelled, and passes offline where nothing drops", func() {
		res, err := verifier.Run(context.Background(), floodScenario(3000, 30000, 0), true)
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Verdict.Status()).To(Equal(verifier.StatusPass), "%+v", res.Verdict.Checks)
		spoofed := map[netip.Addr]bool{}
		flood := 0
		for _, p := range res.Capture.Packets {
			ip, err := capture.IPv4(res.Capture.LinkType, p.Data)
			Expect(err).NotTo(HaveOccurred())
			src, dst := netip.AddrFrom4([4]byte(ip[12:16])), netip.AddrFrom4([4]byte(ip[16:20]))
			Expect(labnet.Contains(src) && labnet.Contains(dst)).To(BeTrue(), "%s -> %s", src, dst)
			if p.Comment == "spoofed SYN flood" {
				flood++
				Expect(labnet.ScannerSide.Contains(src)).To(BeTrue(), "spoofed source %s", src)
				Expect(src).NotTo(BeElementOf(labnet.DefaultScanner, labnet.ScannerGateway))
				spoofed[src] = true
			}
		}
		Expect(flood).To(Equal(3000))
		Expect(spoofed).To(HaveLen(40))
	})

	It("makes the verdict inconclusive, with the drops reported, when the sensor's buffer overflows", Label("root"), func() {
		netnstest.RequireRoot()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		start := time.Now()
		// 20,000 SYNs in half a second into a 4 KiB socket buffer: the
		// reader cannot keep up with the SYNs and their answers.
		res, err := verifier.Run(ctx, floodScenario(20000, 40000, 4096), false)
		took := time.Since(start)
		Expect(err).NotTo(HaveOccurred())
		GinkgoWriter.Printf("%d packets captured, %d dropped, %v\n", res.Verdict.Packets, res.Verdict.Dropped, took)
		Expect(res.Verdict.Mode).To(Equal(verifier.ModeLive))
		Expect(res.Verdict.Dropped).To(BeNumerically(">", 0))
		Expect(res.Verdict.Status()).To(Equal(verifier.StatusInconclusive))
		Expect(verifier.ExitCode([]verifier.Verdict{res.Verdict})).To(Equal(verifier.ExitInconclusive))
		Expect(took).To(BeNumerically("<", 10*time.Second), "bounded: the flood's half second, the scan and the lab")
	})
})
