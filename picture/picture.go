package picture

import (
	"cmp"
	"errors"
	"fmt"
	"image/color"
	"io"
	"slices"
	"strconv"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/detector"
)

// ErrEmpty is returned when a capture holds nothing to draw: no IPv4
// probe at all.
var ErrEmpty = errors.New("picture: no IPv4 probe in the capture")

// View is the picture's vertical axis.
type View string

// The two views; see the package comment for the rule between them.
const (
	ViewPort   View = "port"
	ViewTarget View = "target"
)

// Options shape a picture. The zero value is a 9 x 5 inch picture with
// no title.
type Options struct {
	Title         string
	Width, Height vg.Length
}

// Summary says what a picture shows, for callers that check it (the
// report, specs) without parsing the SVG.
type Summary struct {
	View    View
	Packets int // IPv4 packets classified as probes or answers
	Marks   int // marks drawn, after binning
	// Kinds counts the marks drawn per kind.
	Kinds map[Kind]int
	// Sources are the legend's source labels, in colour order.
	Sources []string
	// Findings are the spans drawn, as "label scanner".
	Findings []string
}

// Grid cells marks are binned to (see the package comment).
const (
	gridX = 160
	gridY = 100
)

// maxLanes is how many findings get a span; further ones are counted in
// the last lane's label.
const maxLanes = 10

// WriteSVG draws c with findings (the reference detector's, or none) as
// an SVG on w. It is what `siglab render --svg` writes and what a report
// page embeds.
func WriteSVG(w io.Writer, c *capture.Capture, findings []detector.Finding, o Options) (Summary, error) {
	return write(w, c, findings, o, func(w, h vg.Length) vg.CanvasWriterTo { return vgsvg.New(w, h) })
}

// write draws on the canvas newCanvas makes: an SVG's, or in a
// developer's spec a PNG's to look at.
func write(w io.Writer, c *capture.Capture, findings []detector.Finding, o Options, newCanvas func(w, h vg.Length) vg.CanvasWriterTo) (Summary, error) {
	marks := classify(c)
	if len(marks) == 0 {
		return Summary{}, ErrEmpty
	}
	if o.Width == 0 {
		o.Width = 9 * vg.Inch
	}
	if o.Height == 0 {
		o.Height = 5 * vg.Inch
	}
	srcs, srcOf := assignSources(marks)
	ax := newYAxis(marks)
	t0 := marks[0].t
	xs := make([]float64, len(marks))
	xmax := 0.0
	for i, m := range marks {
		xs[i] = m.t.Sub(t0).Seconds()
		xmax = max(xmax, xs[i])
	}
	if xmax == 0 {
		xmax = 1e-3
	}
	drawn := bin(marks, srcOf, xs, xmax, ax)
	sum := Summary{View: ax.view, Packets: len(marks), Marks: len(drawn), Kinds: map[Kind]int{}}
	for _, i := range drawn {
		sum.Kinds[marks[i].kind]++
	}
	for _, s := range srcs {
		sum.Sources = append(sum.Sources, s.label)
	}
	spans := lanes(findings, t0)
	for _, s := range spans {
		sum.Findings = append(sum.Findings, s.label)
	}

	p := plot.New()
	p.Title.Text = o.Title
	p.X.Label.Text = "seconds since " + t0.UTC().Format("2006-01-02 15:04:05.000000 UTC")
	p.X.Min, p.X.Max = 0, xmax*1.02
	ax.apply(p, len(spans))
	p.Add(&marksPlotter{marks: marks, drawn: drawn, xs: xs, ys: ax, srcs: srcs, srcOf: srcOf})
	p.Add(&spansPlotter{spans: spans, t0: t0, height: ax.headroom})

	cv := newCanvas(o.Width, o.Height)
	dc := draw.New(cv)
	legendW := o.Width * 0.27
	p.Draw(draw.Crop(dc, 0, -legendW, 0, 0))
	l := legend(p, srcs, sum.Kinds)
	l.Draw(draw.Crop(dc, o.Width-legendW, 0, 0, 0))
	if _, err := cv.WriteTo(w); err != nil {
		return sum, fmt.Errorf("picture: %w", err)
	}
	return sum, nil
}

// bin returns the indexes of the marks to draw: the first mark of each
// kind and colour in each grid cell, in capture order. Identical marks
// in one cell would overdraw each other; dropping them bounds a
// full-range scan's picture by the grid, not by its packets.
func bin(marks []mark, srcOf []int, xs []float64, xmax float64, ax *yAxis) []int {
	type cell struct {
		kind   Kind
		src    int
		gx, gy int
	}
	seen := map[cell]bool{}
	var out []int
	ylo, yhi := ax.lo, ax.hi
	for i, m := range marks {
		y := ax.value(m)
		k := cell{kind: m.kind, src: srcOf[i], gx: int(xs[i] / xmax * gridX)}
		if yhi > ylo {
			k.gy = int((y - ylo) / (yhi - ylo) * gridY)
		}
		if !seen[k] {
			seen[k] = true
			out = append(out, i)
		}
	}
	return out
}

// span is one finding's time range and label.
type span struct {
	label       string
	first, last time.Time
}

// lanes orders the findings by start, then label and scanner, and keeps
// maxLanes of them.
func lanes(fs []detector.Finding, t0 time.Time) []span {
	fs = slices.Clone(fs)
	slices.SortStableFunc(fs, func(a, b detector.Finding) int {
		return cmp.Or(a.First.Compare(b.First), cmp.Compare(a.Label, b.Label), a.Scanner.Compare(b.Scanner))
	})
	var out []span
	for i, f := range fs {
		if i == maxLanes-1 && len(fs) > maxLanes {
			out = append(out, span{label: fmt.Sprintf("and %d more findings", len(fs)-i), first: f.First, last: fs[len(fs)-1].Last})
			break
		}
		out = append(out, span{label: f.Label + " " + f.Scanner.String(), first: f.First, last: f.Last})
	}
	return out
}

// legend lists the kinds drawn, then the sources.
func legend(p *plot.Plot, srcs []source, kinds map[Kind]int) plot.Legend {
	l := plot.NewLegend()
	l.Top, l.Left = true, true
	l.TextStyle = smallText()
	l.Padding = vg.Points(1)
	l.ThumbnailWidth = vg.Points(10)
	l.XOffs, l.YOffs = vg.Points(4), -vg.Points(8)
	for k := range numKinds {
		if kinds[k] > 0 {
			l.Add(k.String(), thumb(glyphStyle(k, source{color: color.RGBA{A: 0xff}})))
		}
	}
	for _, s := range srcs {
		l.Add(s.label, thumb(draw.GlyphStyle{Color: s.color, Radius: 3.5, Shape: draw.BoxGlyph{}}))
	}
	return l
}

// marksPlotter draws the binned marks.
type marksPlotter struct {
	marks []mark
	drawn []int
	xs    []float64
	ys    *yAxis
	srcs  []source
	srcOf []int
}

func (mp *marksPlotter) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for _, i := range mp.drawn {
		m := mp.marks[i]
		pt := vg.Point{X: trX(mp.xs[i]), Y: trY(mp.ys.value(m))}
		c.DrawGlyphNoClip(glyphStyle(m.kind, mp.srcs[mp.srcOf[i]]), pt)
	}
}

// spansPlotter draws the findings: a translucent band over the marks
// for each, and its label in a lane of the headroom above them.
type spansPlotter struct {
	spans  []span
	t0     time.Time
	height float64 // the headroom's share of the data area
}

var (
	bandColour = color.NRGBA{R: 0x44, G: 0x66, B: 0xaa, A: 0x0c}
	laneColour = color.NRGBA{R: 0x44, G: 0x66, B: 0xaa, A: 0x50}
)

func (sp *spansPlotter) Plot(c draw.Canvas, p *plot.Plot) {
	if len(sp.spans) == 0 {
		return
	}
	trX, _ := p.Transforms(&c)
	h := c.Max.Y - c.Min.Y
	laneH := h * vg.Length(sp.height) / vg.Length(len(sp.spans))
	sty := smallText()
	sty.YAlign = draw.YCenter
	for i, s := range sp.spans {
		x0 := trX(s.first.Sub(sp.t0).Seconds())
		x1 := max(trX(s.last.Sub(sp.t0).Seconds()), x0+2)
		top := c.Max.Y - vg.Length(i)*laneH
		c.SetColor(bandColour)
		c.Fill(rect(x0, c.Min.Y, x1, top-laneH))
		c.SetColor(laneColour)
		c.Fill(rect(x0, top-laneH+1, x1, top-1))
		// The label starts at the span, or ends at the right edge when
		// the span is too close to it.
		w := sty.Width(s.label)
		lx := min(x0+2, c.Max.X-w-2)
		c.FillText(sty, vg.Point{X: max(lx, c.Min.X), Y: top - laneH/2}, s.label)
	}
}

// smallText is the legend's and the lanes' text: 7 points, left aligned.
func smallText() text.Style {
	return text.Style{Font: font.From(plot.DefaultFont, 7), Handler: plot.DefaultTextHandler}
}

func rect(x0, y0, x1, y1 vg.Length) vg.Path {
	var p vg.Path
	p.Move(vg.Point{X: x0, Y: y0})
	p.Line(vg.Point{X: x1, Y: y0})
	p.Line(vg.Point{X: x1, Y: y1})
	p.Line(vg.Point{X: x0, Y: y1})
	p.Close()
	return p
}

// yAxis maps a mark to its height: its port or its target, by rank when
// there are few distinct values (each then labelled), by value when
// there are many ports.
type yAxis struct {
	view     View
	rank     map[uint32]int // value to rank; nil on a linear axis
	ticks    []plot.Tick
	lo, hi   float64
	headroom float64
}

// maxRanked is the most distinct ports drawn one row each.
const maxRanked = 40

// icmpRow is the port value of a probe without ports in the port view.
const icmpRow = 1 << 16

func yValueOf(v View, m mark) uint32 {
	if v == ViewTarget {
		return uint32(m.target[0])<<24 | uint32(m.target[1])<<16 | uint32(m.target[2])<<8 | uint32(m.target[3])
	}
	if !m.hasPort {
		return icmpRow
	}
	return uint32(m.port)
}

// newYAxis chooses the view: target against time when the probes went
// to more targets than ports, port against time otherwise.
func newYAxis(marks []mark) *yAxis {
	targets, ports := map[[4]byte]bool{}, map[uint32]bool{}
	for _, m := range marks {
		targets[m.target] = true
		if m.hasPort {
			ports[uint32(m.port)] = true
		}
	}
	v := ViewPort
	if len(targets) > max(len(ports), 1) {
		v = ViewTarget
	}
	seen := map[uint32]bool{}
	var vals []uint32
	for _, m := range marks {
		if y := yValueOf(v, m); !seen[y] {
			seen[y] = true
			vals = append(vals, y)
		}
	}
	slices.Sort(vals)
	a := &yAxis{view: v}
	if v == ViewPort && len(vals) > maxRanked {
		a.lo, a.hi = 0, float64(vals[len(vals)-1])
		if vals[len(vals)-1] == icmpRow { // ICMP sits at 0 on a linear axis
			a.hi = float64(vals[len(vals)-2])
		}
		return a
	}
	a.rank = map[uint32]int{}
	step := max(1, len(vals)/12)
	if len(vals) <= maxRanked {
		step = 1
	}
	for i, y := range vals {
		a.rank[y] = i
		// Unlabelled ticks on every row would be a black bar; the last row
		// is labelled unless that would crowd the label before it.
		if i%step == 0 || i == len(vals)-1 && i%step > step/2 {
			a.ticks = append(a.ticks, plot.Tick{Value: float64(i), Label: tickLabel(v, y)})
		}
	}
	a.lo, a.hi = 0, float64(len(vals)-1)
	return a
}

// portTicks are gonum's default ticks labelled as port numbers, without
// the decimals it gives every label.
type portTicks struct{}

func (portTicks) Ticks(lo, hi float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(lo, hi)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = strconv.Itoa(int(ts[i].Value))
		}
	}
	return ts
}

func tickLabel(v View, y uint32) string {
	switch {
	case v == ViewTarget:
		return addr([4]byte{byte(y >> 24), byte(y >> 16), byte(y >> 8), byte(y)}).String()
	case y == icmpRow:
		return "ICMP"
	}
	return strconv.Itoa(int(y))
}

func (a *yAxis) value(m mark) float64 {
	y := yValueOf(a.view, m)
	if a.rank != nil {
		return float64(a.rank[y])
	}
	if y == icmpRow {
		return 0
	}
	return float64(y)
}

// apply sets p's vertical axis, with headroom above the marks for the
// findings' lanes.
func (a *yAxis) apply(p *plot.Plot, lanes int) {
	p.Y.Label.Text = "destination port"
	if a.view == ViewTarget {
		p.Y.Label.Text = "target address"
	}
	if a.ticks != nil {
		p.Y.Tick.Marker = plot.ConstantTicks(a.ticks)
	} else {
		p.Y.Tick.Marker = portTicks{}
	}
	lo, hi := a.lo-0.5, a.hi+0.5
	if a.rank == nil {
		pad := (a.hi - a.lo) * 0.02
		lo, hi = a.lo-pad, a.hi+pad+1
	}
	a.headroom = min(0.45, 0.045*float64(lanes))
	p.Y.Min, p.Y.Max = lo, hi+(hi-lo)*a.headroom/(1-a.headroom)
	p.Y.Tick.Label.Font.Size = vg.Points(7)
	p.X.Tick.Label.Font.Size = vg.Points(8)
}
