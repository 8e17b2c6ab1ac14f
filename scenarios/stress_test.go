package scenarios_test

import (
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/scenarios"
)

// flooded is a valid stress scenario the cases below start from; its
// line numbers matter to them.
const flooded = `name: f
network:
  hosts:
    - name: victim
      open: [80]
sensor:
  receive_buffer: 65536
scan:
  - nmap: -sS -P0 -p1-100 victim
traffic:
  - flood: victim:80
    count: 20000
    rate: 40000
    sources: 200
    at: 10ms
expect:
  reference:
    present: [scan.tcp-syn]
`

// edit replaces old by new in flooded, once.
func edit(old, new string) string {
	Expect(flooded).To(ContainSubstring(old))
	return strings.Replace(flooded, old, new, 1)
}

var _ = Describe("stress keys", func() {
	It("read a flood entry and the sensor section", func() {
		s, err := scenarios.Parse("ok.yaml", []byte(flooded))
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Sensor).To(Equal(scenarios.Sensor{ReceiveBuffer: 65536, Line: 7}))
		Expect(s.Traffic).To(Equal([]scenarios.Traffic{
			{At: 10 * time.Millisecond, Host: "victim", Port: 80, Flood: true, Count: 20000, Rate: 40000, Sources: 200, Line: 11},
		}))
	})

	It("default a flood's sources to every spare scanner-side address, and the sensor to its own default", func() {
		s, err := scenarios.Parse("ok.yaml", []byte(edit("    sources: 200\n", "")))
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Traffic[0].Sources).To(Equal(252))
		s, err = scenarios.Parse("ok.yaml", []byte(edit("sensor:\n  receive_buffer: 65536\n", "")))
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Sensor).To(Equal(scenarios.Sensor{}))
	})

	It("accept a flood of a closed port (it draws RSTs)", func() {
		s, err := scenarios.Parse("ok.yaml", []byte(edit("flood: victim:80", "flood: victim:81")))
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Traffic[0].Port).To(BeEquivalentTo(81))
	})

	DescribeTable("refuse bad values with file:line",
		expectRefused,
		Entry("unknown sensor key", edit("receive_buffer:", "rcvbuf:"), "bad.yaml:7: ", `unknown key "rcvbuf" in sensor (known: receive_buffer)`),
		Entry("sensor as a list", edit("sensor:\n  receive_buffer: 65536\n", "sensor: [65536]\n"), "bad.yaml:6: ", "sensor must be a mapping"),
		Entry("receive buffer as words", edit("65536", "64k"), "bad.yaml:7: ", `receive_buffer must be a whole number, not "64k"`),
		Entry("receive buffer too small", edit("65536", "1000"), "bad.yaml:7: ", "receive_buffer 1000 is out of range 2048-1073741824 bytes"),
		Entry("receive buffer too large", edit("65536", "2147483648"), "bad.yaml:7: ", "receive_buffer 2147483648 is out of range"),
		Entry("flood without a port", edit("flood: victim:80", "flood: victim"), "bad.yaml:11: ", `flood "victim": want host:port`),
		Entry("flood of port 0", edit("flood: victim:80", "flood: victim:0"), "bad.yaml:11: ", "want host:port with a port from 1 to 65535"),
		Entry("flood of an unknown host", edit("flood: victim:80", "flood: web:80"), "bad.yaml:11: ", `no host "web"`),
		Entry("flood beside a session", edit("  - flood: victim:80\n", "  - flood: victim:80\n    session: victim:80\n"), "bad.yaml:11: ", "one kind per entry"),
		Entry("flood without count", edit("    count: 20000\n", ""), "bad.yaml:11: ", "flood entry without count"),
		Entry("flood count 0", edit("count: 20000", "count: 0"), "bad.yaml:12: ", "count 0 is out of range 1-1000000"),
		Entry("flood count too large", edit("count: 20000", "count: 1000001"), "bad.yaml:12: ", "count 1000001 is out of range"),
		Entry("flood without rate", edit("    rate: 40000\n", ""), "bad.yaml:11: ", "flood entry without rate: give SYNs a second"),
		Entry("flood rate 0", edit("rate: 40000", "rate: 0"), "bad.yaml:13: ", "rate 0 is out of range 1-10000000"),
		Entry("flood rate as a duration", edit("rate: 40000", "rate: 1ms"), "bad.yaml:13: ", `rate must be a whole number, not "1ms"`),
		Entry("flood sources 0", edit("sources: 200", "sources: 0"), "bad.yaml:14: ", "sources 0 is out of range 1-252"),
		Entry("more sources than the scanner side spares", edit("sources: 200", "sources: 253"), "bad.yaml:14: ", "sources 253 is out of range 1-252 (the addresses 198.18.0.0/24 has to spare)"),
		Entry("flood with every", edit("    at: 10ms\n", "    every: 1s\n"), "bad.yaml:15: ", "every does not apply to a flood"),
		Entry("flood starting before the scenario", edit("at: 10ms", "at: -1s"), "bad.yaml:15: ", "before the scenario's start"),
		Entry("rate on a session", strings.Replace(minimal, "scan:\n  - nmap: -sS victim\n", "traffic:\n  - session: victim:22\n    rate: 5\n", 1), "bad.yaml:8: ", "rate applies to flood entries only"),
		Entry("sources on a lookup", strings.Replace(minimal, "scan:\n  - nmap: -sS victim\n", "traffic:\n  - session: victim:22\n    sources: 5\n", 1), "bad.yaml:8: ", "sources applies to flood entries only"),
	)
})

var _ = Describe("the stress scenarios", func() {
	It("live in scenarios/stress, outside the catalogue, and parse", func() {
		ss, err := scenarios.Load("stress")
		Expect(err).NotTo(HaveOccurred())
		var names []string
		for _, s := range ss {
			names = append(names, s.Name)
			Expect(s.Sensor.ReceiveBuffer).NotTo(BeZero(), "%s: a stress scenario sets its sensor's buffer", s.Name)
		}
		Expect(names).To(Equal([]string{"stress-fullrange-syn", "stress-spoofed-flood"}))
		cat, err := scenarios.Catalogue()
		Expect(err).NotTo(HaveOccurred())
		for _, s := range cat {
			Expect(s.Name).NotTo(HavePrefix("stress-"), "inconclusive by design: not for make demo")
		}
	})
})
