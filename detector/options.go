package detector

import (
	"bytes"
	"encoding/binary"
)

// optClass sums up a TCP option list by who writes such lists.
type optClass uint8

const (
	optNone   optClass = iota // no options: raw probes of nmap 2.0x, masscan, hping3
	optMSS                    // MSS alone: today's nmap's raw SYNs, old kernels' SYNs
	optKernel                 // MSS with SACK, timestamps or window scale: a stack's connect()
	optOS1                    // nmap 1998's T1-T7 block, exactly
	optOS2                    // today's nmap OS probes (TSval 0xFFFFFFFF, or the ECN probe's list)
	optOther                  // anything else
)

// Option presence bits.
const (
	hasMSS = 1 << iota
	hasWS
	hasSACK
	hasTS
)

// options is what the detector keeps of a TCP option list.
type options struct {
	class optClass
	has   uint8
	mss   uint16
	tsVal uint32
}

// os1Block is the 20 bytes nmap 2.0x put on T1-T7 (osscan.c): window
// scale 10, NOP, MSS 265, timestamp 0x3F3F3F3F/0, EOL, EOL.
var os1Block = []byte{3, 3, 10, 1, 2, 4, 1, 9, 8, 10, 0x3f, 0x3f, 0x3f, 0x3f, 0, 0, 0, 0, 0, 0}

// ecnBlock is the option list of today's nmap's ECN probe (osscan2.cc):
// window scale 10, NOP, MSS 1460, SACK permitted, NOP, NOP.
var ecnBlock = []byte{3, 3, 10, 1, 2, 4, 5, 0xb4, 4, 2, 1, 1}

// nmap2TSval is the timestamp value every second-generation probe sends.
const nmap2TSval = 0xffffffff

// parseOptions walks an option list without allocating. A malformed list
// (a length running past the end) still yields the options read so far,
// classed as optOther.
func parseOptions(o []byte) options {
	var r options
	if len(o) == 0 {
		return r
	}
	if bytes.Equal(o, os1Block) {
		r.class, r.has, r.mss, r.tsVal = optOS1, hasMSS|hasWS|hasTS, 265, 0x3f3f3f3f
		return r
	}
	if bytes.Equal(o, ecnBlock) {
		r.class, r.has, r.mss = optOS2, hasMSS|hasWS|hasSACK, 1460
		return r
	}
	bad, tsEcr := false, uint32(1)
walk:
	for i := 0; i < len(o); {
		kind := o[i]
		switch kind {
		case 0:
			break walk
		case 1:
			i++
			continue
		}
		if i+1 >= len(o) || o[i+1] < 2 || i+int(o[i+1]) > len(o) {
			bad = true
			break
		}
		n := int(o[i+1])
		switch {
		case kind == 2 && n == 4:
			r.has |= hasMSS
			r.mss = binary.BigEndian.Uint16(o[i+2:])
		case kind == 3 && n == 3:
			r.has |= hasWS
		case kind == 4 && n == 2:
			r.has |= hasSACK
		case kind == 8 && n == 10:
			r.has |= hasTS
			r.tsVal = binary.BigEndian.Uint32(o[i+2:])
			tsEcr = binary.BigEndian.Uint32(o[i+6:])
		default:
			bad = true
		}
		i += n
	}
	switch {
	case r.has&hasTS != 0 && r.tsVal == nmap2TSval && tsEcr == 0:
		r.class = optOS2
	case bad:
		r.class = optOther
	case r.has == hasMSS:
		r.class = optMSS
	case r.has&hasMSS != 0:
		r.class = optKernel
	default:
		r.class = optOther
	}
	return r
}

// osProbe reports whether the options mark an OS-detection probe.
func (o options) osProbe() bool { return o.class == optOS1 || o.class == optOS2 }
