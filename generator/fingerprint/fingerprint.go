package fingerprint

import "strings"

// TestNames are the tests of nmap 2.0x's battery in the order nmap builds
// and prints them: TSeq (sequence predictability), T1..T7 (TCP probes)
// and PU (the UDP probe to a closed port).
var TestNames = [...]string{"TSeq", "T1", "T2", "T3", "T4", "T5", "T6", "T7", "PU"}

// Attr is one attribute of an observed test, e.g. W=7FE0.
type Attr struct {
	Name, Value string
}

// Test is one observed test: its name and its attributes in nmap's order.
type Test struct {
	Name  string
	Attrs []Attr
}

// Value returns the value of the named attribute.
func (t *Test) Value(name string) (string, bool) {
	for _, a := range t.Attrs {
		if a.Name == name {
			return a.Value, true
		}
	}
	return "", false
}

// String prints the test as nmap does, e.g. T2(Resp=N); a test without
// attributes prints as T2().
func (t *Test) String() string {
	var b strings.Builder
	t.write(&b)
	return b.String()
}

func (t *Test) write(b *strings.Builder) {
	b.WriteString(t.Name)
	b.WriteByte('(')
	for i, a := range t.Attrs {
		if i > 0 {
			b.WriteByte('%')
		}
		b.WriteString(a.Name)
		b.WriteByte('=')
		b.WriteString(a.Value)
	}
	b.WriteByte(')')
}

// NoResponse is the test nmap synthesizes for a probe nothing answered:
// Name(Resp=N). It matters for matching, since a reference test saying
// Resp=Y then fails.
func NoResponse(name string) Test {
	return Test{Name: name, Attrs: []Attr{{Name: "Resp", Value: "N"}}}
}

// Fingerprint is an observed fingerprint: the tests of one OS detection
// attempt, in nmap's order.
type Fingerprint struct {
	Tests []Test
}

// Test returns the named test, or nil.
func (f *Fingerprint) Test(name string) *Test {
	for i := range f.Tests {
		if f.Tests[i].Name == name {
			return &f.Tests[i]
		}
	}
	return nil
}

// String prints the fingerprint as nmap 2.0x's fp2ascii() did for an
// observed one: one test per line, each line ending in a newline.
func (f *Fingerprint) String() string {
	var b strings.Builder
	for i := range f.Tests {
		f.Tests[i].write(&b)
		b.WriteByte('\n')
	}
	return b.String()
}
