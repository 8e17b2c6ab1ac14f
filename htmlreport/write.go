package htmlreport

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/detector"
	"github.com/siglab/siglab/lazyre"
	"github.com/siglab/siglab/picture"
	"github.com/siglab/siglab/scenarios"
	"github.com/siglab/siglab/verifier"
)

// File names the package writes: Page in DIR and in each DIR/<scenario>/,
// Picture and PictureJSON beside a scenario's page, screenshots under
// ScreenshotDir.
const (
	Page          = "index.html"
	Picture       = "picture.svg"
	PictureJSON   = "picture.json"
	ScreenshotDir = "screenshots"
)

//go:embed assets
var assets embed.FS

// pages and css are parsed and read on first use, not at init: every
// siglab command used to parse the report's templates before main (#19).
var pages = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("").Funcs(template.FuncMap{
		"sub":     func(a, b int) int { return a - b },
		"seconds": func(d time.Duration) string { return fmt.Sprintf("%.2fs", d.Seconds()) },
		"class":   func(s string) string { return strings.ReplaceAll(s, " ", "-") },
		"when":    func(t time.Time) string { return t.UTC().Format("15:04:05.000000") },
	}).ParseFS(assets, "assets/*.tmpl"))
})

var css = sync.OnceValue(func() string {
	b, err := assets.ReadFile("assets/report.css")
	if err != nil {
		panic(err)
	}
	return string(b)
})

// PictureInfo is picture.json: what the picture beside a page shows, as
// picture.Summary says, for the browser check. Empty says why there is
// no picture (nothing to draw).
type PictureInfo struct {
	Empty    string   `json:"empty,omitempty"`
	View     string   `json:"view,omitempty"`
	Packets  int      `json:"packets"`
	Marks    int      `json:"marks"`
	Kinds    []string `json:"kinds"`
	Sources  []string `json:"sources"`
	Findings []string `json:"findings"`
}

func pictureInfo(s picture.Summary) PictureInfo {
	p := PictureInfo{View: string(s.View), Packets: s.Packets, Marks: s.Marks,
		Kinds: []string{}, Sources: s.Sources, Findings: s.Findings}
	for _, k := range slices.Sorted(maps.Keys(s.Kinds)) { // the legend's order
		if s.Kinds[k] > 0 {
			p.Kinds = append(p.Kinds, k.String())
		}
	}
	if p.Sources == nil {
		p.Sources = []string{}
	}
	if p.Findings == nil {
		p.Findings = []string{}
	}
	return p
}

// scenarioPage is what scenario.tmpl renders.
type scenarioPage struct {
	CSS       template.CSS
	V         verifier.Verdict
	Status    verifier.Status
	Passed    int
	Missed    []verifier.Check
	Met       []verifier.Check
	Picture   template.HTML // the inline SVG, "" when there is none
	Info      PictureInfo
	InfoJSON  string
	Findings  []finding
	Detectors []verifier.DetectorReport
	Output    string
	Files     []link
}

type finding struct {
	detector.Finding
	TargetsText string
	AttrsText   string
}

type link struct{ Href, Text, What string }

// svgHead is what precedes <svg in the picture package's output (the XML
// declaration and a generator comment), which an inline SVG must not carry.
var svgHead = lazyre.New(`(?s)^.*?(<svg\b)`)

// WriteScenario writes DIR/<scenario>/picture.svg, picture.json and
// index.html for a run's result, after verifier's WriteReport wrote the
// files the page links to. A capture with nothing to draw gives a page
// that says so and a picture.json whose "empty" says why.
func WriteScenario(dir string, r *verifier.Result) error {
	v := r.Verdict
	sub := filepath.Join(dir, v.Scenario)
	p := scenarioPage{V: v, Status: v.Status(), Output: r.Output}
	for _, c := range v.Checks {
		if c.OK {
			p.Met = append(p.Met, c)
		} else {
			p.Missed = append(p.Missed, c)
		}
	}
	p.Passed = len(p.Met)
	var svg bytes.Buffer
	var sum picture.Summary
	err := errors.New("no capture")
	if r.Capture != nil {
		sum, err = picture.WriteSVG(&svg, r.Capture, r.Findings, picture.Options{Title: v.Scenario})
	}
	switch {
	case err == nil:
		p.Info = pictureInfo(sum)
		p.Picture = template.HTML(svgHead().ReplaceAllString(svg.String(), "$1"))
		if err := capture.WriteFileAtomic(filepath.Join(sub, Picture), func(w io.Writer) error {
			_, err := w.Write(svg.Bytes())
			return err
		}); err != nil {
			return err
		}
	case errors.Is(err, picture.ErrEmpty) || r.Capture == nil:
		p.Info = PictureInfo{Empty: err.Error(), Kinds: []string{}, Sources: []string{}, Findings: []string{}}
		if v.Skipped != "" {
			p.Info.Empty = v.Skipped
		}
	default:
		return fmt.Errorf("%s: %w", v.Scenario, err)
	}
	info, _ := json.MarshalIndent(p.Info, "", "  ")
	p.InfoJSON = string(info)
	if err := capture.WriteFileAtomic(filepath.Join(sub, PictureJSON), func(w io.Writer) error {
		_, err := w.Write(append(info, '\n'))
		return err
	}); err != nil {
		return err
	}
	for _, f := range r.Findings {
		p.Findings = append(p.Findings, describe(f))
	}
	for _, d := range r.Detectors {
		if d.Detector != scenarios.DetectorReference {
			p.Detectors = append(p.Detectors, d)
		}
	}
	p.Files = scenarioFiles(sub, r)
	p.CSS = template.CSS(css())
	return capture.WriteFileAtomic(filepath.Join(sub, Page), func(w io.Writer) error {
		return pages().ExecuteTemplate(w, "scenario.tmpl", p)
	})
}

// maxTargets bounds the targets a finding lists on its page.
const maxTargets = 8

func describe(f detector.Finding) finding {
	ts := make([]string, 0, maxTargets)
	for _, t := range f.Targets[:min(len(f.Targets), maxTargets)] {
		ts = append(ts, t.String())
	}
	out := finding{Finding: f, TargetsText: strings.Join(ts, ", ")}
	if n := len(f.Targets) - maxTargets; n > 0 {
		out.TargetsText += fmt.Sprintf(" and %d more", n)
	}
	keys := make([]string, 0, len(f.Attrs))
	for k := range f.Attrs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for i, k := range keys {
		keys[i] = k + "=" + f.Attrs[k]
	}
	out.AttrsText = strings.Join(keys, ", ")
	return out
}

// scenarioFiles lists the report files of a scenario that exist, for
// its page's links: only those, so every link resolves; and the run's
// junit.xml.
func scenarioFiles(sub string, r *verifier.Result) []link {
	cand := []link{
		{verifier.ReportPcap, "", "the capture (pcap)"},
		{verifier.ReportPcapNG, "", "the capture with each sent packet's ground truth as a comment (pcapng)"},
		{verifier.ReportRender, "", "the capture, tcpdump 3.4 style"},
		{Picture, "", "the picture"},
		{verifier.ReportFindings, "", "the reference detector's findings (JSON lines)"},
		{verifier.ReportOutput, "", "nmap's output"},
		{verifier.ReportVerdict, "", "the verdict (JSON)"},
	}
	for _, d := range r.Detectors {
		cand = append(cand, link{d.Detector + ".log", "", d.Detector + "'s own output"})
	}
	var out []link
	for _, l := range cand {
		if fi, err := os.Stat(filepath.Join(sub, l.Href)); err == nil && fi.Mode().IsRegular() {
			l.Text = l.Href
			out = append(out, l)
		}
	}
	// The run writes junit.xml once every scenario is done, after this page.
	return append(out, link{"../" + verifier.ReportJUnit, verifier.ReportJUnit, "the run's verdicts as JUnit XML"})
}

// indexPage is what index.tmpl renders.
type indexPage struct {
	CSS     template.CSS
	Started time.Time
	Rows    []row
	Counts  []count
	Matrix  matrixView
	Files   []link
}

type row struct {
	verifier.Verdict
	Status verifier.Status
	Passed int
	Page   string // the scenario's page, "" when it has none (an error before any report)
}

type count struct {
	Status verifier.Status
	N      int
}

type matrixView struct {
	Detectors []string
	Rows      []matrixRow
	Reasons   []string
}

type matrixRow struct {
	Scenario string
	Cells    []verifier.Cell
}

// WriteIndex writes DIR/index.html: the verdicts in run order, the
// coverage matrix and links to the run's files that exist. Call it after
// the scenarios' pages and the run's files are written.
func WriteIndex(dir string, vs []verifier.Verdict, m verifier.Matrix, started time.Time) error {
	p := indexPage{CSS: template.CSS(css()), Started: started.UTC()}
	counts := map[verifier.Status]int{}
	for _, v := range vs {
		r := row{Verdict: v, Status: v.Status()}
		for _, c := range v.Checks {
			if c.OK {
				r.Passed++
			}
		}
		if _, err := os.Stat(filepath.Join(dir, v.Scenario, Page)); err == nil {
			r.Page = v.Scenario + "/" + Page
		}
		counts[r.Status]++
		p.Rows = append(p.Rows, r)
	}
	for _, s := range []verifier.Status{verifier.StatusPass, verifier.StatusFail, verifier.StatusInconclusive, verifier.StatusError, verifier.StatusSkip} {
		if counts[s] > 0 {
			p.Counts = append(p.Counts, count{s, counts[s]})
		}
	}
	p.Matrix = newMatrixView(m)
	for _, l := range []link{
		{verifier.ReportJUnit, "", "the verdicts as JUnit XML"},
		{verifier.ReportSummary, "", "the verdicts as JSON"},
		{verifier.ReportMatrixMD, "", "the coverage matrix (Markdown)"},
		{verifier.ReportMatrixJSON, "", "the coverage matrix (JSON)"},
		{verifier.ReportMatrixJUnit, "", "the coverage matrix as JUnit XML"},
	} {
		if _, err := os.Stat(filepath.Join(dir, l.Href)); err == nil {
			l.Text = l.Href
			p.Files = append(p.Files, l)
		}
	}
	return capture.WriteFileAtomic(filepath.Join(dir, Page), func(w io.Writer) error {
		return pages().ExecuteTemplate(w, "index.tmpl", p)
	})
}

func newMatrixView(m verifier.Matrix) matrixView {
	mv := matrixView{Detectors: m.Detectors}
	for _, s := range m.Scenarios {
		r := matrixRow{Scenario: s}
		for _, d := range m.Detectors {
			c := verifier.Cell{Scenario: s, Detector: d}
			if i := slices.IndexFunc(m.Cells, func(c verifier.Cell) bool { return c.Scenario == s && c.Detector == d }); i >= 0 {
				c = m.Cells[i]
			}
			r.Cells = append(r.Cells, c)
		}
		mv.Rows = append(mv.Rows, r)
	}
	for _, c := range m.Cells {
		for _, why := range c.Reasons {
			mv.Reasons = append(mv.Reasons, fmt.Sprintf("%s × %s (%s): %s", c.Scenario, c.Detector, c.Outcome, why))
		}
	}
	return mv
}
