package siglabtest

import (
	"fmt"
	"sort"
	"strings"

	"github.com/onsi/gomega/types"

	"github.com/siglab/siglab/detector"
	"github.com/siglab/siglab/verifier"
)

// FindingOption narrows HaveFinding.
type FindingOption func(*findingQuery)

type findingQuery struct {
	label   string
	attrs   map[string]string
	scanner string
	minPkts int
}

// WithAttr requires the finding's attribute k to equal v.
func WithAttr(k, v string) FindingOption {
	return func(q *findingQuery) { q.attrs[k] = v }
}

// WithScanner requires the finding to be about this source address.
func WithScanner(addr string) FindingOption {
	return func(q *findingQuery) { q.scanner = addr }
}

// WithAtLeastPackets requires the finding to count at least n packets.
func WithAtLeastPackets(n int) FindingOption {
	return func(q *findingQuery) { q.minPkts = n }
}

// HaveFinding succeeds when the run's reference detector reported a
// finding with this label (and every option's condition). On failure it
// says what the detector did report, so a miss explains itself.
func HaveFinding(label string, opts ...FindingOption) types.GomegaMatcher {
	q := &findingQuery{label: label, attrs: map[string]string{}}
	for _, o := range opts {
		o(q)
	}
	return &findingMatcher{q: q}
}

type findingMatcher struct{ q *findingQuery }

func (m *findingMatcher) Match(actual any) (bool, error) {
	r, err := result(actual)
	if err != nil {
		return false, err
	}
	for _, f := range r.Findings {
		if m.q.matches(f) {
			return true, nil
		}
	}
	return false, nil
}

func (q *findingQuery) matches(f detector.Finding) bool {
	if f.Label != q.label || q.scanner != "" && f.Scanner.String() != q.scanner || f.Packets < q.minPkts {
		return false
	}
	for k, v := range q.attrs {
		if f.Attrs[k] != v {
			return false
		}
	}
	return true
}

func (q *findingQuery) String() string {
	s := q.label
	keys := make([]string, 0, len(q.attrs))
	for k := range q.attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		s += fmt.Sprintf(" %s=%s", k, q.attrs[k])
	}
	if q.scanner != "" {
		s += " from " + q.scanner
	}
	return s
}

func (m *findingMatcher) FailureMessage(actual any) string {
	r, _ := result(actual)
	return fmt.Sprintf("expected scenario %s to have finding %s\nthe reference detector reported:\n%s",
		name(r), m.q, describeFindings(r))
}

func (m *findingMatcher) NegatedFailureMessage(actual any) string {
	r, _ := result(actual)
	return fmt.Sprintf("expected scenario %s not to have finding %s\nthe reference detector reported:\n%s",
		name(r), m.q, describeFindings(r))
}

// Pass succeeds when every expectation the scenario file states held;
// on failure it lists the checks that missed, with their file and line.
func Pass() types.GomegaMatcher { return passMatcher{} }

type passMatcher struct{}

func (passMatcher) Match(actual any) (bool, error) {
	r, err := result(actual)
	if err != nil {
		return false, err
	}
	return r.Verdict.Status() == verifier.StatusPass || r.Verdict.Status() == verifier.StatusSkip, nil
}

func (passMatcher) FailureMessage(actual any) string {
	r, _ := result(actual)
	var b strings.Builder
	_ = verifier.WriteTable(&b, []verifier.Verdict{r.Verdict})
	return "expected scenario " + name(r) + " to pass:\n" + b.String()
}

func (passMatcher) NegatedFailureMessage(actual any) string {
	r, _ := result(actual)
	return "expected scenario " + name(r) + " not to pass"
}

// HaveNmapOutput succeeds when the run's nmap output contains s.
func HaveNmapOutput(s string) types.GomegaMatcher { return outputMatcher(s) }

type outputMatcher string

func (m outputMatcher) Match(actual any) (bool, error) {
	r, err := result(actual)
	if err != nil {
		return false, err
	}
	return strings.Contains(r.Output, string(m)), nil
}

func (m outputMatcher) FailureMessage(actual any) string {
	r, _ := result(actual)
	return fmt.Sprintf("expected nmap's output of %s to contain %q; it was:\n%s", name(r), string(m), r.Output)
}

func (m outputMatcher) NegatedFailureMessage(actual any) string {
	r, _ := result(actual)
	return fmt.Sprintf("expected nmap's output of %s not to contain %q", name(r), string(m))
}

// result unwraps what Expect was given; a run that failed is an error,
// which Gomega reports as such.
func result(actual any) (*Result, error) {
	r, ok := actual.(*Result)
	if !ok || r == nil {
		return nil, fmt.Errorf("siglabtest matchers want a *siglabtest.Result, got %T", actual)
	}
	if r.Err != nil {
		return nil, fmt.Errorf("scenario did not run: %w", r.Err)
	}
	return r, nil
}

func name(r *Result) string {
	if r == nil || r.Scenario == nil {
		return "?"
	}
	return r.Scenario.Name
}

func describeFindings(r *Result) string {
	if r == nil || len(r.Findings) == 0 {
		return "  (nothing)"
	}
	var b strings.Builder
	for _, f := range r.Findings {
		fmt.Fprintf(&b, "  %s from %s", f.Label, f.Scanner)
		keys := make([]string, 0, len(f.Attrs))
		for k := range f.Attrs {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(&b, " %s=%s", k, f.Attrs[k])
		}
		b.WriteByte('\n')
	}
	return b.String()
}
