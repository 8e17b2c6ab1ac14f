package detector

import (
	"bytes"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Service and version probing (nmap -sV) and scripts (-sC, and the
// version-category scripts -sV runs). nmap connects to each open port,
// waits in silence for a banner (its NULL probe), then sends one probe
// per connection, in the order of nmap-service-probes, until an answer
// matches. Each probe is a fixed string that starts the connection, so
// the first client segment of a connection is matched at packet time
// against svcProbes, a table of short prefixes written for the probes
// nmap sends first and most often; only which probes matched is kept,
// per port, never the payload.

const (
	labelVersionProbe = "service.version-probe"
	labelScript       = "service.script"
)

// svcProbe is one of nmap's service probes as the wire shows it: the
// segment starts with prefix and, when size is set, is exactly size
// bytes long (nmap sends each probe whole in one segment). telling
// probes carry bytes only nmap sends (a fixed client random, nmap's own
// name, its odd 404 path): one of them names the tool alone.
type svcProbe struct {
	name    string
	prefix  string
	size    int
	telling bool
}

// probeNULL is the index of the NULL probe (no payload: connect and wait)
// in svcProbes; the others are matched by their bytes.
const probeNULL = 0

// svcProbes are nmap's TCP probes in nmap-service-probes' order, named as
// there. Text probes are matched whole; binary ones by their first bytes
// and their length.
var svcProbes = [...]svcProbe{
	{name: "NULL"},
	{"GenericLines", "\r\n\r\n", 4, false},
	{"GetRequest", "GET / HTTP/1.0\r\n\r\n", 18, false},
	{"HTTPOptions", "OPTIONS / HTTP/1.0\r\n\r\n", 22, false},
	{"RTSPRequest", "OPTIONS / RTSP/1.0\r\n\r\n", 22, false},
	{"RPCCheck", "\x80\x00\x00\x28\x72\xfe\x1d\x13\x00\x00\x00\x00", 44, true},
	{"DNSVersionBindReqTCP", "\x00\x1e\x00\x06\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x07version\x04bind", 32, false},
	{"DNSStatusRequestTCP", "\x00\x0c\x00\x00\x10\x00\x00\x00\x00\x00\x00\x00\x00\x00", 14, false},
	{"Hello", "EHLO\r\n", 6, false},
	{"Help", "HELP\r\n", 6, false},
	{"SSLSessionReq", "\x16\x03\x00\x00\x53\x01\x00\x00\x4f\x03\x00\x3f\x47\xd7\xf7\xba", 88, true},
	{"TerminalServerCookie", "\x03\x00\x00\x2a\x25\xe0\x00\x00\x00\x00\x00Cookie: mstshash=nmap", 42, true},
	{"TLSSessionReq", "\x16\x03\x00\x00\x69\x01\x00\x00\x65\x03\x03\x55\x1c\xa7\xe4random1", 110, true},
	{"SSLv23SessionReq", "\x80\x9e\x01\x03\x01\x00\x75\x00\x00\x00\x20", 160, false},
	{"Kerberos", "\x00\x00\x00\x71\x6a\x81\x6e\x30\x81\x6b\xa1\x03\x02\x01\x05", 117, false},
	{"SMBProgNeg", "\x00\x00\x00\xa4\xffSMBr\x00\x00\x00\x00\x08\x01\x40", 168, false},
	{"X11Probe", "\x6c\x00\x0b\x00\x00\x00\x00\x00\x00\x00\x00\x00", 12, false},
	{"FourOhFourRequest", "GET /nice%20ports%2C/Tri%6Eity.txt%2ebak HTTP/1.0\r\n\r\n", 53, true},
	{"LPDString", "\x01default\n", 9, false},
	{"LDAPSearchReq", "\x30\x84\x00\x00\x00\x2d\x02\x01\x07\x63\x84", 51, false},
	{"LDAPBindReq", "\x30\x0c\x02\x01\x01\x60\x07\x02\x01\x02\x04\x00\x80\x00", 14, false},
	{"SIPOptions", "OPTIONS sip:nm SIP/2.0\r\nVia: SIP/2.0/TCP nm;branch=foo\r\n", 0, true},
	{"LANDesk-RC", "TNMP\x04\x00\x00\x00TNME\x00\x00\x04\x00", 16, false},
	{"TerminalServer", "\x03\x00\x00\x0b\x06\xe0\x00\x00\x00\x00\x00", 11, false},
	{"NCP", "DmdT\x00\x00\x00\x17\x00\x00\x00\x01", 23, false},
	{"NotesRPC", "\x3a\x00\x00\x00\x2f\x00\x00\x00\x02\x00\x00\x40\x02\x0f", 60, false},
	{"JavaRMI", "JRMI\x00\x02\x4b", 7, false},
	{"Radmin", "\x01\x00\x00\x00\x01\x00\x00\x00\x08\x08", 10, false},
	{"NessusTPv12", "< NTP/1.2 >\n", 12, false},
	{"NessusTPv11", "< NTP/1.1 >\n", 12, false},
	{"NessusTPv10", "< NTP/1.0 >\n", 12, false},
	{"WMSRequest", "\x01\x00\x00\xfd\xce\xfa\x0b\xb0\xa0\x00\x00\x00MMS", 0, false},
	{"oracle-tns", "\x00\x5a\x00\x00\x01\x00\x00\x00\x01\x36\x01\x2c", 90, false},
	{"ms-sql-s", "\x12\x01\x00\x34\x00\x00\x00\x00\x00\x00\x15\x00\x06\x01", 52, false},
	{"ajp", "\x12\x34\x00\x01\x0a", 5, false},
	{"hp-pjl", "\x1b%-12345X@PJL INFO ID\r\n", 0, false},
	{"afp", "\x00\x03\x00\x01\x00\x00\x00\x00\x00\x00\x00\x02\x00\x00\x00\x00\x0f\x00", 18, false},
	{"mongodb", "\x41\x00\x00\x00\x3a\x30\x00\x00\xff\xff\xff\xff\xd4\x07\x00\x00\x00\x00\x00\x00test.$cmd", 65, false},
	{"xmlsysd", "init\noff all\non identity version\nsend\nquit\n", 0, false},
	{"tn3270", "\xff\xfb\x18\xff\xfa\x18\x00IBM-3279-4-E\xff\xf0", 0, false},
	{"giop", "GIOP\x01\x00\x01\x00\x24\x00\x00\x00", 48, false},
	{"mqtt", "\x10\x10\x00\x04MQTT\x04\x02\x00\x1e\x00\x04nmap", 18, true},
	{"iperf3", "0000000000000000000000000000000000000\x00", 41, false},
}

// The probe set per port is a bitmask over svcProbes.
var _ = [64 - len(svcProbes)]struct{}{}

// matchProbe returns the index in svcProbes of the probe payload is, or
// -1. payLen is the segment's length as sent (the capture may cut it).
func matchProbe(payload []byte, payLen int) int {
	if len(payload) == 0 {
		return -1
	}
	for i := 1; i < len(svcProbes); i++ {
		pr := &svcProbes[i]
		if pr.prefix[0] != payload[0] || pr.size != 0 && payLen != pr.size {
			continue
		}
		if bytes.HasPrefix(payload, []byte(pr.prefix)) {
			return i
		}
	}
	return -1
}

// nseAgent is the User-Agent nmap's scripts send over HTTP; it names the
// Nmap Scripting Engine.
const nseAgent = "Nmap Scripting Engine"

// svcScript is a request that names the script that sent it.
type svcScript struct {
	name   string
	prefix string
	// needsAgent: the request is nmap's only with nseAgent in it (an
	// ordinary path).
	needsAgent bool
	// whole: the segment is prefix and nothing more.
	whole bool
}

// svcScripts are requests nmap's scripts send that name them.
var svcScripts = [...]svcScript{
	{"http library's 404 check (/nmaplowercheck)", "GET /nmaplowercheck", false, false},
	{"hnap-info", "GET /HNAP1 ", true, false},
	{"vmware-version", "POST /sdk ", true, false},
	{"http-trane-info", "GET /evox/about ", true, false},
	{"http-robots.txt", "GET /robots.txt ", true, false},
	{"http-methods", "OPTIONS / HTTP/1.1\r\n", true, false},
	// The whole hello: WebLogic's own clients add MS: and PU: lines.
	{"weblogic-t3-info", "t3 12.1.2\nAS:2048\nHL:19\n\n", false, true},
}

var _ = [16 - len(svcScripts)]struct{}{}

// matchScript reports what a connection's first segment says of nmap's
// scripts: whether it carries nseAgent, and the bit of the script it
// names in svcScripts, if any.
func matchScript(payload []byte) (agent bool, scripts uint16) {
	// Requests start with a method or, for T3, "t3 ": other segments
	// (most of a connection's bytes) are not searched.
	if len(payload) < 4 || (payload[0] < 'A' || payload[0] > 'Z') && payload[0] != 't' {
		return false, 0
	}
	agent = bytes.Contains(payload, []byte(nseAgent))
	for i := range svcScripts {
		sc := &svcScripts[i]
		if (agent || !sc.needsAgent) && bytes.HasPrefix(payload, []byte(sc.prefix)) &&
			(!sc.whole || len(payload) == len(sc.prefix)) {
			scripts |= 1 << i
		}
	}
	return agent, scripts
}

// nullWait is how long a connection must stay silent, from the
// handshake until the client closes it having sent nothing, to count as nmap's
// NULL probe (nmap waits 5 to 6 s for a banner).
const nullWait = 4 * time.Second

// maxSvcPorts bounds the ports a source's service probing is kept for.
const maxSvcPorts = 32

// svcPort is what one source sent to one port of one target that says
// nmap probed its service.
type svcPort struct {
	target ipAddr
	port   uint16
	// probes is the set of svcProbes seen, by index.
	probes uint64
	// scripts is the set of svcScripts named; agent counts the
	// segments that carried nseAgent.
	scripts     uint16
	agent       uint16
	matched     uint16 // segments that matched a probe
	wait        int64  // the longest NULL wait seen, ns
	first, last int64
}

// svcConn is a connection whose handshake the client completed and
// that has carried no data yet: its first segment will have seq.
type svcConn struct {
	target       ipAddr
	sport, dport uint16
	seq          uint32
	open         bool  // no segment has used it yet
	ts           int64 // when the handshake completed
}

// svcRing is the number of such connections a source keeps; older ones
// are overwritten (nmap's scripts open several at once).
const svcRing = 8

// svcState is a source's service probing; nil until the source
// completes a handshake.
type svcState struct {
	// conns are the latest connections not yet used, so that a
	// connection's first segment is known even when several run in
	// parallel to one port (they share a flow).
	conns [svcRing]svcConn
	next  uint8
	ports []svcPort // at most maxSvcPorts
	// dropped counts matches on ports past the cap.
	dropped uint32
}

// opened records that s completed a handshake with p, its ACK.
func (st *svcState) opened(p *packet) {
	if st.find(p) != nil {
		return // a later ACK before any data (e.g. of a banner)
	}
	st.conns[st.next%svcRing] = svcConn{target: p.dst, sport: p.sport, dport: p.dport, seq: p.seq, open: true, ts: p.ts}
	st.next++
}

// find returns the unused connection p belongs to with p's seq, the
// one its first segment will carry, or nil.
func (st *svcState) find(p *packet) *svcConn {
	for i := range st.conns {
		c := &st.conns[i]
		if c.open && c.sport == p.sport && c.seq == p.seq && c.dport == p.dport && c.target == p.dst {
			return c
		}
	}
	return nil
}

// take returns the unused connection p starts, if it is kept, and
// marks it used.
func (st *svcState) take(p *packet) (svcConn, bool) {
	c := st.find(p)
	if c == nil {
		return svcConn{}, false
	}
	taken := *c
	c.open = false
	return taken, true
}

func (s *svcState) port(target ipAddr, port uint16, ts int64) *svcPort {
	for i := range s.ports {
		if p := &s.ports[i]; p.target == target && p.port == port {
			p.last = ts
			return p
		}
	}
	if len(s.ports) >= maxSvcPorts {
		if s.dropped < ^uint32(0) {
			s.dropped++
		}
		return nil
	}
	s.ports = append(s.ports, svcPort{target: target, port: port, first: ts, last: ts})
	return &s.ports[len(s.ports)-1]
}

// probed reports whether nmap's service probes went to target:port. st
// may be nil.
func (st *svcState) probed(target ipAddr, port uint16) bool {
	if st == nil {
		return false
	}
	for i := range st.ports {
		if p := &st.ports[i]; p.target == target && p.port == port && p.probes&^(1<<probeNULL) != 0 {
			return true
		}
	}
	return false
}

// serviceData reads the client segment p of s's connection f: when it
// starts the connection (its seq is the one the SYN/ACK acknowledged),
// it may be a service probe or a script's request.
//
// A script's request names nmap wherever it is; parallel connections to
// one port share a flow, whose synAckAck is only the latest handshake's,
// so scripts (run in parallel) are matched on every segment.
func (d *Detector) serviceData(s *source, f *flow, p *packet) {
	first := p.seq == f.synAckAck
	if s.svc != nil {
		if _, ok := s.svc.take(p); ok {
			first = true
		}
	}
	i := -1
	if first {
		i = matchProbe(p.payload, p.payLen)
	}
	agent, scripts := matchScript(p.payload)
	if i < 0 && !agent && scripts == 0 {
		return
	}
	if s.svc == nil {
		s.svc = &svcState{}
	}
	sp := s.svc.port(p.dst, p.dport, p.ts)
	if sp == nil {
		return
	}
	if i >= 0 {
		sp.probes |= 1 << i
		if sp.matched < ^uint16(0) {
			sp.matched++
		}
	}
	if agent && sp.agent < ^uint16(0) {
		sp.agent++
	}
	sp.scripts |= scripts
}

// serviceAck reads a bare ACK of s's connection f: the one that
// completes the handshake opens a connection whose first segment is
// still to come.
func (d *Detector) serviceAck(s *source, f *flow, p *packet) {
	if p.seq != f.synAckAck {
		return
	}
	if s.svc == nil {
		s.svc = &svcState{}
	}
	s.svc.opened(p)
}

// serviceClose reads a FIN or RST by which s closes its connection f:
// closed having sent nothing, long after the SYN, it is nmap's NULL
// probe (connect and wait for a banner). Such a wait alone names no
// scanner (idle connections are common); it is kept only as evidence
// beside the probes that do.
func (d *Detector) serviceClose(s *source, f *flow, p *packet) {
	var wait int64
	var c svcConn
	ok := false
	if s.svc != nil {
		c, ok = s.svc.take(p)
	}
	switch {
	case ok:
		wait = p.ts - c.ts
	case p.seq == f.synAckAck:
		wait = p.ts - f.last
	default:
		return
	}
	if wait < int64(nullWait) {
		return
	}
	if s.svc == nil {
		s.svc = &svcState{}
	}
	if sp := s.svc.port(p.dst, p.dport, p.ts); sp != nil {
		sp.probes |= 1 << probeNULL
		sp.wait = max(sp.wait, wait)
	}
}

// analyzeServiceProbes reports service.version-probe and service.script.
func analyzeServiceProbes(a *analysis) {
	st := a.src.svc
	if st == nil {
		return
	}
	ports := slices.Clone(st.ports)
	slices.SortFunc(ports, func(x, y svcPort) int {
		if c := x.target.compare(y.target); c != 0 {
			return c
		}
		return int(x.port) - int(y.port)
	})
	// NSE's shortport.ssl, the portrule of the ssl scripts, sends
	// nmap-service-probes' TLSSessionReq to a port -sV has not named:
	// that probe alone, beside scripts' requests, is a script's.
	var all uint64
	for _, p := range ports {
		all |= p.probes
	}
	sslCheck := all == 1<<probeTLSSession && scriptsSeen(ports)
	if !sslCheck {
		versionProbe(a, ports)
	}
	scriptFinding(a, ports, sslCheck)
}

// probeTLSSession is TLSSessionReq's index in svcProbes.
var probeTLSSession = slices.IndexFunc(svcProbes[:], func(p svcProbe) bool { return p.name == "TLSSessionReq" })

func scriptsSeen(ps []svcPort) bool {
	for _, p := range ps {
		if p.agent > 0 || p.scripts != 0 {
			return true
		}
	}
	return false
}

// versionProbe reports nmap's service probes when they name it: two
// different probes, one telling probe, or a probe on a port that first
// got the NULL probe's silent wait.
func versionProbe(a *analysis, ports []svcPort) {
	var all uint64
	nullThen := false
	var probed []svcPort
	for _, p := range ports {
		named := p.probes &^ (1 << probeNULL)
		all |= p.probes
		if named != 0 && p.probes&(1<<probeNULL) != 0 {
			nullThen = true
		}
		if p.probes != 0 {
			probed = append(probed, p)
		}
	}
	named := all &^ (1 << probeNULL)
	telling := false
	for i := range svcProbes {
		if named&(1<<i) != 0 && svcProbes[i].telling {
			telling = true
		}
	}
	if named == 0 || bitCount(named) < 2 && !telling && !nullThen {
		return
	}
	f := Finding{Label: labelVersionProbe, Scanner: a.scanner, Ports: len(probed), Targets: svcTargets(probed),
		Attrs: map[string]string{"probes": strings.Join(probeNames(all), ",")}}
	f.First, f.Last = svcSpan(probed)
	for _, p := range probed {
		f.Packets += int(p.matched)
		line := fmt.Sprintf("%s port %d: %s", netAddr(p.target), p.port, strings.Join(probeNames(p.probes&^(1<<probeNULL)), ", "))
		if p.probes&^(1<<probeNULL) == 0 {
			line = fmt.Sprintf("%s port %d: no other probe", netAddr(p.target), p.port)
		}
		if p.probes&(1<<probeNULL) != 0 {
			line += fmt.Sprintf("; the NULL probe: connected and sent nothing for %.1f s until the connection closed", time.Duration(p.wait).Seconds())
		}
		f.Evidence = append(f.Evidence, line)
	}
	var tells []string
	for i := range svcProbes {
		if named&(1<<i) != 0 && svcProbes[i].telling {
			tells = append(tells, svcProbes[i].name)
		}
	}
	f.Evidence = append(f.Evidence, fmt.Sprintf("%s of nmap-service-probes, each the first bytes of its own connection", plural(bitCount(named), "distinct probe")))
	if len(tells) > 0 {
		f.Evidence = append(f.Evidence, fmt.Sprintf("%s carry bytes only nmap sends (its fixed hello randoms, cookie or 404 path)", strings.Join(tells, ", ")))
	}
	if a.src.svc.dropped > 0 {
		f.Evidence = append(f.Evidence, fmt.Sprintf("%s on further ports not kept (cap %d ports)", plural(int(a.src.svc.dropped), "probe"), maxSvcPorts))
	}
	a.out = append(a.out, f)
}

// scriptFinding reports nmap's scripts where the wire names them: the
// Nmap Scripting Engine's User-Agent, or a request only a script sends.
func scriptFinding(a *analysis, ports []svcPort, sslCheck bool) {
	var used []svcPort
	var scripts uint16
	agent := 0
	for _, p := range ports {
		if p.agent > 0 || p.scripts != 0 || sslCheck && p.probes != 0 {
			used = append(used, p)
			scripts |= p.scripts
			agent += int(p.agent)
		}
	}
	if len(used) == 0 {
		return
	}
	var names []string
	for i := range svcScripts {
		if scripts&(1<<i) != 0 {
			names = append(names, svcScripts[i].name)
		}
	}
	if sslCheck {
		names = append(names, "shortport.ssl")
	}
	f := Finding{Label: labelScript, Scanner: a.scanner, Ports: len(used), Targets: svcTargets(used),
		Attrs: map[string]string{"agent_requests": strconv.Itoa(agent)}}
	if len(names) > 0 {
		f.Attrs["scripts"] = strings.Join(names, ",")
	}
	f.First, f.Last = svcSpan(used)
	for _, p := range used {
		f.Packets += int(p.agent)
		line := fmt.Sprintf("%s port %d: %s with the User-Agent of the %s", netAddr(p.target), p.port, plural(int(p.agent), "request"), nseAgent)
		var ns []string
		for i := range svcScripts {
			if p.scripts&(1<<i) != 0 {
				ns = append(ns, svcScripts[i].name)
			}
		}
		if len(ns) > 0 {
			line += "; requests that name " + strings.Join(ns, ", ")
		}
		if sslCheck && p.probes != 0 {
			line += "; nmap-service-probes' TLSSessionReq alone, as NSE's shortport.ssl sends it to ask whether the port speaks TLS"
		}
		f.Evidence = append(f.Evidence, line)
	}
	a.out = append(a.out, f)
}

// probeNames lists the probes of set, in svcProbes' order.
func probeNames(set uint64) []string {
	var out []string
	for i := range svcProbes {
		if set&(1<<i) != 0 {
			out = append(out, svcProbes[i].name)
		}
	}
	return out
}

func bitCount(x uint64) int {
	n := 0
	for ; x != 0; x &= x - 1 {
		n++
	}
	return n
}

// svcTargets returns the distinct targets of ps, which are sorted.
func svcTargets(ps []svcPort) []netip.Addr {
	var out []netip.Addr
	for i, p := range ps {
		if i == 0 || p.target != ps[i-1].target {
			out = append(out, netAddr(p.target))
		}
	}
	return out
}

// svcSpan is the time of the first and the latest match on ps.
func svcSpan(ps []svcPort) (first, last time.Time) {
	f, l := ps[0].first, ps[0].last
	for _, p := range ps[1:] {
		f, l = min(f, p.first), max(l, p.last)
	}
	return ts(f), ts(l)
}
