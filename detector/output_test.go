package detector_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/detector"
)

var errBoom = errors.New("boom")

// failWriter fails every write, as a full disk or closed pipe would.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errBoom }

var _ = Describe("output", func() {
	var fs []detector.Finding
	BeforeEach(func() {
		fs, _ = detect(detector.Config{}, nmap202Scan().packets())
		Expect(fs).To(HaveLen(2))
	})

	Describe("WriteJSONLines", func() {
		It("writes one object per line that reads back into the same Finding", func() {
			var b bytes.Buffer
			Expect(detector.WriteJSONLines(&b, fs)).To(Succeed())
			lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
			Expect(lines).To(HaveLen(2))
			for i, line := range lines {
				var raw map[string]any
				Expect(json.Unmarshal([]byte(line), &raw)).To(Succeed())
				Expect(raw["scanner"]).To(Equal("198.18.0.2"))
				Expect(raw["targets"]).To(Equal([]any{"198.18.1.2"}))
				Expect(raw["first"]).To(Equal("1998-12-20T01:41:25.180240000Z"))
				Expect(raw["last"]).To(Equal("1998-12-20T01:41:25.185040000Z"))

				var back detector.Finding
				Expect(json.Unmarshal([]byte(line), &back)).To(Succeed())
				Expect(back).To(Equal(fs[i]))
			}
			// Evidence stays readable: no \u escapes for "≡" or ">".
			Expect(lines[1]).To(ContainSubstring("≡ 0 mod 4"))
		})

		It("writes empty lists, not null, and nothing for no findings", func() {
			var b bytes.Buffer
			Expect(detector.WriteJSONLines(&b, []detector.Finding{{Label: "scan.tcp-syn"}})).To(Succeed())
			Expect(b.String()).To(ContainSubstring(`"targets":[]`))
			Expect(b.String()).To(ContainSubstring(`"evidence":[]`))
			b.Reset()
			Expect(detector.WriteJSONLines(&b, nil)).To(Succeed())
			Expect(b.Len()).To(BeZero())
		})

		It("wraps the writer's error", func() {
			Expect(detector.WriteJSONLines(failWriter{}, fs)).To(MatchError(errBoom))
		})
	})

	Describe("WriteText", func() {
		It("writes a readable block per finding", func() {
			var b bytes.Buffer
			Expect(detector.WriteText(&b, fs)).To(Succeed())
			out := b.String()
			Expect(out).To(HavePrefix("scan.tcp-syn  198.18.0.2 -> 198.18.1.2\n"))
			for _, want := range []string{
				"  time      1998-12-20T01:41:25.180240000Z .. 1998-12-20T01:41:25.185040000Z (0.005 s)\n",
				"  packets   25 to 25 ports\n",
				"  attrs     closed=16 open=9 unanswered=0\n",
				"  evidence\n    - 25 SYNs to 25 ports of 198.18.1.2 in 0.005 s\n",
				"\ntool.nmap-2.0x  198.18.0.2 -> 198.18.1.2\n",
				"    - fixed source port 42558 on 25 SYNs\n",
			} {
				Expect(out).To(ContainSubstring(want))
			}
			// Blocks are separated by exactly one blank line.
			Expect(strings.Count(out, "\n\n")).To(Equal(1))
			sc := bufio.NewScanner(strings.NewReader(out))
			for sc.Scan() {
				Expect(sc.Text()).NotTo(HaveSuffix(" "))
			}
		})

		It(`says "no findings" when there are none`, func() {
			var b bytes.Buffer
			Expect(detector.WriteText(&b, nil)).To(Succeed())
			Expect(b.String()).To(Equal("no findings\n"))
		})

		It("wraps the writer's error", func() {
			Expect(detector.WriteText(failWriter{}, fs)).To(MatchError(errBoom))
			Expect(detector.WriteText(failWriter{}, nil)).To(MatchError(errBoom))
		})
	})
})
