package rulelab

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/siglab/siglab/rules"
)

// maxSeen bounds the distinct values a why lists for the check where
// the nearest packets stopped.
const maxSeen = 6

// nearest is the why pass's record of one silent rule: the packets that
// passed the most of its checks, in its own order, before one failed.
type nearest struct {
	score  int // checks passed, -1 before any packet
	failed int // the check they failed
	like   int // packets with this score
	first  pkt // the first of them, its payload copied
	flow   *flowInfo
	t      time.Time
	seen   map[string]int
	order  []string
	other  int
}

func (e *Engine) explainPacket(t time.Time, p *pkt, fi *flowInfo) {
	for k, id := range e.explain {
		c, n := e.rules[id], e.near[k]
		passed := 0
		for passed < len(c.checks) && c.checks[passed].match(p, fi) {
			passed++
		}
		if passed < n.score {
			continue
		}
		seen := "every check passed"
		if passed < len(c.checks) {
			seen = c.checks[passed].seen(p, fi)
		}
		if passed > n.score {
			n.score, n.failed, n.like, n.t = passed, passed, 0, t
			n.first = *p
			n.first.payload = append([]byte(nil), p.payload...)
			n.flow = nil
			if fi != nil {
				f := *fi
				n.flow = &f
			}
			n.seen, n.order, n.other = map[string]int{}, nil, 0
		}
		n.like++
		if _, ok := n.seen[seen]; !ok && len(n.order) >= maxSeen {
			n.other++
			continue
		} else if !ok {
			n.order = append(n.order, seen)
		}
		n.seen[seen]++
	}
}

// Near is the nearest miss of a silent rule: the first packet that got
// furthest through the rule's checks, in the rule's own order, and the
// check it failed.
type Near struct {
	Packet int
	Time   time.Time
	Flow   string // "TCP 198.18.0.2:45321 -> 198.18.1.2:80"
	Passed int    // checks passed
	Checks int    // the rule's checks
	// Keyword is the failed check's option ("flags", "window", or a
	// header part: "protocol", "source", "destination port"...), At
	// where the rule writes it, Want what it asks for.
	Keyword string
	At      rules.Pos
	Want    string
	// Seen are the values the packets as near as this one had there,
	// most frequent first, with how many packets had each; Other counts
	// packets with values past the first few.
	Seen  []Seen
	Other int
	Like  int // packets as near
	// Steps is every check of the rule on Packet: passed or not, what
	// it wants, what the packet had.
	Steps []Step
}

// Seen is one value with the number of packets that had it.
type Seen struct {
	Value   string
	Packets int
}

// Step is one check of a rule on one packet.
type Step struct {
	Keyword, Want, Seen string
	Passed              bool
}

func (n *nearest) result(c *compiled) *Near {
	if n.score < 0 {
		return nil
	}
	p := &n.first
	out := &Near{Packet: p.num, Time: n.t, Flow: flowText(p), Passed: n.score, Checks: len(c.checks), Like: n.like, Other: n.other}
	if n.score < len(c.checks) {
		ck := &c.checks[n.score]
		out.Keyword, out.At, out.Want = ck.keyword, ck.at, ck.want()
	}
	for _, v := range n.order {
		out.Seen = append(out.Seen, Seen{v, n.seen[v]})
	}
	sort.SliceStable(out.Seen, func(i, j int) bool { return out.Seen[i].Packets > out.Seen[j].Packets })
	for i := range c.checks {
		ck := &c.checks[i]
		out.Steps = append(out.Steps, Step{Keyword: ck.keyword, Want: ck.want(), Seen: ck.seen(p, n.flow), Passed: ck.match(p, n.flow)})
	}
	return out
}

func flowText(p *pkt) string {
	kind := ""
	if p.reassembled {
		kind = " (reassembled)"
	} else if p.frag {
		kind = " (fragment)"
	}
	if p.l4ok && (p.proto == 6 || p.proto == 17) {
		return fmt.Sprintf("%s %s:%d -> %s:%d%s", protoName(p.proto), ipString(p.src), p.sport, ipString(p.dst), p.dport, kind)
	}
	if p.l4ok && p.proto == 1 {
		return fmt.Sprintf("ICMP %s -> %s type %d code %d%s", ipString(p.src), ipString(p.dst), p.itype, p.icode, kind)
	}
	return fmt.Sprintf("%s %s -> %s%s", protoName(p.proto), ipString(p.src), ipString(p.dst), kind)
}

// Why says in one line why the rule fired or did not.
func (r *Result) Why() string {
	switch r.Status {
	case Disabled:
		return "disabled in the file (commented out)"
	case NotEvaluated:
		return r.Reason
	case Fired:
		a := r.Alerts[0]
		s := fmt.Sprintf("%d alert%s, first on packet %d (%s)", r.Count, plural(r.Count), a.Packet, alertFlow(a))
		if r.Matched > r.Count {
			s += fmt.Sprintf("; %d packet%s matched, %s let %d through", r.Matched, plural(r.Matched), rateText(r.Rule), r.Count)
		}
		return s
	}
	if r.Matched > 0 {
		return fmt.Sprintf("%d packet%s matched every option; %s: largest count %d", r.Matched, plural(r.Matched), rateText(r.Rule), r.RateMax)
	}
	if r.Near == nil {
		return "no packet"
	}
	n := r.Near
	if n.Keyword == "" {
		return "every check passed on the why pass but not on the first (please report)"
	}
	var seen []string
	for _, s := range n.Seen {
		if len(n.Seen) == 1 {
			seen = append(seen, s.Value)
		} else {
			seen = append(seen, fmt.Sprintf("%s ×%d", s.Value, s.Packets))
		}
	}
	if n.Other > 0 {
		seen = append(seen, fmt.Sprintf("others ×%d", n.Other))
	}
	return fmt.Sprintf("%s: seen %s, rule wants %s (%d packet%s got this far, %d of %d checks passed; first: packet %d, %s)",
		n.Keyword, strings.Join(seen, ", "), n.Want, n.Like, plural(n.Like), n.Passed, n.Checks, n.Packet, n.Flow)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func alertFlow(a Alert) string {
	p := pkt{proto: a.Proto, src: u32(a.Src), dst: u32(a.Dst), sport: a.SPort, dport: a.DPort, itype: a.ICMPType, icode: a.ICMPCode, l4ok: a.Proto == 6 || a.Proto == 17 || a.Proto == 1, reassembled: a.Reassembled}
	return flowText(&p)
}

func rateText(r *rules.Rule) string {
	t, name := r.Threshold, "threshold"
	if t == nil {
		t, name = r.DetectionFilter, "detection_filter"
	}
	if t == nil {
		return "no rate option"
	}
	if t.Type != "" {
		name += " type " + t.Type
	}
	return fmt.Sprintf("%s %s count %d in %d s", name, t.Track, t.Count, t.Seconds)
}

// Explain is the full reasoning for one rule: the rule, each of its
// checks, and the alerts or the nearest packet check by check.
func (r *Result) Explain() []string {
	rl := r.Rule
	out := []string{
		fmt.Sprintf("sid %d rev %d %q (%s)", rl.SID, rl.Rev, rl.Msg, rl.At),
		"  " + rl.Text,
		"  verdict: " + r.Status.String() + ": " + r.Why(),
	}
	switch r.Status {
	case Fired:
		n := min(len(r.Alerts), 20)
		for _, a := range r.Alerts[:n] {
			out = append(out, fmt.Sprintf("  alert: packet %d at %s: %s", a.Packet, a.Time.UTC().Format("15:04:05.000000"), alertFlow(a)))
		}
		if r.Count > n {
			out = append(out, fmt.Sprintf("  ... and %d more alerts", r.Count-n))
		}
	case Silent:
		if r.Near != nil {
			out = append(out, fmt.Sprintf("  nearest: packet %d at %s: %s", r.Near.Packet, r.Near.Time.UTC().Format("15:04:05.000000"), r.Near.Flow))
			for _, s := range r.Near.Steps {
				mark := "fail"
				if s.Passed {
					mark = "pass"
				}
				out = append(out, fmt.Sprintf("    %s %s: wants %s, seen %s", mark, s.Keyword, s.Want, s.Seen))
			}
			for _, s := range r.Near.Seen {
				out = append(out, fmt.Sprintf("  %d packet%s got as far, with %s: %s", s.Packets, plural(s.Packets), r.Near.Keyword, s.Value))
			}
		}
	}
	return out
}
