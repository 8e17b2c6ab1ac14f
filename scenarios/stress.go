package scenarios

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/siglab/siglab/generator/traffic"
	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/sensor"
)

// maxFloodCount bounds a flood's SYNs: a million is some seconds at the
// rates a lab's link takes, and its capture still fits in memory.
const maxFloodCount = 1_000_000

// flood reads `flood: host:port` with its count, rate and sources. The
// port need not be open: a flood of a closed port draws RSTs, of an open
// one SYN/ACKs, both back to the spoofed sources. Count and rate must be
// given (a flood's size and pace are the point of the scenario);
// sources defaults to every address the scanner side has to spare.
func (p *parser) flood(t Traffic, n *yaml.Node, fs []field, s *Scenario) (Traffic, error) {
	if v := get(fs, "every"); !isNull(v) {
		return Traffic{}, p.errf(v.Line, "every does not apply to a flood: it is paced by rate (SYNs a second)")
	}
	fn := get(fs, "flood")
	v, err := p.str(fn, "flood")
	if err != nil {
		return Traffic{}, err
	}
	host, ps, ok := strings.Cut(v, ":")
	port, perr := strconv.ParseUint(ps, 10, 16)
	if !ok || host == "" || perr != nil || port == 0 {
		return Traffic{}, p.errf(fn.Line, "flood %q: want host:port with a port from 1 to 65535, e.g. victim:80", v)
	}
	if _, ok := s.Host(host); !ok {
		return Traffic{}, p.errf(fn.Line, "flood %q: no host %q in network.hosts", v, host)
	}
	t.Host, t.Port, t.Flood, t.Every = host, uint16(port), true, 0
	if t.Count, err = p.bounded(fs, n, "count", 1, maxFloodCount, "SYNs, e.g. count: 100000"); err != nil {
		return Traffic{}, err
	}
	if t.Rate, err = p.bounded(fs, n, "rate", 1, traffic.MaxFloodRate, "SYNs a second, e.g. rate: 20000"); err != nil {
		return Traffic{}, err
	}
	// The verifier floods from labnet.SpoofSources beside the default
	// scanner, the address every scenario's nmap runs from.
	spare := labnet.SpareSources(labnet.DefaultScanner)
	t.Sources = spare
	if sn := get(fs, "sources"); !isNull(sn) {
		c, err := p.integer(sn, "sources")
		if err != nil {
			return Traffic{}, err
		}
		if c < 1 || c > int64(spare) {
			return Traffic{}, p.errf(sn.Line, "sources %d is out of range 1-%d (the addresses %s has to spare)", c, spare, labnet.ScannerSide)
		}
		t.Sources = int(c)
	}
	return t, nil
}

// bounded reads a required whole number key of entry n within lo-hi;
// unit says what it counts, for the error when it is missing.
func (p *parser) bounded(fs []field, n *yaml.Node, key string, lo, hi int64, unit string) (int, error) {
	v := get(fs, key)
	if isNull(v) {
		return 0, p.errf(n.Line, "flood entry without %s: give %s", key, unit)
	}
	c, err := p.integer(v, key)
	if err != nil {
		return 0, err
	}
	if c < lo || c > hi {
		return 0, p.errf(v.Line, "%s %d is out of range %d-%d", key, c, lo, hi)
	}
	return int(c), nil
}

var sensorKeys = []string{"receive_buffer"}

// sensor reads the `sensor:` section.
func (p *parser) sensor(n *yaml.Node) (Sensor, error) {
	fs, err := p.fields(n, "sensor", sensorKeys...)
	if err != nil || isNull(n) {
		return Sensor{}, err
	}
	out := Sensor{Line: n.Line}
	if v := get(fs, "receive_buffer"); !isNull(v) {
		c, err := p.integer(v, "receive_buffer")
		if err != nil {
			return Sensor{}, err
		}
		if c < sensor.MinReceiveBuffer || c > sensor.MaxReceiveBuffer {
			return Sensor{}, p.errf(v.Line, "receive_buffer %d is out of range %d-%d bytes", c, sensor.MinReceiveBuffer, sensor.MaxReceiveBuffer)
		}
		out.ReceiveBuffer = int(c)
	}
	return out, nil
}
