package detector_test

import (
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/detector"
)

// scattered is 40 ports spread over 1..7000 in no sorted order, as
// nmap 2.02's shuffled default list looks.
func scattered() []uint16 {
	ps := make([]uint16, 40)
	for i := range ps {
		ps[i] = uint16(1 + (i*4111)%7000)
	}
	return ps
}

// randomScan is figure 1: one process, one sport and ISN, scattered
// shuffled ports, then (with os) one OS-detection attempt against the
// open port 1.
func randomScan(ports []uint16, os bool) []pkt {
	s := nmap202Scan()
	s.ports, s.open, s.sport, s.seq, s.window, s.ttl = ports, []uint16{1}, 42558, 3596953827, 3072, 62
	ps := s.packets()
	if os {
		ps = append(ps, osAttempt1(t0.Add(time.Second), 42559, 1426630341, 1, 42431)...)
	}
	return ps
}

// exploitsPlus is figures 4 and 5: one process per port of ports, each
// from its own source port with its own ISN, 10 ms apart, then (with
// os) three no-open-port OS attempts. Ports in silent go unanswered, so
// their process retransmits from M+1 and M+2 with new ISNs.
func exploitsPlus(ports []uint16, os bool, silent ...uint16) []pkt {
	var parts [][]pkt
	for i, port := range ports {
		s := nmap202Scan()
		s.start = t0.Add(time.Duration(i) * 10 * time.Millisecond)
		s.ports, s.open, s.silent = []uint16{port}, nil, silent
		s.sport, s.seq = uint16(33000+(i*7919)%31000), uint32(0x10000000+i*0x0badcafe)
		s.window, s.ttl = 3072, 62
		parts = append(parts, s.packets())
	}
	if os {
		for try := range 3 {
			at := t0.Add(time.Second + time.Duration(try)*2200*time.Millisecond)
			parts = append(parts, osAttempt1(at, 33665, uint32(416257353+try*1000000), 0, uint16(40000-try)))
		}
	}
	return byTime(parts...)
}

// fsExploits are the FAQ script's 17 ports.
var fsExploits = []uint16{12345, 143, 635, 53, 31337, 143, 635, 53, 143, 635, 53, 53, 635, 143, 53, 635, 143}

// sweepThenScan is the mapping campaign: nmap202Sweep of .1-.15 (hosts
// 3 and 7 up) while a SYN scan of scanned starts scanAt after t0.
func sweepThenScan(scanAt time.Duration, scanned int) []pkt {
	s := nmap202Scan()
	s.dst, s.start, s.ports = sweepHost(scanned), t0.Add(scanAt), shuffled25[:10]
	s.sport, s.seq, s.window = 40000, 123456789, 3072
	return byTime(nmap202Sweep(3, 7), s.packets())
}

func campaigns(fs []detector.Finding) []string {
	var out []string
	for _, l := range labels(fs) {
		if len(l) > 9 && l[:9] == "campaign." {
			out = append(out, l)
		}
	}
	return out
}

var _ = Describe("campaigns", func() {
	DescribeTable("are told only when the whole shape is there",
		func(ps []pkt, want ...string) {
			fs, _ := detect(detector.Config{}, ps)
			if len(want) == 0 {
				Expect(campaigns(fs)).To(BeEmpty())
			} else {
				Expect(campaigns(fs)).To(Equal(want))
			}
			for _, f := range fs {
				Expect(f.Evidence).NotTo(BeEmpty(), f.Label)
			}
		},
		Entry("figure 1: scattered shuffled ports from one process, then -O", randomScan(scattered(), true), "campaign.random-scan"),
		Entry("the same without OS detection", randomScan(scattered(), false)),
		Entry("a range scan (-p1-25, shuffled) with -O, as figure 2", randomScan(shuffled25, true)),
		Entry("scattered ports sent in order (-r)", randomScan(sorted(scattered()), true)),
		Entry("figures 4 and 5: 17 processes at exploited ports, the last with -O", exploitsPlus(fsExploits, true), "campaign.exploits-plus"),
		Entry("the same processes without OS detection", exploitsPlus(fsExploits, false)),
		Entry("17 processes at ports nobody exploits", exploitsPlus([]uint16{40001, 40002, 40003, 40004, 40005, 40001, 40002, 40003, 40004, 40005, 40001, 40002, 40003, 40004, 40005, 40001, 40002}, true)),
		Entry("the mapping campaign: the scan of a responder starts during the sweep", sweepThenScan(time.Millisecond, 3), "campaign.sweep-then-scan"),
		Entry("a scan that starts after the sweep ended", sweepThenScan(10*time.Millisecond, 3)),
		Entry("a scan of a host that never answered the sweep", sweepThenScan(time.Millisecond, 4)),
	)

	It("describes figure 1's process: its source port and ISN", func() {
		fs, _ := detect(detector.Config{}, randomScan(scattered(), true))
		f := finding(fs, "campaign.random-scan")
		Expect(f.Attrs).To(Equal(map[string]string{"processes": "1", "sport": "42558", "isn": "3596953827"}))
		Expect(f.Ports).To(Equal(40))
		Expect(f.Targets).To(ConsistOf(targetAddr))
	})

	It("counts exploits-plus processes, not their retransmissions", func() {
		fs, _ := detect(detector.Config{}, exploitsPlus(fsExploits, true, 53))
		f := finding(fs, "campaign.exploits-plus")
		Expect(f.Attr("processes")).To(Equal("17"))
		Expect(f.Ports).To(Equal(5))
		Expect(f.Evidence).To(ContainElement(ContainSubstring("31337 (back-orifice)")))
		Expect(f.Last).To(BeTemporally(">", t0.Add(5*time.Second)), "the finding runs to the last OS attempt")
	})

	// A live run of scenarios/exploits-plus-linux.yaml in which one of the
	// 17 processes drew another TTL, so its SYN carries window 4096 where
	// the others carry 1024: each nmap 2.0x process has its own window.
	It("tells exploits plus when the processes' windows differ (testdata/live)", func() {
		c, err := capture.ReadFile(filepath.Join("testdata", "live", "exploits-plus-mixed-windows.pcap"))
		Expect(err).NotTo(HaveOccurred())
		fs := detector.DetectCapture(c)
		Expect(finding(fs, "campaign.exploits-plus").Attr("processes")).To(Equal("17"))
		Expect(finding(fs, "tool.nmap-2.0x").Evidence).To(ContainElement(ContainSubstring("window 1024 or 4096")))
	})

	It("says how many addresses the mapping swept, found up and scanned", func() {
		fs, _ := detect(detector.Config{}, sweepThenScan(time.Millisecond, 7))
		f := finding(fs, "campaign.sweep-then-scan")
		Expect(f.Attrs).To(Equal(map[string]string{"swept": "15", "up": "2", "scanned": "1"}))
		Expect(f.Targets).To(ConsistOf(sweepHost(7)))
	})
})

func sorted(ps []uint16) []uint16 {
	out := append([]uint16(nil), ps...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}
