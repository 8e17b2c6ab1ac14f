package htmlreport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/siglab/siglab/capture"
)

// ErrNoBrowser is returned by FindBrowser when no headless Chromium is
// installed.
var ErrNoBrowser = errors.New("no headless Chromium: apt-get install chromium-headless-shell (or chromium), or set SIGLAB_CHROMIUM")

// browsers are the commands FindBrowser tries, in order: Debian's
// chromium-headless-shell (the smaller, headless-only build), then the
// full chromium, then other distributions' names.
var browsers = []string{"chromium-headless-shell", "chromium", "chromium-browser", "google-chrome"}

// FindBrowser returns the headless Chromium to drive: $SIGLAB_CHROMIUM
// when set, else the first of chromium-headless-shell, chromium,
// chromium-browser and google-chrome on $PATH.
func FindBrowser() (string, error) {
	if p := os.Getenv("SIGLAB_CHROMIUM"); p != "" {
		if _, err := exec.LookPath(p); err != nil {
			return "", fmt.Errorf("SIGLAB_CHROMIUM=%s: %w", p, err)
		}
		return p, nil
	}
	for _, b := range browsers {
		if p, err := exec.LookPath(b); err == nil {
			return p, nil
		}
	}
	return "", ErrNoBrowser
}

// Row is one row of the index's verdict table, as the browser shows it.
type Row struct {
	Scenario string `json:"scenario"`
	Status   string `json:"status"`
	Href     string `json:"href"`
}

// View is what the browser drew of one scenario page.
type View struct {
	// Figure: the page has its picture's figure and an svg in it.
	Figure, SVG bool
	// Width and Height are the svg's rendered box (getBoundingClientRect).
	Width, Height float64
	// Drawn counts the svg's drawn elements (paths, circles...); Texts
	// are its texts (title, axes, legend, findings' lanes).
	Drawn int
	Texts []string
	// Images are the page's <img>s that did not load (naturalWidth 0).
	Broken []string
	// Overflow: in a narrow window the page is wider than the window.
	Overflow bool
	// Print is what print media shows.
	Print Printed
}

// Printed is what a page shows in print media (its @media print block):
// the picture's rendered width and whether the navigation is hidden.
type Printed struct {
	Width     float64
	NavHidden bool
}

// Inspection is what Inspect saw of a report.
type Inspection struct {
	Rows  []Row
	Pages map[string]View // by scenario, for each row with a page
	// IndexOverflow: the index is wider than a narrow window.
	IndexOverflow bool
	// Console holds the console's errors and uncaught exceptions, and
	// resources that failed to load, each with its page.
	Console []string
	// Outside lists requests for anything outside the report directory.
	Outside []string
}

// NarrowWidth is the window width, in CSS pixels, a page must fit in.
const NarrowWidth = 360

// session is a headless Chromium tab with its listeners.
type session struct {
	ctx    context.Context
	cancel context.CancelFunc
	root   string // file:// URL of the report directory, with a final /
	mu     sync.Mutex
	page   string
	urls   map[network.RequestID]string
	ins    *Inspection
}

// Browser is a headless Chromium that Inspect, Screenshots and PrintPDF
// open tabs in. Close ends it.
type Browser struct {
	ctx    context.Context
	cancel context.CancelFunc
}

// Start starts the headless Chromium at path (FindBrowser's), which
// lives until Close or until ctx ends.
func Start(ctx context.Context, path string) (*Browser, error) {
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path),
		chromedp.NoSandbox, // siglab's tests run as root, where Chromium's sandbox refuses to start
		chromedp.WindowSize(1100, 900))
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	bctx, bcancel := chromedp.NewContext(actx)
	b := &Browser{ctx: bctx, cancel: func() { bcancel(); acancel() }}
	if err := chromedp.Do(bctx); err != nil { // starts the browser and its first tab
		b.cancel()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return b, nil
}

// Close ends the browser and removes its profile.
func (b *Browser) Close() { b.cancel() }

// open opens a tab of b on the report directory dir.
func open(b *Browser, dir string) (*session, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	cctx, ccancel := chromedp.NewContext(b.ctx)
	s := &session{ctx: cctx, cancel: ccancel,
		root: (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs) + "/"}).String(),
		urls: map[network.RequestID]string{}, ins: &Inspection{Pages: map[string]View{}}}
	if _, err := chromedp.Call(cctx, log.Enable, cdp.Empty{}); err != nil {
		s.cancel()
		return nil, err
	}
	if _, err := chromedp.Call(cctx, network.Enable, network.EnableParams{}); err != nil {
		s.cancel()
		return nil, err
	}
	if err := chromedp.Listen(cctx, s.event); err != nil {
		s.cancel()
		return nil, err
	}
	return s, nil
}

// event records console errors, failed loads and requests leaving the
// report. It runs on chromedp's reading goroutine: no commands here.
func (s *session) event(ev any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			var parts []string
			for _, a := range ev.Args {
				parts = append(parts, string(a.Value)+a.Description)
			}
			s.ins.Console = append(s.ins.Console, s.page+": console."+string(ev.Type)+": "+strings.Join(parts, " "))
		}
	case *runtime.EventExceptionThrown:
		s.ins.Console = append(s.ins.Console, s.page+": exception: "+ev.ExceptionDetails.Text)
	case *log.EventEntryAdded:
		if ev.Entry.Level == log.EntryLevelError {
			s.ins.Console = append(s.ins.Console, s.page+": "+ev.Entry.Text+" "+ev.Entry.URL)
		}
	case *network.EventRequestWillBeSent:
		s.urls[ev.RequestID] = ev.Request.URL
		if !strings.HasPrefix(ev.Request.URL, s.root) {
			s.ins.Outside = append(s.ins.Outside, s.page+": "+ev.Request.URL)
		}
	case *network.EventLoadingFailed:
		s.ins.Console = append(s.ins.Console, s.page+": failed to load "+s.urls[ev.RequestID]+": "+ev.ErrorText)
	}
}

// visit loads the page at rel (relative to the report directory).
func (s *session) visit(rel string) error {
	s.mu.Lock()
	s.page = rel
	s.mu.Unlock()
	return chromedp.Do(s.ctx, chromedp.Navigate(s.root+rel))
}

const rowsJS = `[...document.querySelectorAll('tr.scenario')].map(r => {
  const a = r.querySelector('a');
  return {scenario: r.dataset.scenario || '', status: r.dataset.status || '', href: a ? a.getAttribute('href') : ''};
})`

const viewJS = `(() => {
  const f = document.querySelector('figure.picture');
  const s = f ? f.querySelector('svg') : null;
  const r = s ? s.getBoundingClientRect() : {width: 0, height: 0};
  return {
    Figure: !!f, SVG: !!s, Width: r.width, Height: r.height,
    Drawn: s ? s.querySelectorAll('path, circle, rect, polygon, polyline, ellipse, line').length : 0,
    Texts: s ? [...s.querySelectorAll('text')].map(t => t.textContent) : [],
    Broken: [...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.getAttribute('src')),
  };
})()`

const overflowJS = `document.documentElement.scrollWidth > window.innerWidth + 1`

// narrow reports whether the page loaded is wider than a narrow window,
// and puts the window back.
func (s *session) narrow() (bool, error) {
	if err := chromedp.Do(s.ctx, chromedp.EmulateViewport(NarrowWidth, 800)); err != nil {
		return false, err
	}
	over, err := chromedp.Run(s.ctx, chromedp.Evaluate[bool](overflowJS))
	if err != nil {
		return false, err
	}
	return over, chromedp.Do(s.ctx, chromedp.EmulateViewport(1100, 900))
}

const printJS = `(() => {
  const s = document.querySelector('figure.picture svg');
  const n = document.querySelector('nav');
  return {Width: s ? s.getBoundingClientRect().width : 0, NavHidden: !n || getComputedStyle(n).display === 'none'};
})()`

// print reports what the loaded page shows in print media, and puts the
// screen back.
func (s *session) print() (Printed, error) {
	var zero Printed
	if _, err := chromedp.Call(s.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		return zero, err
	}
	out, err := chromedp.Run(s.ctx, chromedp.Evaluate[Printed](printJS))
	if err != nil {
		return zero, err
	}
	_, err = chromedp.Call(s.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{})
	return out, err
}

// PrintPDF prints dir's page rel (a slash path, e.g. "fig2-syn/index.html")
// as the browser prints it, A4, and returns the PDF.
func PrintPDF(b *Browser, dir, rel string) ([]byte, error) {
	s, err := open(b, dir)
	if err != nil {
		return nil, err
	}
	defer s.cancel()
	if err := s.visit(rel); err != nil {
		return nil, err
	}
	res, err := chromedp.Call(s.ctx, page.PrintToPDF, page.PrintToPDFParams{PaperWidth: 8.27, PaperHeight: 11.69}) // A4, inches
	if err != nil {
		return nil, err
	}
	return res.Data, nil
}

// Inspect opens dir/index.html in a tab of b, then each
// scenario page its rows link to, and records what was drawn, what the
// console said and what was requested. Its error is the browser's or a
// page's that would not load; what the pages show is for Verify.
func Inspect(b *Browser, dir string) (*Inspection, error) {
	s, err := open(b, dir)
	if err != nil {
		return nil, err
	}
	defer s.cancel()
	if err := s.visit(Page); err != nil {
		return nil, err
	}
	if s.ins.Rows, err = chromedp.Run(s.ctx, chromedp.Evaluate[[]Row](rowsJS)); err != nil {
		return nil, err
	}
	if s.ins.IndexOverflow, err = s.narrow(); err != nil {
		return nil, err
	}
	for _, r := range s.ins.Rows {
		if r.Href == "" || strings.Contains(r.Href, ":") {
			continue // Verify says so
		}
		if err := s.visit(r.Href); err != nil {
			return nil, err
		}
		v, err := chromedp.Run(s.ctx, chromedp.Evaluate[View](viewJS))
		if err != nil {
			return nil, err
		}
		if v.Overflow, err = s.narrow(); err != nil {
			return nil, err
		}
		if v.Print, err = s.print(); err != nil {
			return nil, err
		}
		s.ins.Pages[r.Scenario] = v
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := *s.ins
	return &out, nil
}

// Screenshots saves full-page PNGs of dir/index.html and of scenario's
// page as dir/screenshots/index.png and dir/screenshots/<scenario>.png,
// each written whole, and returns their paths.
func Screenshots(b *Browser, dir, scenario string) ([]string, error) {
	s, err := open(b, dir)
	if err != nil {
		return nil, err
	}
	defer s.cancel()
	if err := os.MkdirAll(filepath.Join(dir, ScreenshotDir), 0o755); err != nil {
		return nil, err
	}
	var out []string
	for _, p := range []struct{ page, name string }{{Page, "index.png"}, {scenario + "/" + Page, scenario + ".png"}} {
		if err := s.visit(p.page); err != nil {
			return nil, err
		}
		png, err := chromedp.Run(s.ctx, chromedp.FullScreenshot(100))
		if err != nil {
			return nil, err
		}
		path := filepath.Join(dir, ScreenshotDir, p.name)
		if err := capture.WriteFileAtomic(path, func(w io.Writer) error { _, err := w.Write(png); return err }); err != nil {
			return nil, err
		}
		out = append(out, path)
	}
	return out, nil
}
