package rulelab_test

import (
	"testing"
	"time"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/rulelab"
	"github.com/siglab/siglab/rules"
	"github.com/siglab/siglab/wire"
	"github.com/siglab/siglab/wire/wiretest"
)

// FuzzEvaluate: any bytes, as a packet, as the pieces of fragments of
// one datagram, or as a capture, give verdicts and whys, never a panic.
// The classic set is compiled once, with a few rules of every kind of
// state (flow, rate, contents, fragments) added.
func FuzzEvaluate(f *testing.F) {
	set := rules.Classic()
	extra, err := rules.Parse("fuzz.rules", []byte(`
alert tcp any any -> any any (flow:established,to_server; content:"A"; content:"B"; distance:1; within:4; sid:9000001;)
alert ip any any -> any any (fragbits:M+; fragoffset:>0; dsize:>2; sid:9000002;)
alert udp any any <> any 53 (flow:to_client; content:!"x"; offset:2; depth:5; sid:9000003;)
alert icmp any any -> any any (itype:0<>20; icode:<5; icmp_id:0; icmp_seq:1; detection_filter:track by_dst, count 1, seconds 5; sid:9000004;)
alert ip any any -> any any (ttl:1-64; tos:!0; ip_proto:!tcp; sameip; threshold:type threshold, track by_src, count 2, seconds 1; sid:9000005;)
`))
	if err != nil {
		f.Fatal(err)
	}
	set.Rules = append(set.Rules, extra.Rules...)
	e, err := rulelab.Compile(set, nil)
	if err != nil {
		f.Fatal(err)
	}
	syn := P{Flags: "S", ID: 39426, Win: 2048}.Bytes()
	for _, b := range [][]byte{
		syn,
		P{Flags: "FPU1"}.Bytes(),
		P{Flags: "PA", Payload: "AxB AAAAAAAAAAAAAAAAAAAA"}.Bytes(),
		P{Proto: "udp", SPort: 53, Payload: "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"}.Bytes(),
		P{Proto: "icmp", IType: 8, ICMPID: 7}.Bytes(),
		P{Proto: "ip", IPProto: 21}.Bytes(),
	} {
		f.Add(b, uint16(8))
	}
	f.Add(syn[:30], uint16(0))
	f.Add(wiretest.Fragments(syn, 8, 16)[1], uint16(3))
	f.Fuzz(func(t *testing.T, b []byte, cut uint16) {
		tm := time.Unix(1700000000, 0)
		// One packet, then pieces of b as fragments of one datagram cut
		// at 8-byte multiples, in an order the cut decides.
		e.Reset()
		e.Packet(tm, b)
		if len(b) >= 20 {
			h := wire.IPHeader{ID: uint16(len(b)), TTL: b[8], TOS: b[1], Proto: b[9],
				Src: P{}.header().Src, Dst: P{}.header().Dst}
			data := b[20:]
			step := 8 * (1 + int(cut%4))
			var frags [][]byte
			for off := 0; off < len(data); off += step {
				end, mf := min(off+step, len(data)), uint16(wire.FlagMF)
				if end == len(data) {
					mf = 0
				}
				hh := h
				hh.Frag = mf | uint16(off/8)
				frags = append(frags, wire.AppendIPv4(nil, &hh, data[off:end]))
			}
			if cut&0x100 != 0 {
				for i, j := 0, len(frags)-1; i < j; i, j = i+1, j-1 {
					frags[i], frags[j] = frags[j], frags[i]
				}
			}
			for i, fr := range frags {
				e.Packet(tm.Add(time.Duration(i)*time.Millisecond), fr)
			}
		}
		for _, r := range e.Results() {
			_ = r.Why()
		}
		// The whole again as a capture with the why pass.
		c := &capture.Capture{LinkType: capture.LinkTypeRaw}
		c.Add(tm, b, "")
		c.Add(tm.Add(time.Duration(cut)*time.Millisecond), b, "")
		rep := e.Evaluate(c, true)
		for i := range rep.Results {
			r := &rep.Results[i]
			_ = r.Why()
			_ = r.Explain()
			if r.Status == rulelab.Fired && r.Count == 0 {
				t.Fatalf("rule %d fired without alerts", r.Rule.SID)
			}
		}
	})
}
