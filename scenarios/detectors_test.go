package scenarios_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/scenarios"
)

// withSection is minimal with one more detector section appended under
// expect: (its first line is line 11).
func withSection(section string) string { return minimal + section }

var _ = Describe("detector sections", func() {
	It("knows reference and p0f, each with its own vocabulary, and scanlogd, psad and rules", func() {
		Expect(scenarios.Detectors()).To(Equal([]string{"p0f", "psad", "reference", "rules", "scanlogd"}))
		Expect(scenarios.DetectorLabels("p0f")).To(ContainElements("syn", "syn+ack", "mtu", "uptime",
			"host change", "ip sharing", "http request", "http response"))
		Expect(scenarios.DetectorLabels("reference")).To(Equal(scenarios.Labels()))
		Expect(scenarios.DetectorLabels("snort")).To(BeNil())
		Expect(scenarios.KnownDetectorLabel("p0f", "scan.tcp-syn")).To(BeFalse())
		Expect(scenarios.KnownDetectorLabel("reference", "syn")).To(BeFalse())
	})

	DescribeTable("refuses what no detector knows, with file:line",
		expectRefused,
		Entry("unknown detector", withSection("  snort:\n    present: [scan]\n"), "bad.yaml:11: ",
			`expect: "snort" is neither nmap_output nor a known detector (known: p0f, psad, reference, rules, scanlogd; declare others in a detectors.yaml next to the scenarios, or with --detectors FILE)`),
		Entry("detector name with capitals", withSection("  P0f:\n    present: [syn]\n"), "bad.yaml:11: ", `"P0f" is neither`),
		Entry("p0f label near a known one", withSection("  p0f:\n    present: [syn-ack]\n"), "bad.yaml:12: ",
			`unknown p0f label "syn-ack" (did you mean syn+ack?)`),
		Entry("p0f label far from any", withSection("  p0f:\n    absent: [osdetect]\n"), "bad.yaml:12: ",
			`unknown p0f label "osdetect" (known: syn, syn+ack, `),
		Entry("p0f label in a map", withSection("  p0f:\n    present:\n      - {label: http-request, app: curl}\n"), "bad.yaml:13: ",
			`unknown p0f label "http-request" (did you mean http request?)`),
		Entry("reference label under p0f", withSection("  p0f:\n    absent: [scan.tcp-syn]\n"), "bad.yaml:12: ",
			`unknown p0f label "scan.tcp-syn"`),
		Entry("misspelt detector", withSection("  reference2: {}\n"), "bad.yaml:11: ", `"reference2" is neither`),
		Entry("p0f entry both present and absent", withSection("  p0f:\n    present: [mtu]\n    absent: [mtu]\n"), "bad.yaml:13: ",
			"both present (line 12) and absent"),
	)

	DescribeTable("accepts p0f's mod values, spaces and all",
		func(section string, want scenarios.Expectation) {
			s, err := scenarios.Parse("ok.yaml", []byte(withSection(section)))
			Expect(err).NotTo(HaveOccurred())
			Expect(s.Expect.DetectorOrder).To(Equal([]string{"reference", "p0f"}))
			de := s.Expect.Detectors["p0f"]
			Expect(append(de.Present, de.Absent...)).To(Equal([]scenarios.Expectation{want}))
		},
		Entry("bare label with a space", "  p0f:\n    absent: [host change]\n", scenarios.Expectation{Label: "host change", Line: 12}),
		Entry("plus sign", "  p0f:\n    present:\n      - syn+ack\n", scenarios.Expectation{Label: "syn+ack", Line: 13}),
		Entry("map with p0f fields", "  p0f:\n    present:\n      - {label: syn, subj: cli, os: \"???\", client: 198.18.0.2}\n",
			scenarios.Expectation{Label: "syn", Attrs: map[string]string{"subj": "cli", "os": "???", "client": "198.18.0.2"}, Line: 13}),
	)
})

var _ = Describe("sections of detectors whose expectations name fields", func() {
	DescribeTable("read a bare value as the key field, maps as fields, count as a number of records",
		func(section string, want scenarios.Expectation) {
			s, err := scenarios.Parse("ok.yaml", []byte(withSection(section)))
			Expect(err).NotTo(HaveOccurred())
			de := s.Expect.Detectors["psad"]
			Expect(append(de.Present, de.Absent...)).To(Equal([]scenarios.Expectation{want}))
		},
		Entry("bare sid", "  psad:\n    present: [1228]\n", scenarios.Expectation{Label: "1228", Key: "sid", Line: 12}),
		Entry("fields without the key", "  psad:\n    present:\n      - {danger_level: 2, flags: URG PSH FIN}\n",
			scenarios.Expectation{Key: "sid", Attrs: map[string]string{"danger_level": "2", "flags": "URG PSH FIN"}, Line: 13}),
		Entry("the key by its name, and a count", "  psad:\n    present:\n      - {sid: 621, count: 1}\n",
			scenarios.Expectation{Label: "621", Key: "sid", Attrs: map[string]string{"count": "1"}, Line: 13}),
		Entry("label: as the key's other name", "  psad:\n    absent:\n      - {label: 623, src: 198.18.0.2}\n",
			scenarios.Expectation{Label: "623", Key: "sid", Attrs: map[string]string{"src": "198.18.0.2"}, Line: 13}),
	)

	It("write an expectation back as the file does", func() {
		e := scenarios.Expectation{Label: "1228", Key: "sid", Attrs: map[string]string{"count": "1"}}
		Expect(e.String()).To(Equal("{sid: 1228, count: 1}"))
		Expect(scenarios.Expectation{Key: "sid", Attrs: map[string]string{"flags": "URG PSH FIN"}}.String()).To(Equal("{flags: URG PSH FIN}"))
	})

	DescribeTable("refuse fields the format does not have, with file:line",
		expectRefused,
		Entry("near a known field", withSection("  psad:\n    present:\n      - {danger_levle: 2}\n"), "bad.yaml:13: ",
			`unknown psad field "danger_levle" (did you mean danger_level?)`),
		Entry("far from any", withSection("  psad:\n    present:\n      - {signature_id: 2}\n"), "bad.yaml:13: ",
			`unknown psad field "signature_id" (format psad has: src, dst,`),
		Entry("count under absent", withSection("  psad:\n    absent:\n      - {sid: 621, count: 2}\n"), "bad.yaml:13: ", "count in an absent entry"),
		Entry("count not a number", withSection("  psad:\n    present:\n      - {sid: 621, count: many}\n"), "bad.yaml:13: ", `count must be a whole number of records, not "many"`),
		Entry("an entry naming nothing", withSection("  psad:\n    present:\n      - {}\n"), "bad.yaml:13: ", "psad entry names no field"),
		Entry("an empty key value", withSection("  psad:\n    present: [\"\"]\n"), "bad.yaml:12: ", "an empty sid matches nothing"),
	)
})
