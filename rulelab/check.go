package rulelab

import (
	"bytes"
	"fmt"
	"net/netip"
	"strings"

	"github.com/siglab/siglab/rules"
	"github.com/siglab/siglab/wire"
)

// kind is what one check of a compiled rule tests.
type kind uint8

const (
	kProto kind = iota
	kSrc
	kSport
	kDst
	kDport
	kBoth // "<>": addresses and ports either way round
	kFlags
	kFragbits
	kDsize
	kAck
	kSeq
	kWindow
	kID
	kTTL
	kTOS
	kIPProto
	kIType
	kICode
	kICMPID
	kICMPSeq
	kFlow
	kSameIP
	kFragoffset
	kContent
)

// check is one test a rule makes of a packet: its header's protocol,
// addresses and ports, then one per option, in the rule's order.
type check struct {
	kind    kind
	keyword string // as the rule writes it, for the why
	value   string // the option's value as written
	at      rules.Pos

	num      numOp
	proto    uint8 // kProto: 0 for ip (any)
	addr     *addrSet
	port     *portSet
	addr2    *addrSet // kBoth: destination side
	port2    *portSet
	flags    rules.Flags
	fragbits rules.Fragbits
	dsize    rules.Dsize
	flow     flowWant
	// kContent: the rule's contents from first to last, and which of
	// them this check is.
	contents []rules.Content
	ci       int // this content's index
}

// payloadCheck says whether c reads the payload, which a lone
// fragment's checks never do.
func (c *check) payloadCheck() bool { return c.kind == kDsize || c.kind == kContent }

// match tests p.
func (c *check) match(p *pkt, f *flowInfo) bool {
	if p.frag && !p.reassembled && c.payloadCheck() {
		return false
	}
	switch c.kind {
	case kProto:
		return c.proto == 0 || p.proto == c.proto && p.l4ok
	case kSrc:
		return c.addr.has(p.src)
	case kDst:
		return c.addr.has(p.dst)
	case kSport:
		return p.l4ok && c.port.has(p.sport)
	case kDport:
		return p.l4ok && c.port.has(p.dport)
	case kBoth:
		return c.addr.has(p.src) && c.port.has(p.sport) && c.addr2.has(p.dst) && c.port2.has(p.dport) ||
			c.addr.has(p.dst) && c.port.has(p.dport) && c.addr2.has(p.src) && c.port2.has(p.sport)
	case kFlags:
		return p.proto == wire.ProtoTCP && p.l4ok && flagsMatch(c.flags, p.flags)
	case kFragbits:
		return fragbitsMatch(c.fragbits, p.fragbits)
	case kDsize:
		return dsizeMatch(c.dsize, p.dsize())
	case kAck, kSeq, kWindow, kID, kTTL, kTOS, kIPProto, kIType, kICode, kICMPID, kICMPSeq, kFragoffset:
		v, ok := p.value(c.kind)
		return ok && c.num.match(v)
	case kFlow:
		return c.flow.match(p, f)
	case kSameIP:
		return p.src == p.dst
	case kContent:
		// The contents up to this one, so that the first to fail is
		// the one the why names; distance and within read the match
		// of the content before.
		return contentsMatch(c.contents[:c.ci+1], p.payload, 0, 0)
	}
	return false
}

// flagsMatch is Snort's flags test: the mask's bits are dropped from
// the packet's flags, then the modifier compares.
func flagsMatch(f rules.Flags, v uint8) bool { return bitsMatch(f.Bits, f.Mod, v&^f.Mask) }

func fragbitsMatch(f rules.Fragbits, v uint8) bool { return bitsMatch(f.Bits, f.Mod, v) }

// bitsMatch is the modifier test flags and fragbits share: exactly
// bits, '+' bits and any others, '*' any of bits, '!' none of them.
func bitsMatch(bits, mod, v uint8) bool {
	switch mod {
	case '+':
		return v&bits == bits
	case '*':
		return v&bits != 0
	case '!':
		return v&bits == 0
	}
	return v == bits
}

// dsizeMatch: "<>" is exclusive at both ends, as Snort 2's manual and
// Suricata's documentation give it.
func dsizeMatch(d rules.Dsize, n int) bool {
	switch d.Op {
	case "<":
		return n < d.Min
	case ">":
		return n > d.Min
	case "!":
		return n != d.Min
	case "<>":
		return n > d.Min && n < d.Max
	}
	return n == d.Min
}

// contentsMatch finds cs[i:] in pay, prevEnd being where the match of
// cs[i-1] ended; each occurrence of a content is tried, so a later
// relative content can still be found after an earlier false start.
func contentsMatch(cs []rules.Content, pay []byte, i, prevEnd int) bool {
	if i == len(cs) {
		return true
	}
	c := &cs[i]
	lo, hi := contentWindow(c, len(pay), prevEnd)
	if c.Negated {
		if lo <= hi && indexIn(pay[lo:hi], c.Bytes, c.Nocase) >= 0 {
			return false
		}
		return contentsMatch(cs, pay, i+1, prevEnd)
	}
	for lo <= hi {
		k := indexIn(pay[lo:hi], c.Bytes, c.Nocase)
		if k < 0 {
			return false
		}
		if contentsMatch(cs, pay, i+1, lo+k+len(c.Bytes)) {
			return true
		}
		lo += k + 1
	}
	return false
}

// contentWindow is the part of a payload of n bytes where c may match:
// offset and depth from the start, or distance and within from the
// previous match's end (both as Suricata and Snort 3 count them).
func contentWindow(c *rules.Content, n, prevEnd int) (lo, hi int) {
	lo, hi = 0, n
	if c.Distance != nil || c.Within != nil {
		lo = prevEnd
		if c.Distance != nil {
			lo += *c.Distance
		}
		if c.Within != nil {
			hi = prevEnd + *c.Within
		}
	} else {
		if c.Offset != nil {
			lo = *c.Offset
		}
		if c.Depth != nil {
			hi = lo + *c.Depth
		}
	}
	lo, hi = max(lo, 0), min(hi, n)
	if lo > hi {
		return 1, 0
	}
	return lo, hi
}

func indexIn(hay, needle []byte, nocase bool) int {
	if !nocase {
		return bytes.Index(hay, needle)
	}
	for i := 0; i+len(needle) <= len(hay); i++ {
		if bytes.EqualFold(hay[i:i+len(needle)], needle) {
			return i
		}
	}
	return -1
}

// want says what the check asks for, for the why.
func (c *check) want() string {
	switch c.kind {
	case kProto:
		if c.proto == 0 {
			return "any IPv4 packet"
		}
		return article(protoName(c.proto)) + " packet with its whole header"
	case kFlags:
		return flagsWant(c.flags)
	case kFragbits:
		return fragbitsWant(c.fragbits)
	case kDsize:
		return dsizeWant(c.dsize)
	case kContent:
		return contentWant(c.contents[c.ci])
	case kFlow:
		return "flow " + c.value
	case kSameIP:
		return "the same source and destination address"
	case kSrc, kDst, kSport, kDport, kBoth:
		return c.value
	}
	return c.num.String()
}

// seen says what p has where c looks, for the why.
func (c *check) seen(p *pkt, f *flowInfo) string {
	if p.frag && !p.reassembled && c.payloadCheck() {
		return "a fragment: payload options are matched on the reassembled datagram only"
	}
	if v, ok := p.value(c.kind); ok { // the header values the numeric keywords read
		return fmt.Sprint(v)
	}
	switch c.kind {
	case kProto:
		if p.proto == c.proto && p.frag && !p.reassembled {
			return fmt.Sprintf("a %s fragment (transport rules see the reassembled datagram only)", protoName(p.proto))
		}
		if p.proto == c.proto && !p.l4ok {
			return fmt.Sprintf("a %s packet cut short inside its header", protoName(p.proto))
		}
		return protoName(p.proto)
	case kSrc:
		return ipString(p.src)
	case kDst:
		return ipString(p.dst)
	case kSport:
		return fmt.Sprint(p.sport)
	case kDport:
		return fmt.Sprint(p.dport)
	case kBoth:
		return fmt.Sprintf("%s:%d -> %s:%d", ipString(p.src), p.sport, ipString(p.dst), p.dport)
	case kFlags:
		if p.proto != wire.ProtoTCP || !p.l4ok {
			return "no TCP header"
		}
		return flagString(p.flags)
	case kFragbits:
		return fragString(p.fragbits)
	case kDsize:
		return fmt.Sprint(p.dsize())
	case kAck, kSeq, kWindow:
		return "no TCP header"
	case kIType, kICode:
		return "no ICMP header"
	case kICMPID:
		return "no ICMP identifier"
	case kICMPSeq:
		return "no ICMP sequence"
	case kFlow:
		return f.String()
	case kSameIP:
		return ipString(p.src) + " -> " + ipString(p.dst)
	case kContent:
		return fmt.Sprintf("a %d-byte payload without it%s", len(p.payload), payloadExcerpt(p.payload))
	}
	return "?"
}

func payloadExcerpt(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	const max = 24
	s := b
	if len(s) > max {
		s = s[:max]
	}
	var sb strings.Builder
	sb.WriteString(" (")
	for _, c := range s {
		if c >= 0x20 && c < 0x7f {
			sb.WriteByte(c)
		} else {
			sb.WriteByte('.')
		}
	}
	if len(b) > max {
		sb.WriteString("...")
	}
	sb.WriteString(")")
	return sb.String()
}

// article puts "a" or "an" before a protocol's name.
func article(name string) string {
	if strings.HasPrefix(name, "ICMP") || strings.HasPrefix(name, "IP") {
		return "an " + name
	}
	return "a " + name
}

func ipString(v uint32) string {
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}).String()
}

func protoName(p uint8) string {
	switch p {
	case wire.ProtoTCP:
		return "TCP"
	case wire.ProtoUDP:
		return "UDP"
	case wire.ProtoICMP:
		return "ICMP"
	}
	return fmt.Sprintf("IP protocol %d", p)
}

// flagLetters are Snort's flag letters from bit 0 up.
const flagLetters = "FSRPAU21"

// flagString writes flags as Snort's letters in nmap's order (S, A,
// F, R, P, U, then 2 and 1), "0" for none.
func flagString(v uint8) string {
	if v == 0 {
		return "0 (no flags)"
	}
	var sb strings.Builder
	for _, bit := range []uint8{rules.SYN, rules.ACK, rules.FIN, rules.RST, rules.PSH, rules.URG, rules.ECE, rules.CWR} {
		if v&bit != 0 {
			sb.WriteByte(flagLetter(bit))
		}
	}
	return sb.String()
}

func flagLetter(bit uint8) byte {
	for i := 0; i < 8; i++ {
		if bit == 1<<i {
			return flagLetters[i]
		}
	}
	return '?'
}

func flagsWant(f rules.Flags) string {
	bits := flagString(f.Bits)
	if f.Bits == 0 {
		bits = "no flags"
	}
	var s string
	switch f.Mod {
	case '+':
		s = bits + " and any others"
	case '*':
		s = "any of " + bits
	case '!':
		s = "none of " + bits
	default:
		s = "exactly " + bits
	}
	if f.Mask != 0 {
		s += " (" + maskString(f.Mask) + " ignored)"
	}
	return s
}

func maskString(m uint8) string {
	var names []string
	for bit, name := range map[uint8]string{rules.CWR: "CWR", rules.ECE: "ECE"} {
		if m&bit != 0 {
			names = append(names, name)
		}
	}
	if len(names) == 2 {
		names = []string{"CWR", "ECE"}
	}
	if rest := m &^ (rules.CWR | rules.ECE); rest != 0 {
		names = append(names, flagString(rest))
	}
	return strings.Join(names, "/")
}

func fragString(v uint8) string {
	if v == 0 {
		return "no fragment bits"
	}
	var sb strings.Builder
	for _, b := range []struct {
		bit uint8
		c   byte
	}{{rules.Reserved, 'R'}, {rules.DF, 'D'}, {rules.MF, 'M'}} {
		if v&b.bit != 0 {
			sb.WriteByte(b.c)
		}
	}
	return sb.String()
}

func fragbitsWant(f rules.Fragbits) string {
	bits := fragString(f.Bits)
	switch f.Mod {
	case '+':
		return bits + " and any others"
	case '*':
		return "any of " + bits
	case '!':
		return "none of " + bits
	}
	return "exactly " + bits
}

func dsizeWant(d rules.Dsize) string {
	switch d.Op {
	case "<", ">":
		return fmt.Sprintf("%s %d", d.Op, d.Min)
	case "!":
		return fmt.Sprintf("not %d", d.Min)
	case "<>":
		return fmt.Sprintf("between %d and %d (exclusive)", d.Min, d.Max)
	}
	return fmt.Sprint(d.Min)
}

func contentWant(c rules.Content) string {
	var mods []string
	add := func(name string, v *int) {
		if v != nil {
			mods = append(mods, fmt.Sprintf("%s %d", name, *v))
		}
	}
	if c.Nocase {
		mods = append(mods, "nocase")
	}
	add("offset", c.Offset)
	add("depth", c.Depth)
	add("distance", c.Distance)
	add("within", c.Within)
	s := fmt.Sprintf("%q", shorten(c.Bytes))
	if c.Negated {
		s = "no " + s
	}
	if len(mods) > 0 {
		s += " (" + strings.Join(mods, ", ") + ")"
	}
	return s
}

func shorten(b []byte) string {
	if len(b) > 32 {
		return string(b[:32]) + "..."
	}
	return string(b)
}
