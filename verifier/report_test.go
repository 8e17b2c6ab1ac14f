package verifier_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/detector"
	"github.com/siglab/siglab/verifier"
)

var _ = Describe("WriteReport", func() {
	var (
		dir  string
		capt *capture.Capture
		t0   = time.Date(1999, 1, 7, 1, 41, 25, 180240000, time.UTC)
	)

	BeforeEach(func() {
		dir = filepath.Join(GinkgoT().TempDir(), "reports") // does not exist yet
		capt = &capture.Capture{LinkType: capture.LinkTypeRaw}
		capt.Add(t0, ipv4Frame(1), "syn 1")
		capt.Add(t0.Add(34*time.Microsecond), ipv4Frame(2), "syn 2")
	})

	It("writes the pcap, findings, output and verdict under dir/<scenario>", func() {
		fs := []detector.Finding{
			{Label: "scan.tcp-syn", Scanner: netip.MustParseAddr("198.18.0.2"), Packets: 25, Evidence: []string{"fixed source port 42558"}},
			{Label: "osdetect", Scanner: netip.MustParseAddr("198.18.0.2"), Attrs: map[string]string{"outcome": "retried"}},
		}
		v := verifier.Verdict{Scenario: "fig2-syn", File: "scenarios/fig2-syn.yaml", Mode: "offline",
			Checks: []verifier.Check{okCheck, failCheck}, Packets: 2, Elapsed: 1500 * time.Millisecond}
		Expect(verifier.WriteReport(dir, v, capt, fs, "Starting nmap V. 2.02\n")).To(Succeed())
		sub := filepath.Join(dir, "fig2-syn")

		back, err := capture.ReadFile(filepath.Join(sub, verifier.ReportPcap))
		Expect(err).NotTo(HaveOccurred())
		Expect(back.LinkType).To(Equal(capture.LinkTypeRaw))
		Expect(back.Packets).To(HaveLen(2))
		Expect(back.Packets[1].Data).To(Equal(capt.Packets[1].Data))
		Expect(back.Packets[1].Time.Equal(capt.Packets[1].Time)).To(BeTrue())

		Expect(readLines(filepath.Join(sub, verifier.ReportFindings))).To(HaveLen(2))
		var got []detector.Finding
		for _, l := range readLines(filepath.Join(sub, verifier.ReportFindings)) {
			var f detector.Finding
			Expect(json.Unmarshal([]byte(l), &f)).To(Succeed())
			got = append(got, f)
		}
		Expect(got[0].Label).To(Equal("scan.tcp-syn"))
		Expect(got[0].Scanner).To(Equal(fs[0].Scanner))
		Expect(got[1].Attrs).To(Equal(map[string]string{"outcome": "retried"}))

		Expect(os.ReadFile(filepath.Join(sub, verifier.ReportOutput))).To(Equal([]byte("Starting nmap V. 2.02\n")))

		var vj map[string]any
		data, err := os.ReadFile(filepath.Join(sub, verifier.ReportVerdict))
		Expect(err).NotTo(HaveOccurred())
		Expect(json.Unmarshal(data, &vj)).To(Succeed())
		Expect(vj).To(HaveKeyWithValue("scenario", "fig2-syn"))
		Expect(vj).To(HaveKeyWithValue("mode", "offline"))
		Expect(vj).To(HaveKeyWithValue("status", "fail"))
		Expect(vj).To(HaveKeyWithValue("elapsed_seconds", 1.5))
		Expect(vj).NotTo(HaveKey("error"))
		Expect(vj["checks"]).To(HaveLen(2))
		Expect(vj["checks"].([]any)[1]).To(HaveKeyWithValue("detail", failCheck.Detail))
		Expect(vj["checks"].([]any)[1]).To(HaveKeyWithValue("ok", false))

		Expect(filepath.Glob(filepath.Join(sub, ".*"))).To(BeEmpty(), "no temporary files left")
	})

	It("writes an empty findings file, no pcap without a capture, and the error", func() {
		v := verifier.Verdict{Scenario: "broken", Mode: "live", Err: errors.New("setup: namespace exists")}
		Expect(verifier.WriteReport(dir, v, nil, nil, "")).To(Succeed())
		sub := filepath.Join(dir, "broken")
		Expect(filepath.Join(sub, verifier.ReportPcap)).NotTo(BeAnExistingFile())
		Expect(os.ReadFile(filepath.Join(sub, verifier.ReportFindings))).To(BeEmpty())
		data, err := os.ReadFile(filepath.Join(sub, verifier.ReportVerdict))
		Expect(err).NotTo(HaveOccurred())
		Expect(data).To(MatchJSON(`{"scenario": "broken", "mode": "live", "status": "error",
			"error": "setup: namespace exists", "packets": 0, "dropped": 0, "elapsed_seconds": 0, "checks": []}`))
	})

	It("replaces the files of an earlier run", func() {
		v := verifier.Verdict{Scenario: "again", Mode: "offline", Checks: []verifier.Check{okCheck}}
		Expect(verifier.WriteReport(dir, v, capt, nil, "first")).To(Succeed())
		Expect(verifier.WriteReport(dir, v, capt, nil, "second")).To(Succeed())
		Expect(os.ReadFile(filepath.Join(dir, "again", verifier.ReportOutput))).To(Equal([]byte("second")))
	})

	DescribeTable("refuses names that would leave dir",
		func(name string) {
			err := verifier.WriteReport(dir, verifier.Verdict{Scenario: name}, nil, nil, "")
			Expect(err).To(MatchError(verifier.ErrReportName))
			Expect(dir).NotTo(BeADirectory())
		},
		Entry("empty", ""), Entry("dot", "."), Entry("dot dot", ".."), Entry("a path", "../x"), Entry("absolute", "/tmp/x"),
	)

	It("reports a directory it cannot create", func() {
		file := filepath.Join(GinkgoT().TempDir(), "plain-file")
		Expect(os.WriteFile(file, nil, 0o644)).To(Succeed())
		err := verifier.WriteReport(file, verifier.Verdict{Scenario: "x"}, nil, nil, "")
		Expect(err).To(HaveOccurred())
	})
})

// ipv4Frame is a minimal IPv4 header from 198.18.0.2 to 198.18.1.2 with
// id n, enough for a raw-IP capture to carry.
func ipv4Frame(n byte) []byte {
	return []byte{0x45, 0, 0, 20, 0, n, 0, 0, 64, 6, 0, 0, 198, 18, 0, 2, 198, 18, 1, 2}
}

func readLines(path string) []string {
	f, err := os.Open(path)
	Expect(err).NotTo(HaveOccurred())
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	Expect(sc.Err()).NotTo(HaveOccurred())
	return out
}
