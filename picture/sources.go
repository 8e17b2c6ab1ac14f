package picture

import (
	"fmt"
	"image/color"
)

// maxProcesses is how many source ports of one address are drawn apart;
// an address using more (a connect scan: a new port per connection) is
// one colour.
const maxProcesses = 24

// palette is the fixed colours sources get in order of first appearance.
// Grey is left out: it is othersColour.
var palette = []color.RGBA{
	rgb(0x1f77b4), rgb(0xd62728), rgb(0x2ca02c), rgb(0xff7f0e), rgb(0x9467bd), rgb(0x8c564b),
	rgb(0xe377c2), rgb(0x17becf), rgb(0xbcbd22), rgb(0x393b79), rgb(0x637939), rgb(0x8c6d31),
	rgb(0x843c39), rgb(0x7b4173), rgb(0x6baed6), rgb(0xfd8d3c), rgb(0x74c476), rgb(0x9e9ac8),
	rgb(0xe7969c), rgb(0xdbdb8d), rgb(0x9c9ede), rgb(0xa55194), rgb(0x00a087), rgb(0xf0027f),
}

// othersColour draws the sources past the palette.
var othersColour = rgb(0x999999)

func rgb(v uint32) color.RGBA {
	return color.RGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 0xff}
}

// source is one colour of the picture.
type source struct {
	label string
	color color.RGBA
}

// assignSources collapses the keys of addresses with too many source
// ports, then gives each key a colour by first appearance. It returns
// the sources in that order (the palette's, then one "others" entry)
// and each mark's source index.
func assignSources(marks []mark) ([]source, []int) {
	ports := map[[4]byte]map[uint16]bool{}
	for _, m := range marks {
		if m.of < 0 && !m.key.os && m.key.sport != 0 {
			if ports[m.key.addr] == nil {
				ports[m.key.addr] = map[uint16]bool{}
			}
			ports[m.key.addr][m.key.sport] = true
		}
	}
	var (
		srcs   []source
		index  = map[srcKey]int{}
		others = -1
		of     = make([]int, len(marks))
	)
	for i, m := range marks {
		k := m.key
		if !k.os && len(ports[k.addr]) > maxProcesses {
			k.sport = 0
		}
		n, ok := index[k]
		switch {
		case ok:
		case len(srcs) < len(palette):
			n = len(srcs)
			srcs = append(srcs, source{label: keyLabel(k), color: palette[n]})
			index[k] = n
		default:
			if others < 0 {
				others = len(srcs)
				srcs = append(srcs, source{color: othersColour})
			}
			n, index[k] = others, others
		}
		of[i] = n
	}
	if others >= 0 {
		more := 0
		for _, n := range index {
			if n == others {
				more++
			}
		}
		srcs[others].label = fmt.Sprintf("%d more sources", more)
	}
	return srcs, of
}

func keyLabel(k srcKey) string {
	switch {
	case k.os:
		return addr(k.addr).String() + " OS detection"
	case k.sport != 0:
		return fmt.Sprintf("%s port %d", addr(k.addr), k.sport)
	}
	return addr(k.addr).String()
}
