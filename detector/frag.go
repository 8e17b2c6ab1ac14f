package detector

import "github.com/siglab/siglab/wire"

// Fragment reassembly, just far enough to read the transport header a
// fragmented probe carries: nmap's -f splits each TCP probe so that no
// single fragment holds the whole header, and a filter that reads only
// first fragments sees no flags.

// fragInfo describes the fragments one rebuilt packet arrived in.
type fragInfo struct {
	n     uint8 // how many fragments
	first uint8 // transport bytes in the first fragment (offset 0), at most 255
	// tiny: the first fragment did not hold the whole transport header.
	tiny bool
}

const (
	// fragSlots bounds the packets being rebuilt at once; a new one takes
	// over its hash slot, so a flood of fragments costs no memory.
	fragSlots = 256
	// fragKeep is how many transport bytes are rebuilt: a TCP header with
	// the longest option list.
	fragKeep = 64
)

// fragSlot rebuilds one packet's first fragKeep transport bytes.
type fragSlot struct {
	used     bool
	src, dst ipAddr
	id       uint32
	proto    uint8
	// IP fields of the first fragment.
	ttl, tos uint8
	df       bool
	n        uint8
	// end is the transport length, known once the last fragment came
	// (-1 before); firstLen the transport bytes of the offset-0 fragment
	// (-1 before).
	end, firstLen int
	have          uint64 // bit i: transport byte i arrived
	buf           [fragKeep]byte
}

type fragTable struct {
	slots [fragSlots]fragSlot
	// lost counts packets whose fragments were pushed out by others
	// before they were complete.
	lost uint64
}

func fragHash(src, dst ipAddr, id uint32, proto uint8) int {
	h := uint32(2166136261)
	for _, b := range src.bytes() {
		h = (h ^ uint32(b)) * 16777619
	}
	for _, b := range dst.bytes() {
		h = (h ^ uint32(b)) * 16777619
	}
	if id > 0xffff {
		h = (h ^ id>>16) * 16777619
	}
	h = (h ^ id&0xffff) * 16777619
	h = (h ^ uint32(proto)) * 16777619
	return int(h % fragSlots)
}

// add files one fragment and, when the packet's header bytes are all in,
// returns the rebuilt transport bytes (valid until the next add) and how
// long the transport part was as sent. p's IP fields are replaced by the
// first fragment's.
func (t *fragTable) add(p *packet, h ipHeader, data []byte) (l4 []byte, sent int, done bool) {
	sl := &t.slots[fragHash(p.src, p.dst, h.id, p.proto)]
	if sl.used && (sl.src != p.src || sl.dst != p.dst || sl.id != h.id || sl.proto != p.proto) {
		t.lost++
		sl.used = false
	}
	if !sl.used {
		*sl = fragSlot{used: true, src: p.src, dst: p.dst, id: h.id, proto: p.proto, end: -1, firstLen: -1}
	}
	if sl.n < 255 {
		sl.n++
	}
	length := h.total - h.ihl
	if h.offset < fragKeep {
		n := copy(sl.buf[h.offset:], data)
		for i := h.offset; i < h.offset+n; i++ {
			sl.have |= 1 << uint(i)
		}
	}
	if h.offset == 0 {
		sl.firstLen = length
		sl.ttl, sl.tos, sl.df = p.ttl, p.tos, p.df
	}
	if !h.mf {
		sl.end = h.offset + length
	}
	if sl.end < 0 || sl.firstLen < 0 {
		return nil, 0, false
	}
	keep := min(sl.end, fragKeep)
	if keep < 64 && sl.have&(1<<uint(keep)-1) != 1<<uint(keep)-1 || keep == 64 && sl.have != ^uint64(0) {
		return nil, 0, false
	}
	p.ttl, p.tos, p.df = sl.ttl, sl.tos, sl.df
	p.ipLen = uint16(min(20+h.extra+sl.end, 0xffff))
	p.frag = fragInfo{n: sl.n, first: uint8(min(sl.firstLen, 255)), tiny: sl.firstLen < headerLen(sl.proto, sl.buf[:keep])}
	sl.used = false
	return sl.buf[:keep], sl.end, true
}

// headerLen is the transport header length a first fragment must hold
// for a filter to read the whole header.
func headerLen(proto uint8, l4 []byte) int {
	switch proto {
	case wire.ProtoTCP:
		if len(l4) > 12 {
			return max(int(l4[12]>>4)*4, 20)
		}
		return 20
	case protoSCTP:
		return 16 // the common header and the first chunk's type and length
	default:
		return 8
	}
}

// fragStats sums up one source's packets that arrived as fragments.
type fragStats struct {
	packets uint32 // rebuilt from fragments
	tiny    uint32 // of which the first fragment split the transport header
	// minFirst is the fewest transport bytes a first fragment held;
	// maxN the most fragments one packet came in.
	minFirst    uint8
	maxN        uint8
	first, last int64
}

func (f *fragStats) add(p *packet) {
	if f.packets == 0 || p.frag.first < f.minFirst {
		f.minFirst = p.frag.first
	}
	if f.packets == 0 {
		f.first = p.ts
	}
	f.last = p.ts
	f.maxN = max(f.maxN, p.frag.n)
	f.packets++
	if p.frag.tiny {
		f.tiny++
	}
}
