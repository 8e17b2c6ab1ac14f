package picture_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/detector"
	"github.com/siglab/siglab/picture"
	"github.com/siglab/siglab/scenarios"
	"github.com/siglab/siglab/verifier"
)

// SIGLAB_UPDATE_GOLDEN=1 rewrites testdata/*.svg from the generator
// instead of comparing with them:
//
//	SIGLAB_UPDATE_GOLDEN=1 go test ./picture/ -ginkgo.focus golden
//
// and copies figure 2's to docs/fig2-syn.svg, the README's picture.
var updateGolden = os.Getenv("SIGLAB_UPDATE_GOLDEN") == "1"

// drawScenario generates a catalogue scenario offline (deterministic),
// runs the reference detector on it and draws it.
func drawScenario(name string) ([]byte, picture.Summary) {
	list, err := scenarios.Resolve(name)
	Expect(err).NotTo(HaveOccurred())
	res, err := verifier.Generate(context.Background(), list[0])
	Expect(err).NotTo(HaveOccurred())
	var b bytes.Buffer
	s, err := picture.WriteSVG(&b, res.Capture, detector.DetectCapture(res.Capture), picture.Options{Title: name})
	Expect(err).NotTo(HaveOccurred())
	return b.Bytes(), s
}

// svgDoc is what the specs read back from a picture: its texts, and the
// fill colour of every filled circle (a SYN mark: the only circles drawn
// filled are CircleGlyphs).
type svgDoc struct {
	texts   []string
	circles map[string]int
}

var fillRE = regexp.MustCompile(`fill:(#[0-9A-F]{6})`)

func parseSVG(b []byte) svgDoc {
	d := svgDoc{circles: map[string]int{}}
	dec := xml.NewDecoder(bytes.NewReader(b))
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return d
		}
		Expect(err).NotTo(HaveOccurred())
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		attr := map[string]string{}
		for _, a := range se.Attr {
			attr[a.Name.Local] = a.Value
		}
		switch se.Name.Local {
		case "text":
			var s string
			Expect(dec.DecodeElement(&s, &se)).To(Succeed())
			d.texts = append(d.texts, s)
		case "path":
			m := fillRE.FindStringSubmatch(attr["style"])
			if m != nil && strings.Contains(attr["d"], "A") {
				d.circles[m[1]]++
			}
		}
	}
}

var _ = Describe("golden pictures", func() {
	DescribeTable("a scenario's picture is byte-identical across runs and to its golden file",
		func(name string) {
			a, _ := drawScenario(name)
			b, _ := drawScenario(name)
			Expect(a).To(Equal(b), "two runs differ")
			golden := filepath.Join("testdata", name+".svg")
			if updateGolden {
				Expect(os.WriteFile(golden, a, 0o644)).To(Succeed())
				return
			}
			want, err := os.ReadFile(golden)
			Expect(err).NotTo(HaveOccurred(), "regenerate with SIGLAB_UPDATE_GOLDEN=1")
			Expect(bytes.Equal(a, want)).To(BeTrue(), "%s differs from the picture drawn; if the change is meant, regenerate with SIGLAB_UPDATE_GOLDEN=1", golden)
		},
		Entry("figure 2", "fig2-syn"),
		Entry("exploits plus", "fig45-exploits-plus"),
		Entry("the mapping campaign", "faq-mapping-campaign"),
	)

	It("measures and names only the Liberation fonts compiled in, embedding none", func() {
		b, _ := drawScenario("fig2-syn")
		fams := regexp.MustCompile(`font-family:([^;"]+)`).FindAllStringSubmatch(string(b), -1)
		Expect(fams).NotTo(BeEmpty())
		for _, f := range fams {
			Expect(f[1]).To(Equal("Liberation Serif"))
		}
		Expect(string(b)).NotTo(ContainSubstring("@font-face"))
	})

	It("is the README's picture of figure 2", func() {
		readme := filepath.Join("..", "docs", "fig2-syn.svg")
		want, err := os.ReadFile(filepath.Join("testdata", "fig2-syn.svg"))
		Expect(err).NotTo(HaveOccurred())
		if updateGolden {
			Expect(os.WriteFile(readme, want, 0o644)).To(Succeed())
			return
		}
		got, err := os.ReadFile(readme)
		Expect(err).NotTo(HaveOccurred())
		Expect(bytes.Equal(got, want)).To(BeTrue(), "%s is not figure 2's golden picture; regenerate with SIGLAB_UPDATE_GOLDEN=1", readme)
	})
})

var _ = Describe("a scenario's marks", func() {
	It("draws figure 2 as 25 SYNs on ports 1-25 of one process, 9 open and 16 closed", func() {
		b, s := drawScenario("fig2-syn")
		Expect(s.View).To(Equal(picture.ViewPort))
		Expect(s.Kinds).To(Equal(map[picture.Kind]int{picture.KindSYN: 25, picture.KindOpen: 9, picture.KindClosed: 16}))
		d := parseSVG(b)
		for p := 1; p <= 25; p++ {
			Expect(d.texts).To(ContainElement(strconv.Itoa(p)))
		}
		Expect(d.texts).To(ContainElements("SYN", "198.18.0.2 port 37807", "scan.tcp-syn 198.18.0.2", "tool.nmap-2.0x 198.18.0.2"))
		Expect(d.circles).To(Equal(map[string]int{"#1F77B4": 25}))
	})

	It("draws figure 2 with OS detection's probes and TSeq SYNs in a colour of their own", func() {
		b, s := drawScenario("fig2-syn-os-irix")
		Expect(s.Kinds).To(HaveKeyWithValue(picture.KindSYN, 25))
		Expect(s.Kinds).To(HaveKeyWithValue(picture.KindTSeq, 6))
		Expect(s.Kinds).To(HaveKey(picture.KindOS))
		Expect(s.Sources).To(Equal([]string{"198.18.0.2 port 37807", "198.18.0.2 OS detection"}))
		Expect(parseSVG(b).texts).To(ContainElements("OS probe", "TSeq", "osdetect 198.18.0.2", "seqprobe 198.18.0.2"))
	})

	It("gives each decoy its own colour", func() {
		_, s := drawScenario("tech-decoys")
		Expect(s.Sources).To(HaveLen(3))
		addrs := map[string]bool{}
		for _, l := range s.Sources {
			addrs[strings.Fields(l)[0]] = true
		}
		Expect(addrs).To(HaveLen(3), "three addresses: the scanner and two decoys")
	})

	It("tells exploits plus's 17 concurrent processes apart: 17 colours of SYNs", func() {
		b, s := drawScenario("fig45-exploits-plus")
		Expect(s.View).To(Equal(picture.ViewPort))
		Expect(s.Kinds).To(HaveKeyWithValue(picture.KindSYN, 17))
		Expect(s.Sources).To(HaveLen(18)) // 17 processes and OS detection
		Expect(s.Sources[17]).To(Equal("198.18.0.2 OS detection"))
		d := parseSVG(b)
		Expect(d.circles).To(HaveLen(17))
		for _, n := range d.circles {
			Expect(n).To(Equal(1))
		}
		Expect(d.texts).To(ContainElements("campaign.exploits-plus 198.18.0.2", "osdetect 198.18.0.2"))
	})

	It("draws the mapping campaign as target against time: the sweeps, then the scan", func() {
		b, s := drawScenario("faq-mapping-campaign")
		Expect(s.View).To(Equal(picture.ViewTarget))
		Expect(s.Kinds[picture.KindICMP]).To(BeNumerically(">", 100))
		Expect(s.Kinds[picture.KindACK]).To(BeNumerically(">", 100))
		Expect(s.Kinds).To(HaveKey(picture.KindSYN))
		Expect(s.Kinds).To(HaveKey(picture.KindOS))
		Expect(s.Kinds).To(HaveKey(picture.KindTSeq))
		Expect(s.Marks).To(BeNumerically("<", s.Packets))
		Expect(parseSVG(b).texts).To(ContainElements("target address", "198.18.1.0", "campaign.sweep-then-scan 198.18.0.2"))
	})
})
