package rulelab

import (
	"fmt"
	"strings"

	"github.com/siglab/siglab/rules"
	"github.com/siglab/siglab/wire"
)

// Status is what became of one rule on one capture.
type Status int

const (
	Silent       Status = iota // evaluated, no alert
	Fired                      // evaluated, at least one alert
	Disabled                   // commented out in its file
	NotEvaluated               // a keyword or value siglab does not evaluate
)

func (s Status) String() string {
	return [...]string{"silent", "fired", "disabled", "not evaluated"}[s]
}

// compiled is one rule ready to run.
type compiled struct {
	rule   *rules.Rule
	status Status // Disabled or NotEvaluated before any packet; else Silent
	reason string // why NotEvaluated
	checks []check
	fast   []int // checks in the order the hot path runs them
	rate   *rules.Threshold
	dtf    bool
	// flagOK is the set of TCP flag bytes the rule's flags accept (all
	// when it has none), for rules found by port rather than by flags.
	flagOK  [4]uint64
	proto   uint8 // 0: ip
	ipProto int   // an ip rule's single ip_proto value, -1 if none
	flow    bool  // the rule reads tracked flow state
}

// Compile readies set's rules for evaluation with vars (nil for
// LabVars) merged under the set's own variables. Rules that cannot be
// evaluated are kept and marked; an option value siglab cannot read is
// an error "file:line:column: ..." wrapping rules.ErrSyntax, and an
// undefined variable one wrapping rules.ErrUndefined; the other rules
// are still compiled, and the faults come back as rules.Errors.
func Compile(set *rules.Set, vars *rules.Vars) (*Engine, error) {
	v := rules.LabVars()
	if vars != nil {
		v = v.Merge(vars)
	}
	if set.Vars != nil {
		v = v.Merge(set.Vars)
	}
	e := &Engine{}
	var errs rules.Errors
	for _, r := range set.Rules {
		c, err := compileRule(r, v)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		e.rules = append(e.rules, c)
	}
	e.index()
	if len(errs) > 0 {
		return e, errs
	}
	return e, nil
}

func compileRule(r *rules.Rule, v *rules.Vars) (*compiled, error) {
	c := &compiled{rule: r, ipProto: -1}
	switch {
	case r.Disabled:
		c.status = Disabled
		return c, nil
	case r.Unevaluated() != "":
		c.status, c.reason = NotEvaluated, r.Unevaluated()
		return c, nil
	}
	switch r.Proto {
	case "tcp":
		c.proto = wire.ProtoTCP
	case "udp":
		c.proto = wire.ProtoUDP
	case "icmp":
		c.proto = wire.ProtoICMP
	case "ip":
	default:
		c.status, c.reason = NotEvaluated, "not evaluated: protocol "+r.Proto+" (an application-layer rule)"
		return c, nil
	}
	rr, err := v.Resolve(r)
	if err != nil {
		return nil, err
	}
	if err := c.header(rr); err != nil {
		return nil, err
	}
	for _, o := range r.Options {
		if err := c.option(r, o); err != nil {
			return nil, err
		}
		if c.status == NotEvaluated {
			return c, nil
		}
	}
	c.rate, c.dtf = r.Threshold, false
	if r.DetectionFilter != nil {
		c.rate, c.dtf = r.DetectionFilter, true
	}
	if r.Threshold != nil && r.DetectionFilter != nil {
		c.status, c.reason = NotEvaluated, "not evaluated: both threshold and detection_filter"
		return c, nil
	}
	c.order()
	for f := 0; f < 256; f++ {
		if c.flagsAccept(uint8(f)) {
			c.flagOK[f>>6] |= 1 << (f & 63)
		}
	}
	return c, nil
}

func (c *compiled) header(r *rules.Rule) error {
	pos := r.At
	c.checks = append(c.checks, check{kind: kProto, keyword: "protocol", value: r.Proto, at: pos, proto: c.proto})
	src, err := newAddrSet(r.Src)
	if err != nil {
		return fmt.Errorf("%s: %w", r.Src.At, err)
	}
	dst, err := newAddrSet(r.Dst)
	if err != nil {
		return fmt.Errorf("%s: %w", r.Dst.At, err)
	}
	sp, err := newPortSet(r.SrcPorts)
	if err != nil {
		return fmt.Errorf("%s: %w", r.SrcPorts.At, err)
	}
	dp, err := newPortSet(r.DstPorts)
	if err != nil {
		return fmt.Errorf("%s: %w", r.DstPorts.At, err)
	}
	src0, dst0 := c.rule.Src, c.rule.Dst // as written, variables and all
	sp0, dp0 := c.rule.SrcPorts, c.rule.DstPorts
	if r.Both {
		c.checks = append(c.checks, check{kind: kBoth, keyword: "addresses",
			value: fmt.Sprintf("%s %s <> %s %s", addrText(src0), portText(sp0), addrText(dst0), portText(dp0)),
			at:    pos, addr: src, port: sp, addr2: dst, port2: dp})
		return nil
	}
	c.checks = append(c.checks,
		check{kind: kSrc, keyword: "source", value: addrText(src0), at: src0.At, addr: src},
		check{kind: kDst, keyword: "destination", value: addrText(dst0), at: dst0.At, addr: dst})
	if c.proto == wire.ProtoTCP || c.proto == wire.ProtoUDP {
		// Ports: only TCP and UDP have them; the engines ignore them
		// elsewhere.
		c.checks = append(c.checks,
			check{kind: kSport, keyword: "source port", value: portText(sp0), at: sp0.At, port: sp},
			check{kind: kDport, keyword: "destination port", value: portText(dp0), at: dp0.At, port: dp})
	}
	return nil
}

// option adds the check of one option; metadata options add none.
func (c *compiled) option(r *rules.Rule, o rules.Option) error {
	ck := check{keyword: o.Keyword, value: o.Value, at: o.At}
	var err error
	num := func(max uint64, ops ...string) {
		ck.num, err = parseNumOp(o.Value, max, ops...)
	}
	switch o.Keyword {
	case "flags":
		ck.kind, ck.flags = kFlags, *r.Flags
	case "fragbits":
		ck.kind, ck.fragbits = kFragbits, *r.Fragbits
	case "dsize":
		ck.kind, ck.dsize = kDsize, *r.Dsize
	case "ack":
		ck.kind = kAck
		num(1<<32-1, "!", "<", ">", "<=", ">=")
	case "seq":
		ck.kind = kSeq
		num(1<<32-1, "!", "<", ">", "<=", ">=")
	case "window":
		ck.kind = kWindow
		num(65535, "!")
	case "id":
		ck.kind = kID
		num(65535)
	case "ttl":
		ck.kind = kTTL
		num(255, "<", ">", "<=", ">=", "-", "!")
	case "tos":
		ck.kind = kTOS
		num(255, "!")
	case "ip_proto":
		ck.kind = kIPProto
		ck.num, err = parseIPProto(o.Value)
		if p, ok := ck.num.single(); ok && c.proto == 0 {
			c.ipProto = int(p)
		}
	case "itype":
		ck.kind = kIType
		num(255, "<", ">", "<>")
	case "icode":
		ck.kind = kICode
		num(255, "<", ">", "<>")
	case "icmp_id":
		ck.kind = kICMPID
		num(65535)
	case "icmp_seq":
		ck.kind = kICMPSeq
		num(65535)
	case "fragoffset":
		ck.kind = kFragoffset
		num(8191, "!", "<", ">")
	case "sameip":
		ck.kind = kSameIP
	case "flow":
		w, bad, ok := parseFlow(o.Value)
		if !ok {
			c.status, c.reason = NotEvaluated, "not evaluated: flow value "+bad
			return nil
		}
		ck.kind, ck.flow = kFlow, w
		c.flow = c.flow || w.needsTable()
	case "content":
		idx := 0
		for _, prev := range c.checks {
			if prev.kind == kContent {
				idx++
			}
		}
		ck.kind, ck.contents, ck.ci = kContent, r.Contents, idx
	default:
		return nil // metadata, content modifiers, rate keywords
	}
	if err != nil {
		return fmt.Errorf("%s: %s %q: %v: %w", o.At, o.Keyword, o.Value, err, rules.ErrSyntax)
	}
	c.checks = append(c.checks, ck)
	return nil
}

var ipProtoNames = map[string]uint64{"icmp": 1, "igmp": 2, "tcp": 6, "udp": 17, "gre": 47, "esp": 50, "ah": 51, "icmpv6": 58, "sctp": 132}

func parseIPProto(v string) (numOp, error) {
	s := strings.TrimSpace(v)
	op := ""
	for _, o := range []string{"!", "<", ">"} {
		if strings.HasPrefix(s, o) {
			op, s = o, strings.TrimSpace(s[1:])
		}
	}
	if n, ok := ipProtoNames[strings.ToLower(s)]; ok {
		s = fmt.Sprint(n)
	}
	return parseNumOp(op+s, 255, "!", "<", ">")
}

// order puts the cheap header and integer checks first for the hot
// path; the why uses the rule's own order.
func (c *compiled) order() {
	cost := func(k kind) int {
		switch k {
		case kContent:
			return 3
		case kSrc, kDst, kBoth, kFlow:
			return 2
		case kDsize:
			return 1
		}
		return 0
	}
	c.fast = c.fast[:0]
	for pass := 0; pass <= 3; pass++ {
		for i := range c.checks {
			if cost(c.checks[i].kind) == pass && !c.given(&c.checks[i]) {
				c.fast = append(c.fast, i)
			}
		}
	}
}

// given says whether a check always holds on the packets the Engine's
// grouping sends the rule: its protocol and flags (the groups are made
// of them), and addresses and ports of "any".
func (c *compiled) given(ck *check) bool {
	switch ck.kind {
	case kProto:
		return true
	case kFlags:
		return c.proto == wire.ProtoTCP
	case kSrc, kDst:
		return ck.addr.any && !ck.addr.negated
	case kSport, kDport:
		return ck.port.any && !ck.port.negated
	case kFlow:
		return !ck.flow.needsTable()
	}
	return false
}

// flagsAccept says whether a TCP packet with flags v can pass the
// rule's flags options.
func (c *compiled) flagsAccept(v uint8) bool {
	for i := range c.checks {
		if c.checks[i].kind == kFlags && !flagsMatch(c.checks[i].flags, v) {
			return false
		}
	}
	return true
}

func addrText(a rules.Addr) string {
	s := ""
	if a.Negated {
		s = "!"
	}
	switch {
	case a.Any:
		return s + "any"
	case a.Var != "":
		return s + "$" + a.Var
	case a.List != nil:
		parts := make([]string, len(a.List))
		for i, it := range a.List {
			parts[i] = addrText(it)
		}
		return s + "[" + strings.Join(parts, ",") + "]"
	}
	if a.Prefix.IsSingleIP() {
		return s + a.Prefix.Addr().String()
	}
	return s + a.Prefix.String()
}

func portText(p rules.Port) string {
	s := ""
	if p.Negated {
		s = "!"
	}
	switch {
	case p.Any:
		return s + "any"
	case p.Var != "":
		return s + "$" + p.Var
	case p.List != nil:
		parts := make([]string, len(p.List))
		for i, it := range p.List {
			parts[i] = portText(it)
		}
		return s + "[" + strings.Join(parts, ",") + "]"
	case p.Lo == p.Hi:
		return fmt.Sprintf("%s%d", s, p.Lo)
	case p.Hi == 65535:
		return fmt.Sprintf("%s%d:", s, p.Lo)
	case p.Lo == 0:
		return fmt.Sprintf("%s:%d", s, p.Hi)
	}
	return fmt.Sprintf("%s%d:%d", s, p.Lo, p.Hi)
}
