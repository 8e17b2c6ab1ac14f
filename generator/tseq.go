package generator

import (
	"math"
	"strconv"
	"strings"

	"github.com/siglab/siglab/generator/fingerprint"
)

// SeqClass is nmap 2.0x's class of a host's TCP initial sequence numbers.
type SeqClass uint8

// Sequence classes (SEQ_* in osscan.h).
const (
	SeqUnknown  SeqClass = iota // fewer than four SYN/ACKs: not classified
	SeqConstant                 // the same ISN every time
	Seq64K                      // increments by multiples of 64000
	SeqI800                     // increments by multiples of 800
	SeqTD                       // trivial time dependency (SI < 75)
	SeqRI                       // random positive increments (SI >= 75)
	SeqTR                       // truly random (some increment > 50,000,000)
)

// TSeq analysis constants from get_fingerprint().
const (
	minSeqResponses = 4          // fewer SYN/ACKs: "Insufficient responses"
	trCut           = 50_000_000 // a raw increment above this is TR
	trIndex         = 9999999
	siTDBelow       = 75 // SI threshold between TD and RI (50 in Sept-1998 betas)
)

// String is the long name nmap prints after "Class=" (seqclass2ascii()).
func (c SeqClass) String() string {
	switch c {
	case SeqConstant:
		return "constant sequence number (!)"
	case Seq64K:
		return "64K rule"
	case SeqTD:
		return "trivial time dependency"
	case SeqI800:
		return "increments by 800"
	case SeqRI:
		return "random positive increments"
	case SeqTR:
		return "truly random"
	}
	return "unknown class"
}

// Code is the class as the TSeq test writes it: C, 64K, i800, TD, RI, TR.
func (c SeqClass) Code() string {
	return [...]string{"", "C", "64K", "i800", "TD", "RI", "TR"}[c]
}

// SeqReport is the outcome of nmap 2.0x's sequence analysis (struct
// seq_info plus the gcd get_fingerprint() keeps aside).
type SeqReport struct {
	Seqs  []uint32 // the SYN/ACK sequence numbers, in arrival order
	Class SeqClass
	Index uint32 // the difficulty index (SI); 0 for constant, 1 for 64K, 10 for i800, 9999999 for TR
	GCD   uint32 // the gcd of the increments (printed for TD and RI)
}

// ClassifySeq is get_fingerprint()'s analysis of the sequence numbers
// its SYNs drew (nmap-2.0x-internals.md §5), in 32-bit unsigned
// arithmetic throughout:
//
//  1. d[k] = MOD_DIFF(s[k+1], s[k]), the circular distance;
//  2. g = gcd(d...) by Euclid (2.01 kept it in a signed int: harmless);
//  3. if g != 0: d[k] /= g, then walk k: a raw distance above 50,000,000
//     makes the class TR (index 9999999) and stops the walk, otherwise
//     d[k] is added to sum;
//  4. g == 0: constant (0); g%64000 == 0: 64K (1), even over TR;
//     g%800 == 0: i800 (10), even over TR; else unless TR: avg =
//     sum/(n-1) in integer division (the "+0.5" 2.01 adds afterwards
//     changes nothing), SI = (unsigned)(0.5 + sqrt(Σ MOD_DIFF(d[k],
//     avg)² / (n-1))), TD below 75, RI from 75.
//
// With fewer than four numbers nmap does not classify: the report keeps
// them with class SeqUnknown. The report holds a copy of seqs.
func ClassifySeq(seqs []uint32) SeqReport {
	r := SeqReport{Seqs: append([]uint32(nil), seqs...)}
	n := len(seqs)
	if n < minSeqResponses {
		return r
	}
	d := make([]uint32, n-1)
	for k := range d {
		d[k] = modDiff(seqs[k+1], seqs[k])
	}
	g := d[0]
	for _, x := range d[1:] {
		g = gcd(g, x)
	}
	r.GCD = g
	var sum uint32
	if g != 0 {
		for k := range d {
			d[k] /= g
		}
		for k := range d {
			if modDiff(seqs[k+1], seqs[k]) > trCut {
				r.Class, r.Index = SeqTR, trIndex
				break
			}
			sum += d[k]
		}
	}
	switch {
	case g == 0:
		r.Class, r.Index = SeqConstant, 0
	case g%64000 == 0:
		r.Class, r.Index = Seq64K, 1
	case g%800 == 0:
		r.Class, r.Index = SeqI800, 10
	case r.Class != SeqTR:
		r.Index = sequenceIndex(d, sum/uint32(n-1))
		r.Class = SeqRI
		if r.Index < siTDBelow {
			r.Class = SeqTD
		}
	}
	return r
}

// sequenceIndex is SI: the rounded standard deviation of the reduced
// increments around their (integer) mean, computed in double as nmap did.
func sequenceIndex(d []uint32, avg uint32) uint32 {
	var v float64
	for _, x := range d {
		m := float64(modDiff(x, avg))
		v += m * m
	}
	v /= float64(len(d))
	return uint32(0.5 + math.Sqrt(v))
}

// modDiff is MOD_DIFF: the smaller of a-b and b-a, mod 2^32.
func modDiff(a, b uint32) uint32 { return min(a-b, b-a) }

func gcd(a, b uint32) uint32 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// Difficulty is seqreport()'s label for a difficulty index.
func Difficulty(index uint32) string {
	switch {
	case index < 10:
		return "Trivial joke"
	case index < 80:
		return "Easy"
	case index < 3000:
		return "Medium"
	case index < 5000:
		return "Formidable"
	case index < 100000:
		return "Worthy challenge"
	}
	return "Good luck!"
}

// Difficulty is the report's label.
func (r SeqReport) Difficulty() string { return Difficulty(r.Index) }

// Test is the TSeq line of the observed fingerprint: Class=C%Val=<first
// ISN>, Class=64K, Class=i800, Class=TD%gcd=..%SI=.., Class=RI%gcd=..%SI=..
// or Class=TR, numbers in upper-case hex. Only meaningful for a classified
// report.
func (r SeqReport) Test() fingerprint.Test {
	t := fingerprint.Test{Name: "TSeq", Attrs: []fingerprint.Attr{{Name: "Class", Value: r.Class.Code()}}}
	switch r.Class {
	case SeqConstant:
		t.Attrs = append(t.Attrs, fingerprint.Attr{Name: "Val", Value: hexUpper(r.Seqs[0])})
	case SeqTD, SeqRI:
		t.Attrs = append(t.Attrs, fingerprint.Attr{Name: "gcd", Value: hexUpper(r.GCD)},
			fingerprint.Attr{Name: "SI", Value: hexUpper(r.Index)})
	}
	return t
}

// hexUpper is printf's %lX: upper-case hex without leading zeros.
func hexUpper(v uint32) string { return strings.ToUpper(strconv.FormatUint(uint64(v), 16)) }
