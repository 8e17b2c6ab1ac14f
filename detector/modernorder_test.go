package detector_test

import (
	"math/rand/v2"
	"slices"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/detector"
)

// nmapPopular is nmap.cc's pop_ports, in its order.
var nmapPopular = []uint16{80, 23, 443, 21, 22, 25, 3389, 110, 445, 139, 143, 53, 135, 3306, 8080, 1723, 111, 995, 993, 5900, 1025, 587, 8888, 199, 1720, 113, 554, 256}

// shuffledPorts is lo..hi in a fixed shuffled order.
func shuffledPorts(lo, hi uint16) []uint16 {
	var ps []uint16
	for p := lo; p <= hi; p++ {
		ps = append(ps, p)
	}
	r := rand.New(rand.NewPCG(7, 11))
	r.Shuffle(len(ps), func(i, j int) { ps[i], ps[j] = ps[j], ps[i] })
	return ps
}

// portCheat is nmap's random_port_cheat: the popular ports among ps
// swapped to the front, in the order they are met.
func portCheat(ps []uint16) []uint16 {
	ps = slices.Clone(ps)
	early := 0
	for i, p := range ps {
		if slices.Contains(nmapPopular, p) {
			ps[i], ps[early] = ps[early], p
			early++
		}
	}
	return ps
}

func ascending(lo, hi uint16) []uint16 {
	var ps []uint16
	for p := lo; p <= hi; p++ {
		ps = append(ps, p)
	}
	return ps
}

var _ = Describe("tool.nmap-modern from the port order", func() {
	DescribeTable("a connect() scan is today's nmap only when the popular ports come first and the rest shuffled",
		func(ports []uint16, modern bool) {
			fs, _ := detect(detector.Config{}, connectScanOf(ports))
			Expect(labels(fs)).To(ContainElement("scan.tcp-connect"))
			if !modern {
				Expect(labels(fs)).NotTo(ContainElement("tool.nmap-modern"))
				return
			}
			Expect(labels(fs)).To(ContainElement("tool.nmap-modern"))
			Expect(finding(fs, "tool.nmap-modern").Evidence).To(ContainElement(MatchRegexp(
				`^the first 6 of 100 ports probed on 198\.18\.\d+\.\d+ \((\d+, ){5}\d+\) are exactly the scanned ports on nmap's popular-port list, the other 94 follow in shuffled order: today's nmap's random_port_cheat$`)))
		},
		Entry("nmap 7 -sT -p1-100: shuffled, popular ports first", portCheat(shuffledPorts(1, 100)), true),
		Entry("shuffled without the cheat", shuffledPorts(1, 100), false),
		Entry("ascending 1-100", ascending(1, 100), false),
		Entry("popular first but the rest ascending", append(portCheat([]uint16{21, 22, 23, 25, 53, 80}), ascending(1000, 1093)...), false),
		Entry("two popular ports only (990-1010 holds 993 and 995)", portCheat(shuffledPorts(990, 1010)), false),
	)
})
