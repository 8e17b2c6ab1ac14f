package rulelab

import (
	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/rules"
)

// Result is one rule's verdict on one capture.
type Result struct {
	Rule   *rules.Rule
	Status Status
	Reason string // why NotEvaluated
	// Matched counts packets that met every option; Count the alerts
	// the rate options let through (Alerts holds the first MaxAlerts).
	Matched int
	Count   int
	Alerts  []Alert
	// RateMax is the largest count a rate option's track key reached
	// in one window.
	RateMax int
	// Near is the nearest miss of a silent rule that no packet
	// matched, when the why pass ran.
	Near *Near
}

// Results returns every rule's verdict so far, in file order.
func (e *Engine) Results() []Result {
	out := make([]Result, len(e.rules))
	for i, c := range e.rules {
		s := &e.st[i]
		r := Result{Rule: c.rule, Status: c.status, Reason: c.reason, Matched: s.matched, Count: s.count, Alerts: s.alerts}
		if s.rate != nil {
			r.RateMax = s.rate.best
		}
		if r.Status == Silent && s.count > 0 {
			r.Status = Fired
		}
		out[i] = r
	}
	return out
}

// Packets returns how many packets the Engine was given, and how many
// of them were not IPv4.
func (e *Engine) Packets() (all, notIPv4 int) { return e.packets, e.notIPv4 }

// Reset makes e ready for another capture: every count, alert, flow and
// fragment forgotten, the compiled rules kept.
func (e *Engine) Reset() {
	for i := range e.st {
		s := &e.st[i]
		*s = ruleState{}
		if c := e.rules[i]; c.rate != nil && c.status == Silent {
			s.rate = newRate(c.rate, c.dtf)
		}
	}
	e.flows.reset()
	e.frags = reassembler{}
	e.packets, e.notIPv4 = 0, 0
	e.explain, e.near = nil, nil
}

// Report is the verdicts of a rule set on one capture.
type Report struct {
	Results []Result
	Packets int // packets read
	NotIPv4 int // of which not IPv4, skipped
}

// Evaluate runs e on c and, with why, the why pass: each silent rule
// that no packet matched is run again over c in its own order,
// so that its nearest packets and the check they failed are known.
func (e *Engine) Evaluate(c *capture.Capture, why bool) *Report {
	e.Reset()
	e.feed(c)
	rep := &Report{Results: e.Results()}
	rep.Packets, rep.NotIPv4 = e.Packets()
	if !why {
		return rep
	}
	var ids []int32
	for i, r := range rep.Results {
		if r.Status == Silent && r.Matched == 0 {
			ids = append(ids, int32(i))
		}
	}
	if len(ids) == 0 {
		return rep
	}
	saved := e.st
	e.st = make([]ruleState, len(e.rules))
	e.flows.reset()
	e.frags, e.packets, e.notIPv4 = reassembler{}, 0, 0
	e.explain = ids
	e.near = make([]*nearest, len(ids))
	for k := range ids {
		e.near[k] = &nearest{score: -1}
	}
	e.feed(c)
	for k, id := range ids {
		rep.Results[id].Near = e.near[k].result(e.rules[id])
	}
	e.st = saved
	e.explain, e.near = nil, nil
	return rep
}

func (e *Engine) feed(c *capture.Capture) {
	for i := range c.Packets {
		p := &c.Packets[i]
		ip, err := capture.IPv4(c.LinkType, p.Data)
		if err != nil {
			e.packets++
			e.notIPv4++
			continue
		}
		e.Packet(p.Time, ip)
	}
}
