package scenarios

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// maxCount bounds traffic.count so a typo cannot make a run last for days.
const maxCount = 10000

var (
	runKeys     = []string{"at", "nmap", "srand"}
	trafficKeys = []string{"at", "session", "dns", "flood", "count", "every", "rate", "sources"}
)

// runs reads `scan:`, the nmap 2.02 processes.
func (p *parser) runs(n *yaml.Node) ([]Run, error) {
	items, err := p.seq(n, "scan")
	if err != nil {
		return nil, err
	}
	var out []Run
	for _, it := range items {
		fs, err := p.fields(it, "scan entry", runKeys...)
		if err != nil {
			return nil, err
		}
		r := Run{Line: it.Line}
		if r.At, err = p.duration(get(fs, "at"), "at", 0); err != nil {
			return nil, err
		}
		if r.Nmap, err = p.str(get(fs, "nmap"), "nmap"); err != nil {
			return nil, err
		}
		if strings.TrimSpace(r.Nmap) == "" {
			return nil, p.errf(it.Line, "scan entry without nmap: give the command line, e.g. nmap: -sS -p1-25 victim")
		}
		if n := get(fs, "srand"); !isNull(n) {
			v, err := p.integer(n, "srand")
			if err != nil {
				return nil, err
			}
			if v < 0 || v > 1<<32-1 {
				return nil, p.errf(n.Line, "srand must be a 32-bit seed (0 to 4294967295), not %d", v)
			}
			seed := uint32(v)
			r.Srand = &seed
		}
		out = append(out, r)
	}
	return out, nil
}

// traffic reads `traffic:`, ordinary TCP sessions to open ports of the
// scenario's hosts (s.Network must already be read).
func (p *parser) traffic(n *yaml.Node, s *Scenario) ([]Traffic, error) {
	items, err := p.seq(n, "traffic")
	if err != nil {
		return nil, err
	}
	var out []Traffic
	for _, it := range items {
		t, err := p.session(it, s)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// session reads one traffic entry.
func (p *parser) session(n *yaml.Node, s *Scenario) (Traffic, error) {
	fs, err := p.fields(n, "traffic entry", trafficKeys...)
	if err != nil {
		return Traffic{}, err
	}
	t := Traffic{Line: n.Line, Count: 1}
	if t.At, err = p.duration(get(fs, "at"), "at", 0); err != nil {
		return Traffic{}, err
	}
	if fn := get(fs, "flood"); !isNull(fn) {
		if !isNull(get(fs, "session")) || !isNull(get(fs, "dns")) {
			return Traffic{}, p.errf(n.Line, "traffic entry with flood and session or dns: one kind per entry")
		}
		return p.flood(t, n, fs, s)
	}
	for _, k := range []string{"rate", "sources"} {
		if v := get(fs, k); !isNull(v) {
			return Traffic{}, p.errf(v.Line, "%s applies to flood entries only", k)
		}
	}
	if t.Every, err = p.duration(get(fs, "every"), "every", time.Second); err != nil {
		return Traffic{}, err
	}
	if t.Every == 0 {
		return Traffic{}, p.errf(get(fs, "every").Line, "every must be longer than 0s")
	}
	if cn := get(fs, "count"); !isNull(cn) {
		c, err := p.integer(cn, "count")
		if err != nil {
			return Traffic{}, err
		}
		if c < 1 || c > maxCount {
			return Traffic{}, p.errf(cn.Line, "count %d is out of range 1-%d", c, maxCount)
		}
		t.Count = int(c)
	}
	sn, dn := get(fs, "session"), get(fs, "dns")
	switch {
	case !isNull(sn) && !isNull(dn):
		return Traffic{}, p.errf(n.Line, "traffic entry with both session and dns: one kind per entry")
	case !isNull(dn):
		return p.lookups(t, dn, s)
	case isNull(sn):
		return Traffic{}, p.errf(n.Line, "traffic entry without session, dns or flood: give session: host:port, dns: host or flood: host:port")
	}
	if t.Host, t.Port, err = p.target(sn, s); err != nil {
		return Traffic{}, err
	}
	return t, nil
}

// lookups reads `dns: host`: name lookups to the host's DNS server (its
// open_udp must hold 53).
func (p *parser) lookups(t Traffic, n *yaml.Node, s *Scenario) (Traffic, error) {
	name, err := p.str(n, "dns")
	if err != nil {
		return Traffic{}, err
	}
	h, ok := s.Host(name)
	if !ok {
		return Traffic{}, p.errf(n.Line, "dns: no host %q in network.hosts", name)
	}
	if !slices.Contains(h.OpenUDP, 53) {
		return Traffic{}, p.errf(n.Line, "dns: host %q has no DNS server: add 53 to its open_udp", name)
	}
	t.Host, t.Port, t.DNS = name, 53, true
	return t, nil
}

// target reads "host:port" and checks the host exists and listens there.
func (p *parser) target(n *yaml.Node, s *Scenario) (string, uint16, error) {
	v, err := p.str(n, "session")
	if err != nil {
		return "", 0, err
	}
	host, ps, ok := strings.Cut(v, ":")
	port, perr := strconv.ParseUint(ps, 10, 16)
	if !ok || host == "" || perr != nil || port == 0 {
		return "", 0, p.errf(n.Line, "session %q: want host:port with a port from 1 to 65535, e.g. victim:22", v)
	}
	h, ok := s.Host(host)
	if !ok {
		return "", 0, p.errf(n.Line, "session %q: no host %q in network.hosts", v, host)
	}
	for _, o := range h.OpenTCP {
		if uint64(o) == port {
			return host, uint16(port), nil
		}
	}
	return "", 0, p.errf(n.Line, "session %q: port %d is not open on %s (sessions need a listener)", v, port, host)
}
