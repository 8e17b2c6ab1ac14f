package scenarios

import (
	"bytes"
	"errors"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/siglab/siglab/lazyre"
)

// nameRE is the form of scenario names: they become directory names in
// reports and arguments on the command line.
var nameRE = lazyre.New(`^[a-z0-9-]+$`)

// topKeys are the keys a scenario file may have, in the order the product
// contract shows them.
var topKeys = []string{"name", "summary", "seed", "start", "timers", "live_only", "network", "sensor", "scan", "traffic", "expect"}

// Parse reads one scenario from data; file is used in error messages and
// stored in Scenario.File. Every error is an *Error wrapping ErrInvalid.
func Parse(file string, data []byte) (*Scenario, error) {
	return ParseWith(file, data, nil)
}

// ParseWith is Parse with the detectors expect: may name (Builtin when
// dets is nil).
func ParseWith(file string, data []byte, dets *DetectorSet) (*Scenario, error) {
	p := &parser{file: file, dets: dets}
	root, err := p.document(data)
	if err != nil {
		return nil, err
	}
	if m := mappingValue(root, matrixKey); m != nil {
		return nil, p.errf(m.Line, "a matrix file holds many scenarios: read it with ParseAll or Load (siglab run and siglab scenarios --expand take it)")
	}
	return p.scenario(root)
}

// document decodes exactly one YAML document without aliases and
// returns its top node.
func (p *parser) document(data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := p.decode(dec, &doc, data); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, p.errf(1, "empty file: a scenario needs at least a name and a scan or traffic entry")
		}
		return nil, err
	}
	var extra yaml.Node
	switch err := p.decode(dec, &extra, data); {
	case errors.Is(err, io.EOF):
	case err != nil:
		return nil, err
	default:
		return nil, p.errf(extra.Line, "a second YAML document: one scenario per file")
	}
	if len(doc.Content) == 0 {
		return nil, p.errf(doc.Line, "empty file: a scenario needs at least a name and a scan or traffic entry")
	}
	if err := p.noAliases(doc.Content[0]); err != nil {
		return nil, err
	}
	return doc.Content[0], nil
}

// yamlLineRE finds the line in the YAML library's syntax errors.
var yamlLineRE = lazyre.New(`^yaml: (?:line (\d+): )?(.*)$`)

// parserProblems start the messages of the YAML library's parser (as
// opposed to its scanner). It prints their lines counted from 0, and none
// at all for the first line, so those get one added.
var parserProblems = []string{"did not find expected", "found undefined tag handle", "found duplicate %", "found incompatible YAML"}

// decode runs the YAML decoder, turning its syntax errors (and, as a
// safety net, its panics) into *Error at the line they concern.
func (p *parser) decode(dec *yaml.Decoder, n *yaml.Node, data []byte) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = p.errf(1, "the YAML library failed on this file: %v", r)
		}
	}()
	err = dec.Decode(n)
	if err == nil || errors.Is(err, io.EOF) {
		return err
	}
	m := yamlLineRE().FindStringSubmatch(err.Error())
	if m == nil {
		return p.errf(1, "bad YAML: %s", err)
	}
	line, _ := strconv.Atoi(m[1]) // 0 when the library gave no line
	msg := m[2]
	switch {
	case hasAnyPrefix(msg, parserProblems):
		// An error at the end of the input points past the last line.
		line = min(line+1, lastLine(data))
	case line == 0:
		line = guessLine(data, msg)
	}
	return p.errf(line, "bad YAML: %s", msg)
}

// unknownAnchorRE matches the library's one line-less error that names
// something findable in the file.
var unknownAnchorRE = lazyre.New(`^unknown anchor '(.*)' referenced$`)

// guessLine finds the line of an error the YAML library reports without
// one: the first use of an unknown anchor, or the first control character.
func guessLine(data []byte, msg string) int {
	at := -1
	if m := unknownAnchorRE().FindStringSubmatch(msg); m != nil {
		at = bytes.Index(data, []byte("*"+m[1]))
	} else if strings.HasPrefix(msg, "control characters") {
		at = bytes.IndexFunc(data, func(r rune) bool {
			return r < 0x20 && r != '\t' && r != '\n' && r != '\r'
		})
	}
	if at < 0 {
		return 1
	}
	return 1 + bytes.Count(data[:at], []byte("\n"))
}

// lastLine is the number of the file's last non-empty line.
func lastLine(data []byte) int {
	return max(1, 1+bytes.Count(bytes.TrimRight(data, "\r\n"), []byte("\n")))
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// noAliases rejects YAML aliases (*name): scenario files are short, and
// walking aliases would let a tiny file expand into a huge one.
func (p *parser) noAliases(n *yaml.Node) error {
	if n.Kind == yaml.AliasNode {
		return p.errf(n.Line, "YAML aliases (*%s) are not supported in scenario files: write the value out", n.Value)
	}
	for _, c := range n.Content {
		if err := p.noAliases(c); err != nil {
			return err
		}
	}
	return nil
}

// scenario checks the top-level mapping and each section. The network
// comes first whatever the key order, because traffic refers to its hosts.
func (p *parser) scenario(root *yaml.Node) (*Scenario, error) {
	if root.Kind != yaml.MappingNode {
		return nil, p.errf(root.Line, "a scenario file is a mapping (name:, network:, scan:, expect: ...), not %s", kindName(root))
	}
	fs, err := p.fields(root, "the scenario", topKeys...)
	if err != nil {
		return nil, err
	}
	s := &Scenario{File: p.file, DetectorSet: p.detectors()}
	if err := p.header(root, fs, s); err != nil {
		return nil, err
	}
	if s.Network, err = p.network(get(fs, "network")); err != nil {
		return nil, err
	}
	if s.Sensor, err = p.sensor(get(fs, "sensor")); err != nil {
		return nil, err
	}
	if s.Scan, err = p.runs(get(fs, "scan")); err != nil {
		return nil, err
	}
	if s.Traffic, err = p.traffic(get(fs, "traffic"), s); err != nil {
		return nil, err
	}
	if len(s.Scan) == 0 && len(s.Traffic) == 0 {
		return nil, p.errf(emptyLine(root, fs), "nothing happens: a scenario needs at least one scan or traffic entry")
	}
	if s.Expect, err = p.expect(get(fs, "expect")); err != nil {
		return nil, err
	}
	if s.Expect.count() == 0 {
		return nil, p.errf(emptyLine(root, fs, "expect"), "nothing to check: a scenario needs at least one expectation under expect:")
	}
	return s, nil
}

// header reads name, summary, seed, start and live_only.
func (p *parser) header(root *yaml.Node, fs []field, s *Scenario) error {
	n := get(fs, "name")
	if isNull(n) {
		return p.errf(root.Line, "missing name: every scenario needs one, e.g. name: fig2-syn")
	}
	name, err := p.str(n, "name")
	if err != nil {
		return err
	}
	if !nameRE().MatchString(name) {
		return p.errf(n.Line, "name %q: use only lowercase letters, digits and '-'", name)
	}
	s.Name = name
	if s.Summary, err = p.str(get(fs, "summary"), "summary"); err != nil {
		return err
	}
	if n := get(fs, "seed"); !isNull(n) {
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" || n.Decode(&s.Seed) != nil {
			return p.errf(n.Line, "seed must be a whole number from 0 to %d, not %s", uint64(math.MaxUint64), describe(n))
		}
	}
	if s.Start, err = p.start(get(fs, "start")); err != nil {
		return err
	}
	if s.IdealTimers, err = p.timers(get(fs, "timers")); err != nil {
		return err
	}
	s.LiveOnly, err = p.boolean(get(fs, "live_only"), "live_only")
	return err
}

// firstTimeT and endTimeT bound the moments a 1998 time_t (32 bits,
// signed) can hold: nmap 2.02's time(NULL) draws its TTL from it.
var (
	firstTimeT = time.Unix(0, 0).UTC()
	endTimeT   = time.Unix(math.MaxInt32+1, 0).UTC()
)

// start reads `start:`, the moment an offline run's virtual clock begins:
// an RFC 3339 time with its zone (1998-12-24T01:41:25.18024Z), kept in
// UTC; the zero time when the key is absent.
func (p *parser) start(n *yaml.Node) (time.Time, error) {
	if isNull(n) {
		return time.Time{}, nil
	}
	if n.Kind != yaml.ScalarNode || (n.ShortTag() != "!!timestamp" && n.ShortTag() != "!!str") {
		return time.Time{}, p.errf(n.Line, "start must be a moment such as 1998-12-24T01:41:25Z, not %s", describe(n))
	}
	t, err := time.Parse(time.RFC3339Nano, n.Value)
	if err != nil {
		return time.Time{}, p.errf(n.Line, "start: %q is not an RFC 3339 moment: give the date, the time of day and the zone, e.g. 1998-12-24T01:41:25Z", n.Value)
	}
	if t.Before(firstTimeT) || !t.Before(endTimeT) {
		return time.Time{}, p.errf(n.Line, "start: %s is outside what a 32-bit time_t holds (1970-01-01T00:00:00Z to 2038-01-19T03:14:07Z)", n.Value)
	}
	return t.UTC(), nil
}

// Timer models a scenario may give (`timers:`).
const (
	TimersLinux20 = "linux-2.0" // the default: sleeps end on Linux 2.0's 10 ms ticks
	TimersIdeal   = "ideal"     // every sleep lasts exactly what nmap asked
)

// timers reads `timers:`: whether the scanner's sleeps end on the ticks
// of the Linux 2.0 kernel it emulates (the default) or last exactly as
// long as nmap asks; true for ideal.
func (p *parser) timers(n *yaml.Node) (bool, error) {
	if isNull(n) {
		return false, nil
	}
	v, err := p.str(n, "timers")
	if err != nil {
		return false, err
	}
	switch v {
	case TimersLinux20:
		return false, nil
	case TimersIdeal:
		return true, nil
	}
	return false, p.errf(n.Line, "timers: %q is not a timer model (%s, the default, or %s)", v, TimersLinux20, TimersIdeal)
}

// emptyLine is the line to blame for a missing part: the first of keys
// the file does have, else the start of the scenario.
func emptyLine(root *yaml.Node, fs []field, keys ...string) int {
	if len(keys) == 0 {
		keys = []string{"scan", "traffic"}
	}
	for _, k := range keys {
		for _, f := range fs {
			if f.key == k {
				return f.line
			}
		}
	}
	return root.Line
}
