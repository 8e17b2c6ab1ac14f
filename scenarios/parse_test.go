package scenarios_test

import (
	"errors"
	"net/netip"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/scenarios"
)

// minimal is a valid scenario the malformed cases below start from; its
// line numbers matter to them.
const minimal = `name: t
network:
  hosts:
    - name: victim
      open: [22]
scan:
  - nmap: -sS victim
expect:
  reference:
    present: [scan.tcp-syn]
`

// expectRefused parses src as bad.yaml and expects a one-line ErrInvalid
// starting with prefix (file:line) and saying says.
func expectRefused(src, prefix, says string) {
	s, err := scenarios.Parse("bad.yaml", []byte(src))
	Expect(s).To(BeNil())
	Expect(err).To(MatchError(scenarios.ErrInvalid))
	Expect(err.Error()).To(HavePrefix(prefix))
	Expect(err.Error()).To(ContainSubstring(says))
	Expect(err.Error()).NotTo(ContainSubstring("\n"))
}

var _ = Describe("Parse", func() {
	DescribeTable("refuses malformed files with file:line and ErrInvalid",
		expectRefused,
		Entry("bad YAML syntax", "name: t\nscan:\n  - nmap: [unclosed\nexpect: {}\n", "bad.yaml:3: ", "bad YAML: did not find expected ',' or ']'"),
		Entry("bad YAML on the first line", "name: [t\n", "bad.yaml:1: ", "bad YAML"),
		Entry("bad YAML, block mapping", "name: t\nseed: 2\n- c\n", "bad.yaml:3: ", "bad YAML: did not find expected key"),
		Entry("bad YAML, scanner error", "name: t\nseed: 2\n  c: 3\n", "bad.yaml:3: ", "bad YAML: mapping values are not allowed"),
		Entry("unknown anchor", "name: t\n\nsummary: *nope\n", "bad.yaml:3: ", "unknown anchor"),
		Entry("control character", "name: t\nsummary: a\x01b\n", "bad.yaml:2: ", "control characters"),
		Entry("tab indentation", "name: t\n\tscan: x\n", "bad.yaml:2: ", "bad YAML"),
		Entry("empty file", "", "bad.yaml:1: ", "empty file"),
		Entry("two documents", minimal+"---\nname: u\n", "bad.yaml:11: ", "one scenario per file"),
		Entry("top level is a list", "- name: t\n", "bad.yaml:1: ", "mapping"),
		Entry("unknown top-level key", strings.Replace(minimal, "scan:", "scans:", 1), "bad.yaml:6: ", `unknown key "scans"`),
		Entry("unknown host key", strings.Replace(minimal, "open:", "opn:", 1), "bad.yaml:5: ", `unknown key "opn" in host`),
		Entry("duplicate key", "name: t\nname: u\n", "bad.yaml:2: ", `key "name" appears twice`),
		Entry("missing name", strings.Replace(minimal, "name: t\n", "summary: x\n", 1), "bad.yaml:1: ", "missing name"),
		Entry("bad name", strings.Replace(minimal, "name: t", "name: Fig_2", 1), "bad.yaml:1: ", `name "Fig_2"`),
		Entry("bad label", strings.Replace(minimal, "scan.tcp-syn]", "scan.tcp-sin]", 1), "bad.yaml:10: ", `unknown reference label "scan.tcp-sin" (did you mean scan.tcp-syn?)`),
		Entry("label far from any", strings.Replace(minimal, "scan.tcp-syn]", "portscan]", 1), "bad.yaml:10: ", `unknown reference label "portscan" (known: scan.tcp-syn, `),
		Entry("bad label in a map", strings.Replace(minimal, "[scan.tcp-syn]", "\n      - {label: os-detect, outcome: retried}", 1), "bad.yaml:11: ", `unknown reference label "os-detect"`),
		Entry("map without label", strings.Replace(minimal, "[scan.tcp-syn]", "\n      - {outcome: retried}", 1), "bad.yaml:11: ", "without label"),
		Entry("label both present and absent", minimal+"    absent: [scan.tcp-syn]\n", "bad.yaml:11: ", "both present (line 10) and absent"),
		Entry("bad duration", strings.Replace(minimal, "- nmap:", "- at: 5x\n    nmap:", 1), "bad.yaml:7: ", `bad duration "5x"`),
		Entry("duration without unit", strings.Replace(minimal, "- nmap:", "- at: 5\n    nmap:", 1), "bad.yaml:7: ", `bad duration "5"`),
		Entry("a scan time in the past", strings.Replace(minimal, "- nmap:", "- at: -1s\n    nmap:", 1), "bad.yaml:7: ", `at: -1s is before the scenario's start`),
		Entry("a session time in the past", strings.Replace(minimal, "scan:\n  - nmap: -sS victim\n", "traffic:\n  - session: victim:22\n    at: -250ms\n", 1), "bad.yaml:8: ", `at: -250ms is before the scenario's start`),
		Entry("a negative interval", strings.Replace(minimal, "scan:\n  - nmap: -sS victim\n", "traffic:\n  - session: victim:22\n    every: -1s\n", 1), "bad.yaml:8: ", `every: -1s is negative`),
		Entry("port 0", strings.Replace(minimal, "[22]", "[22, 0]", 1), "bad.yaml:5: ", "open port 0 is out of range 1-65535"),
		Entry("port 70000", strings.Replace(minimal, "[22]", "\n        - 22\n        - 70000", 1), "bad.yaml:7: ", "open port 70000 is out of range 1-65535"),
		Entry("port not a number", strings.Replace(minimal, "[22]", "[ssh]", 1), "bad.yaml:5: ", `must be a whole number, not "ssh"`),
		Entry("port open and filtered", strings.Replace(minimal, "open: [22]", "open: [22]\n      filtered:\n        - 22", 1), "bad.yaml:7: ", "port 22 is both open (line 5) and filtered"),
		Entry("address 8.8.8.8", strings.Replace(minimal, "open:", "address: 8.8.8.8\n      open:", 1), "bad.yaml:5: ", "address 8.8.8.8 is outside the lab"),
		Entry("address 198.19.0.5", strings.Replace(minimal, "open:", "address: 198.19.0.5\n      open:", 1), "bad.yaml:5: ", "address 198.19.0.5 is outside the lab"),
		Entry("address on the scanner side", strings.Replace(minimal, "open:", "address: 198.18.0.9\n      open:", 1), "bad.yaml:5: ", "address 198.18.0.9 is outside the lab"),
		Entry("address not an address", strings.Replace(minimal, "open:", "address: victim.lab\n      open:", 1), "bad.yaml:5: ", "not an IPv4 address"),
		Entry("bad stack", strings.Replace(minimal, "open:", "stack: irix\n      open:", 1), "bad.yaml:5: ", `stack "irix"`),
		Entry("a personality that does not exist", strings.Replace(minimal, "open:", "stack: personality/irix-5.3\n      open:", 1), "bad.yaml:5: ",
			`stack "personality/irix-5.3": no personality "irix-5.3" (known: irix-6.2, kernel, laserwriter-600, linux-2.0.35, `),
		Entry("duplicate host", strings.Replace(minimal, "      open: [22]\n", "      open: [22]\n    - name: victim\n", 1), "bad.yaml:6: ", `host "victim" defined twice (first at line 4)`),
		Entry("duplicate address", strings.Replace(minimal, "      open: [22]\n", "      address: 198.18.1.9\n    - name: other\n      address: 198.18.1.9\n", 1), "bad.yaml:6: ", "address 198.18.1.9 already belongs"),
		Entry("session to unknown host", strings.Replace(minimal, "scan:\n  - nmap: -sS victim\n", "traffic:\n  - session: server:22\n", 1), "bad.yaml:7: ", `no host "server"`),
		Entry("session to a closed port", strings.Replace(minimal, "scan:\n  - nmap: -sS victim\n", "traffic:\n  - session: victim:80\n", 1), "bad.yaml:7: ", "port 80 is not open on victim"),
		Entry("session without port", strings.Replace(minimal, "scan:\n  - nmap: -sS victim\n", "traffic:\n  - session: victim\n", 1), "bad.yaml:7: ", "want host:port"),
		Entry("count 0", strings.Replace(minimal, "scan:\n  - nmap: -sS victim\n", "traffic:\n  - session: victim:22\n    count: 0\n", 1), "bad.yaml:8: ", "count 0 is out of range"),
		Entry("every 0s", strings.Replace(minimal, "scan:\n  - nmap: -sS victim\n", "traffic:\n  - session: victim:22\n    every: 0s\n", 1), "bad.yaml:8: ", "every must be longer than 0s"),
		Entry("no scan or traffic", strings.Replace(minimal, "scan:\n  - nmap: -sS victim\n", "", 1), "bad.yaml:1: ", "at least one scan or traffic entry"),
		Entry("empty scan list", strings.Replace(minimal, "scan:\n  - nmap: -sS victim\n", "scan: []\n", 1), "bad.yaml:6: ", "at least one scan or traffic entry"),
		Entry("scan without nmap", strings.Replace(minimal, "- nmap: -sS victim", "- at: 1s", 1), "bad.yaml:7: ", "scan entry without nmap"),
		Entry("no expectation", strings.Replace(minimal, "    present: [scan.tcp-syn]\n", "", 1), "bad.yaml:8: ", "nothing to check"),
		Entry("empty contains string", strings.Replace(minimal, "expect:\n", "expect:\n  nmap_output:\n    contains: [\"\"]\n", 1), "bad.yaml:10: ", "empty string"),
		Entry("seed negative", "seed: -3\n"+minimal, "bad.yaml:1: ", `seed must be a whole number from 0 to 18446744073709551615, not "-3"`),
		Entry("alias", "name: &n t\nsummary: *n\n", "bad.yaml:2: ", "aliases"),
	)

	It("reads a full file with defaults, assigned addresses and lines", func() {
		s, err := scenarios.Parse("ok.yaml", []byte(full))
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Name).To(Equal("full"))
		Expect(s.File).To(Equal("ok.yaml"))
		Expect(s.Seed).To(Equal(uint64(18446744073709551615)))
		Expect(s.Network.Hosts).To(HaveLen(3))

		a, b, c := s.Network.Hosts[0], s.Network.Hosts[1], s.Network.Hosts[2]
		// 198.18.1.2 is taken by c further down, so a gets .3 and b .4.
		Expect(a.Addr).To(Equal(netip.MustParseAddr("198.18.1.3")))
		Expect(b.Addr).To(Equal(netip.MustParseAddr("198.18.1.4")))
		Expect(c.Addr).To(Equal(netip.MustParseAddr("198.18.1.2")))
		Expect(a.Stack).To(Equal(labnet.Kernel))
		Expect(c.Stack).To(Equal(labnet.Personality("irix-6.2")))
		Expect(a.OpenTCP).To(Equal([]uint16{22, 80}))
		Expect(a.FilteredTCP).To(Equal([]uint16{111}))
		Expect(a.Line).To(Equal(7))

		Expect(s.Scan).To(Equal([]scenarios.Run{
			{At: 0, Nmap: "-sS -p1-25 a", Line: 19},
			{At: 1500 * time.Millisecond, Nmap: "-sF b", Line: 20},
		}))
		Expect(s.Traffic).To(Equal([]scenarios.Traffic{
			{At: 250 * time.Millisecond, Host: "a", Port: 80, Count: 1, Every: time.Second, Line: 23},
			{At: 0, Host: "a", Port: 22, Count: 4, Every: 2 * time.Second, Line: 24},
		}))

		Expect(s.Expect.NmapOutput).To(Equal(scenarios.OutputExpect{
			Contains: []string{"Interesting ports on", "Class=64K rule"},
			Lines:    []int{30, 31},
			Line:     28,
		}))
		Expect(s.Expect.DetectorOrder).To(Equal([]string{"reference", "p0f"}))
		ref := s.Expect.Detectors["reference"]
		Expect(ref.Present).To(Equal([]scenarios.Expectation{
			{Label: "scan.tcp-syn", Line: 34},
			{Label: "osdetect", Attrs: map[string]string{"generation": "nmap-1", "attempts": "1"}, Line: 35},
		}))
		Expect(ref.Absent).To(Equal([]scenarios.Expectation{{Label: "tool.nmap-modern", Line: 36}}))
		p0f := s.Expect.Detectors["p0f"]
		Expect(p0f.Present).To(Equal([]scenarios.Expectation{{Label: "syn", Attrs: map[string]string{"subj": "cli", "os": "???"}, Line: 38}}))
		Expect(p0f.Absent).To(Equal([]scenarios.Expectation{{Label: "host change", Line: 39}, {Label: "http request", Line: 39}}))
	})

	It("finds hosts by name", func() {
		s, err := scenarios.Parse("ok.yaml", []byte(full))
		Expect(err).NotTo(HaveOccurred())
		h, ok := s.Host("b")
		Expect(ok).To(BeTrue())
		Expect(h.Addr).To(Equal(netip.MustParseAddr("198.18.1.4")))
		_, ok = s.Host("nope")
		Expect(ok).To(BeFalse())
	})

	It("keeps errors.Is and the position reachable through *Error", func() {
		_, err := scenarios.Parse("x.yaml", []byte("name: t\nbogus: 1\n"))
		var e *scenarios.Error
		Expect(errors.As(err, &e)).To(BeTrue())
		Expect(e.File).To(Equal("x.yaml"))
		Expect(e.Line).To(Equal(2))
		Expect(errors.Is(err, scenarios.ErrInvalid)).To(BeTrue())
	})

	DescribeTable("renders expectations as a file would write them",
		func(e scenarios.Expectation, want string) {
			Expect(e.String()).To(Equal(want))
		},
		Entry("bare label", scenarios.Expectation{Label: "seqprobe"}, "seqprobe"),
		Entry("attributes sorted", scenarios.Expectation{Label: "osdetect", Attrs: map[string]string{"outcome": "retried", "generation": "nmap-1"}},
			"{label: osdetect, generation: nmap-1, outcome: retried}"),
		Entry("odd value quoted", scenarios.Expectation{Label: "evasion.decoy", Attrs: map[string]string{"real_source": "a, b"}},
			`{label: evasion.decoy, real_source: "a, b"}`),
	)
})

// full uses every key; the line numbers are asserted above.
const full = `name: full
summary: every key once
seed: 18446744073709551615
network:
  hosts:
    # a: kernel stack, assigned address
    - name: a
      open: [22, 80]
      filtered: [111]
    - name: b
    - name: c
      address: 198.18.1.2
      stack: personality/irix-6.2
      open:
        - 1
        - 0x7
      filtered: ~
scan:
  - nmap: -sS -p1-25 a
  - {at: 1.5s, nmap: -sF b}
traffic:
  # every and count default to 1s and 1
  - {at: 250ms, session: "a:80"}
  - session: a:22
    count: 4
    every: 2s
expect:
  nmap_output:
    contains:
      - Interesting ports on
      - "Class=64K rule"
  reference:
    present:
      - scan.tcp-syn
      - {label: osdetect, generation: nmap-1, attempts: 1}
    absent: [tool.nmap-modern]
  p0f:
    present: [{label: syn, subj: cli, os: "???"}]
    absent: [host change, http request]
`
