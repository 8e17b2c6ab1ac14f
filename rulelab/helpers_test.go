package rulelab_test

import (
	"net/netip"
	"strings"
	"time"

	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/rulelab"
	"github.com/siglab/siglab/rules"
	"github.com/siglab/siglab/wire"
	"github.com/siglab/siglab/wire/wiretest"
)

// P describes one packet by its fields; zero fields take the defaults
// of a scanner's SYN from 198.18.0.2:40000 to 198.18.1.2:80.
type P struct {
	Proto        string // tcp (default), udp, icmp, or "ip" (raw, IPProto)
	IPProto      uint8
	Src, Dst     string
	SPort, DPort uint16
	Flags        string // Snort letters (FSRPAU21, C, E); "0" none; "" S
	Seq, Ack     uint32
	Win          uint16
	TTL          uint8 // 0: 64
	TOS          uint8
	ID           uint16
	Frag         uint16 // flags and offset field (wire.FlagDF, wire.FlagMF, offset)
	Payload      string
	IType, ICode uint8
	ICMPID       uint16
	ICMPSeq      uint16
}

var flagLetter = map[byte]uint8{
	'F': rules.FIN, 'S': rules.SYN, 'R': rules.RST, 'P': rules.PSH, 'A': rules.ACK, 'U': rules.URG,
	'2': rules.ECE, 'E': rules.ECE, '1': rules.CWR, 'C': rules.CWR,
}

func flagsOf(s string) uint8 {
	if s == "" {
		return rules.SYN
	}
	var v uint8
	for i := 0; i < len(s); i++ {
		if s[i] == '0' {
			continue
		}
		b, ok := flagLetter[s[i]]
		if !ok {
			panic("bad flag letter " + s)
		}
		v |= b
	}
	return v
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func (p P) header() wire.IPHeader {
	ttl := p.TTL
	if ttl == 0 {
		ttl = 64
	}
	return wire.IPHeader{
		TOS: p.TOS, ID: p.ID, Frag: p.Frag, TTL: ttl,
		Src: netip.MustParseAddr(or(p.Src, "198.18.0.2")),
		Dst: netip.MustParseAddr(or(p.Dst, "198.18.1.2")),
	}
}

// Bytes builds the packet.
func (p P) Bytes() []byte {
	h := p.header()
	sport, dport := p.SPort, p.DPort
	if sport == 0 {
		sport = 40000
	}
	if dport == 0 {
		dport = 80
	}
	switch p.Proto {
	case "", "tcp":
		win := p.Win
		if win == 0 {
			win = 1024
		}
		return wiretest.TCP(h, wire.TCPSegment{SPort: sport, DPort: dport, Seq: p.Seq, Ack: p.Ack,
			Flags: flagsOf(p.Flags), Window: win, Payload: []byte(p.Payload)})
	case "udp":
		return wiretest.UDP(h, sport, dport, []byte(p.Payload))
	case "icmp":
		return wiretest.ICMP(h, p.IType, p.ICode, p.ICMPID, p.ICMPSeq, []byte(p.Payload))
	case "ip":
		h.Proto = p.IPProto
		return wire.AppendIPv4(nil, &h, []byte(p.Payload))
	}
	panic("bad proto " + p.Proto)
}

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// compile compiles rule text (one or more lines) and fails on errors.
func compile(text string) *rulelab.Engine {
	set, err := rules.Parse("spec.rules", []byte(text))
	ExpectWithOffset(2, err).NotTo(HaveOccurred())
	e, err := rulelab.Compile(set, nil)
	ExpectWithOffset(2, err).NotTo(HaveOccurred())
	return e
}

// run feeds packets one second apart to a one-rule engine and returns
// the rule's result.
func run(rule string, pkts ...[]byte) rulelab.Result {
	e := compile(rule)
	for i, b := range pkts {
		e.Packet(t0.Add(time.Duration(i)*time.Second), b)
	}
	res := e.Results()
	ExpectWithOffset(1, res).To(HaveLen(1))
	return res[0]
}

// timed is a packet at a time offset in seconds.
type timed struct {
	At float64
	P  P
}

func runTimed(rule string, pkts ...timed) rulelab.Result {
	e := compile(rule)
	for _, tp := range pkts {
		e.Packet(t0.Add(time.Duration(tp.At*float64(time.Second))), tp.P.Bytes())
	}
	return e.Results()[0]
}

// capt is a raw-IP capture of pkts, one second apart.
func capt(pkts ...[]byte) *capture.Capture {
	c := &capture.Capture{LinkType: capture.LinkTypeRaw}
	for i, b := range pkts {
		c.Add(t0.Add(time.Duration(i)*time.Second), b, "")
	}
	return c
}

// why evaluates rule on pkts with the why pass and returns its result.
func why(rule string, pkts ...[]byte) rulelab.Result {
	e := compile(rule)
	rep := e.Evaluate(capt(pkts...), true)
	return rep.Results[0]
}

func bytesOf(ps ...P) [][]byte {
	out := make([][]byte, len(ps))
	for i, p := range ps {
		out[i] = p.Bytes()
	}
	return out
}

// rule wraps options in a tcp any any -> any any header unless the text
// already is a whole rule.
func rule(s string) string {
	if strings.Contains(s, "(") {
		return s
	}
	return "alert tcp any any -> any any (" + s + " sid:1;)"
}
