package htmlreport

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/siglab/siglab/lazyre"
	"github.com/siglab/siglab/verifier"
)

// What Verify and Links find wrong with a report, each wrapped with %w
// in a line naming the scenario, page or link.
var (
	ErrRow      = errors.New("scenario row missing from the index")
	ErrPicture  = errors.New("picture missing or not drawn")
	ErrLink     = errors.New("link does not resolve to a file of the report")
	ErrConsole  = errors.New("browser console error")
	ErrOutside  = errors.New("request outside the report directory")
	ErrOverflow = errors.New("page wider than a narrow window")
	ErrPrint    = errors.New("page does not print as meant")
)

// ranScenario is what Verify reads of summary.json.
type ranScenario struct {
	Scenario string          `json:"scenario"`
	Status   verifier.Status `json:"status"`
}

// Verify checks an Inspection of dir against the report's own files:
// every scenario of summary.json has its row with its status; every one
// that ran (not skipped, no error) has a page whose picture is there,
// drawn with a non-zero size, with at least as many drawn elements as
// picture.json's marks and every mark kind and finding span of
// picture.json among its texts; no image is broken, the console shows no
// error, nothing was requested from outside dir, no page is wider
// than a narrow window, and in print media each picture still shows
// and the navigation does not. The error joins one line per problem.
func Verify(dir string, ins *Inspection) error {
	b, err := os.ReadFile(filepath.Join(dir, verifier.ReportSummary))
	if err != nil {
		return err
	}
	var sum struct {
		Results []ranScenario `json:"results"`
	}
	if err := json.Unmarshal(b, &sum); err != nil {
		return fmt.Errorf("%s: %w", verifier.ReportSummary, err)
	}
	var errs []error
	if len(ins.Rows) != len(sum.Results) {
		errs = append(errs, fmt.Errorf("index has %d rows, %s %d scenarios: %w", len(ins.Rows), verifier.ReportSummary, len(sum.Results), ErrRow))
	}
	for _, want := range sum.Results {
		i := slices.IndexFunc(ins.Rows, func(r Row) bool { return r.Scenario == want.Scenario })
		if i < 0 {
			errs = append(errs, fmt.Errorf("%s: %w", want.Scenario, ErrRow))
			continue
		}
		if got := ins.Rows[i].Status; got != string(want.Status) {
			errs = append(errs, fmt.Errorf("%s: row says %q, %s %q: %w", want.Scenario, got, verifier.ReportSummary, want.Status, ErrRow))
		}
		if want.Status == verifier.StatusSkip || want.Status == verifier.StatusError {
			continue
		}
		errs = append(errs, verifyPage(dir, want.Scenario, ins)...)
	}
	if ins.IndexOverflow {
		errs = append(errs, fmt.Errorf("%s: %w", Page, ErrOverflow))
	}
	for _, c := range ins.Console {
		errs = append(errs, fmt.Errorf("%s: %w", c, ErrConsole))
	}
	for _, o := range ins.Outside {
		errs = append(errs, fmt.Errorf("%s: %w", o, ErrOutside))
	}
	return errors.Join(errs...)
}

// verifyPage checks one scenario's page against its picture.json.
func verifyPage(dir, scenario string, ins *Inspection) []error {
	v, ok := ins.Pages[scenario]
	if !ok {
		return []error{fmt.Errorf("%s: no page linked from its row: %w", scenario, ErrPicture)}
	}
	var errs []error
	if v.Overflow {
		errs = append(errs, fmt.Errorf("%s: %w", scenario, ErrOverflow))
	}
	if !v.Print.NavHidden {
		errs = append(errs, fmt.Errorf("%s: navigation printed: %w", scenario, ErrPrint))
	}
	for _, src := range v.Broken {
		errs = append(errs, fmt.Errorf("%s: image %s did not load: %w", scenario, src, ErrLink))
	}
	b, err := os.ReadFile(filepath.Join(dir, scenario, PictureJSON))
	if err != nil {
		return append(errs, fmt.Errorf("%s: %w: %w", scenario, err, ErrPicture))
	}
	var info PictureInfo
	if err := json.Unmarshal(b, &info); err != nil {
		return append(errs, fmt.Errorf("%s/%s: %w", scenario, PictureJSON, err))
	}
	switch {
	case info.Empty != "":
		return append(errs, fmt.Errorf("%s: nothing drawn (%s): %w", scenario, info.Empty, ErrPicture))
	case !v.Figure || !v.SVG:
		return append(errs, fmt.Errorf("%s: the page has no picture: %w", scenario, ErrPicture))
	case v.Width <= 0 || v.Height <= 0:
		return append(errs, fmt.Errorf("%s: the picture is %.0fx%.0f: %w", scenario, v.Width, v.Height, ErrPicture))
	case v.Print.Width <= 0:
		errs = append(errs, fmt.Errorf("%s: the picture does not print: %w", scenario, ErrPrint))
	case v.Drawn < info.Marks:
		errs = append(errs, fmt.Errorf("%s: %d elements drawn for %d marks: %w", scenario, v.Drawn, info.Marks, ErrPicture))
	}
	for _, t := range append(slices.Clone(info.Kinds), info.Findings...) {
		if !slices.Contains(v.Texts, t) {
			errs = append(errs, fmt.Errorf("%s: the picture does not show %q: %w", scenario, t, ErrPicture))
		}
	}
	return errs
}

// refs finds the links of a page: href and src attributes, and CSS url().
var refs = lazyre.New(`(?i)\b(?:href|src)\s*=\s*"([^"]*)"|url\(\s*['"]?([^'")]*)`)

// Links checks every page of dir (index.html and each scenario's): each
// href, src and url() must name a file inside dir that exists (a
// fragment alone is fine); a scheme (http:, https:, data:...) or an
// absolute path is an error. The error joins one line per bad link.
func Links(dir string) error {
	var errs []error
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		for _, m := range refs().FindAllStringSubmatch(string(b), -1) {
			if err := resolves(dir, filepath.ToSlash(rel), m[1]+m[2]); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", rel, err))
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return errors.Join(errs...)
}

// resolves checks one link of page (a slash path relative to dir).
func resolves(dir, page, ref string) error {
	target, _, _ := strings.Cut(ref, "#")
	if ref != "" && target == "" {
		return nil // a fragment of the page itself
	}
	if target == "" || strings.Contains(target, ":") || strings.HasPrefix(target, "/") {
		return fmt.Errorf("%q: %w", ref, ErrLink)
	}
	if strings.Contains(target, "%") || strings.Contains(target, "?") {
		return fmt.Errorf("%q: escaped or with a query: %w", ref, ErrLink)
	}
	p := path.Join(path.Dir(page), target)
	if p == ".." || strings.HasPrefix(p, "../") {
		return fmt.Errorf("%q: %w", ref, ErrLink)
	}
	fi, err := os.Stat(filepath.Join(dir, filepath.FromSlash(p)))
	if err != nil || !fi.Mode().IsRegular() {
		return fmt.Errorf("%q: %w", ref, ErrLink)
	}
	return nil
}
