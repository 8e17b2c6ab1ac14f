package picture

import (
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// shapes gives each kind its mark: probes filled or hollow figures,
// answers strokes drawn over the probe they answer (+ open, - closed,
// x filtered).
var shapes = [numKinds]draw.GlyphDrawer{
	KindSYN:      draw.CircleGlyph{},
	KindFIN:      draw.PyramidGlyph{},
	KindXmas:     starGlyph{},
	KindNull:     draw.RingGlyph{},
	KindACK:      draw.BoxGlyph{},
	KindMaimon:   diamondGlyph{fill: true},
	KindOtherTCP: barGlyph{vertical: true},
	KindUDP:      draw.SquareGlyph{},
	KindICMP:     draw.TriangleGlyph{},
	KindOS:       diamondGlyph{},
	KindTSeq:     downGlyph{},
	KindOpen:     draw.PlusGlyph{},
	KindClosed:   barGlyph{},
	KindFiltered: draw.CrossGlyph{},
}

// Radii: answers are drawn a little larger so that they show round the
// probe beneath.
const (
	probeRadius  = vg.Length(2.5)
	answerRadius = vg.Length(3.5)
)

func glyphStyle(k Kind, s source) draw.GlyphStyle {
	r := probeRadius
	if k.Answer() {
		r = answerRadius
	}
	return draw.GlyphStyle{Color: s.color, Radius: r, Shape: shapes[k]}
}

// starGlyph is a plus over a cross: the Xmas probe, lit up.
type starGlyph struct{}

func (starGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	draw.PlusGlyph{}.DrawGlyph(c, sty, pt)
	draw.CrossGlyph{}.DrawGlyph(c, sty, pt)
}

// diamondGlyph is a square on its corner, filled or outlined.
type diamondGlyph struct{ fill bool }

func (d diamondGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	r := sty.Radius
	p := polygon(pt, vg.Point{Y: r}, vg.Point{X: r}, vg.Point{Y: -r}, vg.Point{X: -r})
	paint(c, sty, p, d.fill)
}

// downGlyph is a filled triangle pointing down.
type downGlyph struct{}

func (downGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	r := sty.Radius
	p := polygon(pt, vg.Point{X: -r, Y: r * 0.7}, vg.Point{X: r, Y: r * 0.7}, vg.Point{Y: -r})
	paint(c, sty, p, true)
}

// barGlyph is a short stroke, horizontal or vertical.
type barGlyph struct{ vertical bool }

func (b barGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	d := vg.Point{X: sty.Radius}
	if b.vertical {
		d = vg.Point{Y: sty.Radius}
	}
	var p vg.Path
	p.Move(pt.Sub(d))
	p.Line(pt.Add(d))
	c.SetLineStyle(draw.LineStyle{Color: sty.Color, Width: 1.2})
	c.Stroke(p)
}

func polygon(at vg.Point, pts ...vg.Point) vg.Path {
	var p vg.Path
	p.Move(at.Add(pts[0]))
	for _, q := range pts[1:] {
		p.Line(at.Add(q))
	}
	p.Close()
	return p
}

func paint(c *draw.Canvas, sty draw.GlyphStyle, p vg.Path, fill bool) {
	if fill {
		c.SetColor(sty.Color)
		c.Fill(p)
		return
	}
	c.SetLineStyle(draw.LineStyle{Color: sty.Color, Width: vg.Points(0.8)})
	c.Stroke(p)
}

// thumb draws one glyph as a legend entry's icon.
type thumb draw.GlyphStyle

func (t thumb) Thumbnail(c *draw.Canvas) {
	c.DrawGlyph(draw.GlyphStyle(t), c.Center())
}
