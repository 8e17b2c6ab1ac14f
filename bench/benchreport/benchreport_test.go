package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/capture"
)

// ipTCP is a 40-byte IPv4+TCP packet dst:dport with the given TCP flags.
func ipTCP(dst [4]byte, flags byte, frag uint16) []byte {
	p := make([]byte, 40)
	p[0], p[9] = 0x45, 6
	p[6], p[7] = byte(frag>>8), byte(frag)
	copy(p[12:], []byte{198, 18, 0, 2})
	copy(p[16:], dst[:])
	p[20+12], p[20+13] = 0x50, flags
	return p
}

var _ = Describe("median", func() {
	DescribeTable("is the middle of the runs",
		func(vs []float64, want float64, ok bool) {
			m, got := median(vs)
			Expect(got).To(Equal(ok))
			Expect(m).To(Equal(want))
		},
		Entry("none", nil, 0.0, false),
		Entry("odd count, unsorted", []float64{9, 1, 5}, 5.0, true),
		Entry("even count: mean of the middle two", []float64{4, 1, 3, 2}, 2.5, true),
	)
})

var _ = Describe("pcapstat", func() {
	It("counts SYNs without ACK to the target and the time from the first to the last", func() {
		victim := [4]byte{198, 18, 1, 2}
		t0 := time.Unix(1000, 0)
		c := &capture.Capture{LinkType: capture.LinkTypeRaw}
		c.Add(t0, ipTCP(victim, 0x02, 0), "")                                    // probe
		c.Add(t0.Add(1*time.Second), ipTCP(victim, 0x12, 0), "")                 // SYN/ACK: no
		c.Add(t0.Add(2*time.Second), ipTCP([4]byte{198, 18, 1, 3}, 0x02, 0), "") // other host
		c.Add(t0.Add(3*time.Second), ipTCP(victim, 0x02, 5), "")                 // later fragment
		c.Add(t0.Add(4*time.Second), ipTCP(victim, 0x02, 0), "")                 // probe
		c.Add(t0.Add(5*time.Second), ipTCP(victim, 0x04, 0), "")                 // RST
		other := ipTCP(victim, 0x10, 0)                                          // an ACK from a second source
		other[15] = 3
		c.Add(t0.Add(6*time.Second), other, "")
		path := filepath.Join(GinkgoT().TempDir(), "c.pcap")
		Expect(capture.WriteFileAtomic(path, c.WritePcap)).To(Succeed())

		var out bytes.Buffer
		Expect(run([]string{"pcapstat", path, "198.18.1.2"}, &out)).To(Succeed())
		Expect(out.String()).To(Equal("packets=7 probes=2 span_s=4.000000 sources=2\n"))
	})

	It("refuses a target that is not an IPv4 address", func() {
		Expect(run([]string{"pcapstat", "x.pcap", "victim"}, &bytes.Buffer{})).To(MatchError(errUsage))
	})
})

var _ = Describe("report", func() {
	var dir string
	BeforeEach(func() { dir = GinkgoT().TempDir() })

	write := func(lines ...string) (results, string) {
		rawPath := filepath.Join(dir, "raw.tsv")
		Expect(os.WriteFile(rawPath, []byte(strings.Join(lines, "\n")+"\n"), 0o644)).To(Succeed())
		js, md := filepath.Join(dir, "r.json"), filepath.Join(dir, "r.md")
		Expect(run([]string{"report", rawPath, js, md}, &bytes.Buffer{})).To(Succeed())
		var res results
		b, err := os.ReadFile(js)
		Expect(err).NotTo(HaveOccurred())
		Expect(json.Unmarshal(b, &res)).To(Succeed())
		m, err := os.ReadFile(md)
		Expect(err).NotTo(HaveOccurred())
		return res, string(m)
	}
	verdicts := func(res results) map[string]string {
		v := map[string]string{}
		for _, t := range res.Targets {
			v[t.Name] = t.Verdict
		}
		return v
	}

	It("takes medians, ratios per pair, and judges each target", func() {
		res, md := write(
			"live\tfullrange\tsiglab\t1\tpps\t100", "live\tfullrange\tsiglab\t2\tpps\t300", "live\tfullrange\tsiglab\t3\tpps\t200",
			"live\tfullrange\tsiglab\t1\texact\t1", "live\tfullrange\tsiglab\t2\texact\t1",
			"live\tfullrange\tmasscan\t1\tpps\t400",
			"generate\tfullrange\tsiglab\t1\tpps\t2500000",
			"detect\t10m\tsiglab\t1\tpps\t900", "detect\t10m\tp0f\t1\tpps\t300",
			"detect\t10m\tsiglab\t1\trss_kb\t20480",
			"detect\tspoofed1m\tsiglab\t1\trss_kb\t204800", "detect\tspoofed1m\tsiglab\t1\tsources\t1048576",
			"detect\tspoofed1m\tsiglab\t1\tpackets\t10000000",
			"detect\tspoofed1m\tp0f\t1\trss_kb\t4096",
			"lab\t3hosts\tsiglab\t1\tmedian_ms\t39.4",
			"note\t-\t-\t-\t-\tmasscan 1.3.2",
		)
		Expect(verdicts(res)).To(Equal(map[string]string{
			"live SYN scan":                  "MISS", // 200 < 400 packets/s
			"offline generation":             "PASS",
			"detection speed":                "PASS", // exactly 3x
			"detection throughput, one core": "MISS", // 900 packets/s
			"detection memory":               "MISS", // 200 MB on the spoofed sources; 20 MB on 10m does not count
			"lab up plus down, 3 hosts":      "PASS",
		}))
		Expect(md).To(ContainSubstring("| siglab scan (nmap 2.02 -sS -P0) | 200 |"))
		Expect(md).To(ContainSubstring("| masscan --rate 10000000 | 400 | n/a | n/a | n/a | 0.50 |"))
		Expect(md).To(ContainSubstring("2/2 runs"))
		Expect(md).To(ContainSubstring("| siglab detect | 900 | n/a | 21.0 |")) // 20480 KiB shown in decimal MB
		Expect(md).To(ContainSubstring("**Detection, 10 million packets from 1 million sources"))
		Expect(md).To(ContainSubstring("| siglab detect | n/a | n/a | 210 | 10,000,000 | 1,048,576 | — |"))
		Expect(md).To(ContainSubstring("| p0f -r | n/a | n/a | 4.2 | n/a | n/a | n/a |"))
		Expect(md).To(ContainSubstring("| detection memory | siglab detect <= 100 MB peak RSS on 10M packets from 1M sources | 209.7 MB peak RSS on 10,000,000 packets from 1,048,576 sources | **MISS** |"))
		Expect(md).To(ContainSubstring("| lab up plus down, 3 hosts | median <= 60 ms | 39.4 ms | **PASS** |"))
		Expect(md).To(ContainSubstring("- masscan 1.3.2"))
		Expect(res.Notes).To(Equal([]string{"masscan 1.3.2"}))
	})

	DescribeTable("judges detection memory on the spoofed-sources capture alone",
		func(want string, lines ...string) {
			res, _ := write(lines...)
			Expect(verdicts(res)).To(HaveKeyWithValue("detection memory", want))
		},
		Entry("just under 100 MB (97,656 KiB) passes", "PASS", "detect\tspoofed1m\tsiglab\t1\trss_kb\t97656"),
		Entry("1 KiB more misses", "MISS", "detect\tspoofed1m\tsiglab\t1\trss_kb\t97657"),
		Entry("the median of the runs is judged", "PASS", "detect\tspoofed1m\tsiglab\t1\trss_kb\t900000",
			"detect\tspoofed1m\tsiglab\t2\trss_kb\t50000", "detect\tspoofed1m\tsiglab\t3\trss_kb\t60000"),
		Entry("the one-source 10m capture alone is not run", "NOT RUN", "detect\t10m\tsiglab\t1\trss_kb\t20480"),
		Entry("another tool's RSS is not siglab's", "NOT RUN", "detect\tspoofed1m\tp0f\t1\trss_kb\t2048"),
	)

	DescribeTable("judges one core's detection throughput on the big capture of full-range scans",
		func(want string, lines ...string) {
			res, _ := write(lines...)
			Expect(verdicts(res)).To(HaveKeyWithValue("detection throughput, one core", want))
		},
		Entry("3 M packets/s passes", "PASS", "detect\t10m\tsiglab\t1\tpps\t3000000"),
		Entry("just under misses", "MISS", "detect\t10m\tsiglab\t1\tpps\t2999999"),
		Entry("the small capture alone is not the target", "NOT RUN", "detect\tfullrange\tsiglab\t1\tpps\t9000000"),
	)

	It("misses the live target when siglab missed a port in any run, however fast", func() {
		res, _ := write("live\tfullrange\tsiglab\t1\tpps\t900", "live\tfullrange\tsiglab\t1\texact\t1",
			"live\tfullrange\tsiglab\t2\texact\t0", "live\tfullrange\tmasscan\t1\tpps\t100")
		Expect(verdicts(res)["live SYN scan"]).To(Equal("MISS"))
	})

	It("says NOT RUN where a measurement is absent, never PASS", func() {
		res, md := write("lab\t3hosts\tsiglab\t1\tmedian_ms\t70")
		Expect(verdicts(res)).To(HaveKeyWithValue("lab up plus down, 3 hosts", "MISS"))
		Expect(verdicts(res)).To(HaveKeyWithValue("live SYN scan", "NOT RUN"))
		Expect(md).To(ContainSubstring("**NOT RUN**"))
	})

	It("names the line of a malformed measurement", func() {
		rawPath := filepath.Join(dir, "raw.tsv")
		Expect(os.WriteFile(rawPath, []byte("live\tfullrange\tsiglab\t1\tpps\t100\nlive\tx\n"), 0o644)).To(Succeed())
		err := run([]string{"report", rawPath, filepath.Join(dir, "j"), filepath.Join(dir, "m")}, &bytes.Buffer{})
		Expect(err).To(MatchError(ErrRaw))
		Expect(err.Error()).To(ContainSubstring("raw.tsv:2:"))
	})
})
