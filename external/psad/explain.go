package psad

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/siglab/siglab/capture"
)

// psad.conf's defaults (Debian's psad 2.4.6) that decide a danger level.
const (
	dangerLevel1, dangerLevel2, dangerLevel3, dangerLevel4, dangerLevel5 = 5, 15, 150, 1500, 10000
	dl1UniqueHosts                                                       = 10
	portRangeScanThreshold                                               = 1
	protocolScanThreshold                                                = 5
)

// psadVars are psad.conf's values of the variables Debian's signatures
// file uses.
var psadVars = map[string]string{"HOME_NET": "any", "EXTERNAL_NET": "any", "HTTP_SERVERS": "any",
	"SMTP_SERVERS": "any", "DNS_SERVERS": "any", "SQL_SERVERS": "any", "TELNET_SERVERS": "any",
	"HTTP_PORTS": "80", "SHELLCODE_PORTS": "!80", "ORACLE_PORTS": "1521",
	"AIM_SERVERS": "64.12.24.0/24, 64.12.25.0/24, 64.12.26.14/24, 64.12.28.0/24, 64.12.29.0/24, 64.12.161.0/24, 64.12.163.0/24, 205.188.5.0/24, 205.188.9.0/24"}

// logged is one packet as psad's parser reads its log line with the
// kernel's default LOG options (no SEQ/ACK, no options).
type logged struct {
	src             netip.Addr
	proto           string // tcp, udp, icmp, or the protocol number
	flags           string // psad's flags string: "URG PSH FIN", "NULL"
	ipLen, ttl, id  int64
	sp, dp, win     int64
	udpLen          int64
	itype, icode    int64
	icmpID, icmpSeq int64 // as psad fills them: the code and the echo ID
}

// Explain says, from a live lab's capture (LiveHops), what psad's
// documented rules make of the packets to target, with Debian's default
// psad.conf: which packets are counted toward a danger level and which
// are ignored and why, the level each source reaches and why, and the
// signatures of ConfDir's signatures file the packets match, as psad
// 2.4.6 evaluates them (its quirks included: flags:0 never matches, an
// ICMP payload is counted from a 4-byte header). Danger levels are per
// source over this one destination. It reads the kernel's LOG lines
// (over ulogd2, psad cannot parse lines without TCP flags at all) and
// leaves out psad's ICMP type and code validation and auto_dl, which
// Debian's defaults leave empty and nmap 2.02's valid echoes never hit.
func Explain(c *capture.Capture, target netip.Addr) []string {
	return ExplainAccepted(c, target, Services{}, LiveHops)
}

// ExplainAccepted is Explain for a target whose firewall accepts svc
// before its logging rule (LogOptions.Accepted), on a capture hops
// routers before the target.
func ExplainAccepted(c *capture.Capture, target netip.Addr, svc Services, hops int) []string {
	all := delivered(c, []netip.Addr{target}, hops)
	arr := slices.DeleteFunc(slices.Clone(all), func(a arrival) bool { return svc.accepts(a.pkt) })
	switch {
	case len(all) == 0:
		return []string{fmt.Sprintf("psad: no packet to %s reaches its INPUT chain, so no log line and nothing to count", target)}
	case len(arr) == 0:
		return []string{fmt.Sprintf("psad: no packet to %s is logged (%d reach its INPUT chain, all to services its firewall accepts), so nothing to count", target, len(all))}
	}
	var out []string
	sigs, sigErr := loadSignatures()
	if sigErr != nil {
		out = append(out, "psad: signatures not checked: "+sigErr.Error())
	}
	bySrc := map[netip.Addr][]logged{}
	var order []netip.Addr
	for _, a := range arr {
		l := readLogged(a.pkt)
		if _, seen := bySrc[l.src]; !seen {
			order = append(order, l.src)
		}
		bySrc[l.src] = append(bySrc[l.src], l)
	}
	for _, src := range order {
		out = append(out, explainSource(src, target, bySrc[src], sigs)...)
	}
	return out
}

// loadSignatures reads ConfDir's signatures file.
func loadSignatures() ([]signature, error) {
	f, err := os.Open(filepath.Join(ConfDir, "signatures"))
	if err != nil {
		return nil, fmt.Errorf("%w (apt-get install psad)", err)
	}
	defer f.Close()
	return readSignatures(f, psadVars)
}

// readLogged reads a delivered packet as psad reads its kernel log line.
func readLogged(p []byte) logged {
	ihl := int(p[0]&0x0f) * 4
	l := logged{src: netip.AddrFrom4([4]byte(p[12:16])), ipLen: int64(binary.BigEndian.Uint16(p[2:])),
		ttl: int64(p[8]), id: int64(binary.BigEndian.Uint16(p[4:]))}
	l4 := p[ihl:]
	switch {
	case p[9] == 6 && len(l4) >= 20:
		l.proto = "tcp"
		l.sp, l.dp, l.win = int64(binary.BigEndian.Uint16(l4)), int64(binary.BigEndian.Uint16(l4[2:])), int64(binary.BigEndian.Uint16(l4[14:]))
		// What lies between WINDOW= and URGP=, less RES=: CWR and ECE
		// included, as the kernel prints them.
		l.flags = strings.TrimSpace(tcpFlagNames(l4[13], true))
		if l4[12]&0x01 != 0 {
			l.flags = strings.TrimSpace("AE " + l.flags)
		}
		if l.flags == "" {
			l.flags = "NULL"
		}
	case p[9] == 17 && len(l4) >= 8:
		l.proto = "udp"
		l.sp, l.dp, l.udpLen = int64(binary.BigEndian.Uint16(l4)), int64(binary.BigEndian.Uint16(l4[2:])), int64(binary.BigEndian.Uint16(l4[4:]))
	case p[9] == 1 && len(l4) >= 8:
		l.proto = "icmp"
		l.itype, l.icode = int64(l4[0]), int64(l4[1])
		if l.itype == 0 || l.itype == 8 {
			// psad's regex takes CODE's value for the ID and the ID's
			// for the sequence number.
			l.icmpID, l.icmpSeq = l.icode, int64(binary.BigEndian.Uint16(l4[4:]))
		}
	default:
		l.proto = fmt.Sprint(p[9])
	}
	return l
}

// ignored says why psad's parser drops a packet before counting it, or "".
func (l logged) ignored() string {
	if l.proto == "tcp" && (strings.Contains(l.flags, "ACK") || strings.Contains(l.flags, "RST")) {
		return "carry ACK or RST (IGNORE_CONNTRACK_BUG_PKTS)"
	}
	return ""
}

// sigHit is one signature and how many packets matched it.
type sigHit struct {
	sig     signature
	packets int
}

func explainSource(src, dst netip.Addr, pkts []logged, sigs []signature) []string {
	var out []string
	head := fmt.Sprintf("psad: %s -> %s:", src, dst)
	counted := 0
	reasons := map[string]int{}
	hits := map[string]*sigHit{}
	var hitOrder []string
	protos := map[string]bool{}
	sPort, ePort := int64(65535), int64(0)
	flagSets := map[string]int{}
	var flagOrder []string
	sigDL := 0
	for _, l := range pkts {
		if why := l.ignored(); why != "" {
			reasons[why]++
			continue
		}
		counted++
		protos[l.proto] = true
		if l.proto == "tcp" || l.proto == "udp" {
			sPort, ePort = min(sPort, l.dp), max(ePort, l.dp)
		}
		if l.proto == "tcp" {
			if flagSets[l.flags] == 0 {
				flagOrder = append(flagOrder, l.flags)
			}
			flagSets[l.flags]++
		}
		for _, s := range sigs {
			if !s.matches(l, dst) {
				continue
			}
			if hits[s.sid] == nil {
				hits[s.sid] = &sigHit{sig: s}
				hitOrder = append(hitOrder, s.sid)
			}
			hits[s.sid].packets++
			sigDL = max(sigDL, s.dl)
		}
	}
	switch {
	case counted == len(pkts):
		out = append(out, fmt.Sprintf("%s %d of %d packets counted", head, counted, len(pkts)))
	case counted == 0:
		for why := range reasons {
			out = append(out, fmt.Sprintf("%s 0 of %d packets counted, all %s", head, len(pkts), why))
		}
	default:
		for why, n := range reasons {
			out = append(out, fmt.Sprintf("%s %d of %d packets counted, %d ignored: they %s", head, counted, len(pkts), n, why))
		}
	}
	for _, f := range flagOrder {
		out = append(out, fmt.Sprintf("%s %d counted TCP packets with flags %s", head, flagSets[f], f))
	}
	for _, sid := range hitOrder {
		h := hits[sid]
		out = append(out, fmt.Sprintf("%s %d packets match %q (sid %s), danger level %d", head, h.packets, h.sig.msg, sid, h.sig.dl))
	}
	if n := flagSets["NULL"]; n > 0 && !slices.ContainsFunc(hitOrder, func(s string) bool { return hits[s].sig.flags != nil && *hits[s].sig.flags == "NULL" }) {
		out = append(out, fmt.Sprintf("%s %d packets carry no flags; psad reads \"SCAN NULL\" (sid 623, flags:0) as wanting the empty flag string, which no log line has, so it never matches", head, n))
	}
	countDL, why := countLevel(counted, sPort, ePort, len(protos))
	dl := max(countDL, sigDL)
	switch {
	case dl == 0:
		out = append(out, fmt.Sprintf("%s no danger level: %s", head, why))
	case sigDL > countDL:
		out = append(out, fmt.Sprintf("%s danger level %d from its signatures (%s)", head, dl, why))
	default:
		out = append(out, fmt.Sprintf("%s danger level %d: %s", head, dl, why))
	}
	return out
}

// countLevel is assign_danger_level's count rule for one destination.
func countLevel(absnum int, sPort, ePort int64, protocols int) (int, string) {
	if absnum < dangerLevel1 {
		return 0, fmt.Sprintf("%d counted packets, below DANGER_LEVEL1 (%d)", absnum, dangerLevel1)
	}
	rng := int64(absnum) // ICMP alone: psad takes the packet count as the range
	ports := "no TCP or UDP ports"
	if ePort > 0 {
		rng = ePort - sPort
		ports = fmt.Sprintf("ports %d-%d", sPort, ePort)
	}
	if rng < portRangeScanThreshold && protocols < protocolScanThreshold {
		return 0, fmt.Sprintf("%d counted packets all to port %d (a port range of 0 is below PORT_RANGE_SCAN_THRESHOLD %d)", absnum, ePort, portRangeScanThreshold)
	}
	levels := []struct {
		below int
		name  string
	}{{dangerLevel2, "DANGER_LEVEL2"}, {dangerLevel3, "DANGER_LEVEL3"}, {dangerLevel4, "DANGER_LEVEL4"}, {dangerLevel5, "DANGER_LEVEL5"}}
	for i, l := range levels {
		if absnum < l.below {
			return i + 1, fmt.Sprintf("%d counted packets to %s, below %s (%d)", absnum, ports, l.name, l.below)
		}
	}
	return 5, fmt.Sprintf("%d counted packets to %s, at least DANGER_LEVEL5 (%d)", absnum, ports, dangerLevel5)
}

// matches is match_sigs and match_snort_keywords for one signature.
func (s signature) matches(l logged, dst netip.Addr) bool {
	if s.proto != l.proto && s.proto != "ip" {
		return false
	}
	if !inNets(s.src, l.src) || !inNets(s.dst, dst) {
		return false
	}
	if (s.proto == "tcp" || s.proto == "udp") && (!s.sp.match(l.sp) || !s.dp.match(l.dp)) {
		return false
	}
	r := s.ranges
	for k, v := range map[string]int64{"ttl": l.ttl, "id": l.id, "psad_ip_len": l.ipLen} {
		if rr, ok := r[k]; ok && !rr.match(v) {
			return false
		}
	}
	if s.ipProto || s.opts || s.sameip && l.src != dst {
		return false
	}
	if s.proto == "ip" {
		return true
	}
	var dsize int64
	switch s.proto {
	case "tcp":
		if s.flags != nil && *s.flags != l.flags {
			return false
		}
		dsize = l.ipLen - 40
		if strings.Contains(l.flags, "SYN") {
			dsize -= 40 // psad allows for options on a SYN
		}
		for k, v := range map[string]int64{"window": l.win, "seq": 0, "ack": 0} { // no SEQ/ACK in the line
			if rr, ok := r[k]; ok && !rr.match(v) {
				return false
			}
		}
	case "udp":
		dsize = l.udpLen - 8
	case "icmp":
		dsize = l.ipLen - 20 - 4 // psad's ICMP_HEADER_LEN is 4
		for k, v := range map[string]int64{"itype": l.itype, "icode": l.icode, "icmp_seq": l.icmpSeq, "icmp_id": l.icmpID} {
			if rr, ok := r[k]; ok && !rr.match(v) {
				return false
			}
		}
	}
	for _, k := range []string{"dsize", "psad_dsize"} {
		if rr, ok := r[k]; ok && !rr.match(dsize) {
			return false
		}
	}
	return true
}

func inNets(nets []netip.Prefix, a netip.Addr) bool {
	return slices.ContainsFunc(nets, func(p netip.Prefix) bool { return p.Contains(a) })
}
