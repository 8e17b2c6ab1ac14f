package detector

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

const labelOtherTool = "tool.other"

// analyzeOtherTool recognises scanners other than nmap by their fixed
// packet templates; attr name says which, and the evidence says what
// named it:
//   - masscan: the IP ID is the low 16 bits of destination address XOR
//     destination port XOR sequence number (its templ-pkt.c), the
//     sequence number a per-port SYN cookie, TTL 255;
//   - hping3: window 512, no options, a source port one higher with every
//     probe (its defaults with -S and -p ++N);
//   - zmap: IP ID 54321 and window 65535 on every probe;
//   - unicornscan: seq = key ^ dst ^ ((dport << 16) + sport), one key
//     per scan (smallscan.go's unicornKey);
//   - unknown: a SYN scan no rule names whose probes carry fixed
//     features no operating system's SYN has (no TCP options, one IP ID
//     on every probe); attr features lists the fixed fields seen.
//
// A scan under the port threshold gets its tool here when the SYN scan
// analyzer found every probe to carry that tool's template.
func analyzeOtherTool(a *analysis) {
	fs := a.flowsOf(kindSYN)
	var name string
	var ev []string
	switch {
	case a.syn != nil && a.syn.tool != "":
		if a.syn.tool == toolNmap {
			return
		}
		fs, _ = a.halfOpen()
		name, ev = a.syn.tool, toolEvidenceOf(a.syn.tool, fs)
	case len(fs) >= a.cfg.MinScanPorts:
		name = largeScanTool(fs)
		ev = toolEvidenceOf(name, fs)
	}
	var attrs map[string]string
	if name == "" {
		if fs, attrs, ev = unknownTool(a); fs == nil {
			return
		}
		name = toolUnknown
	}
	f := Finding{Label: labelOtherTool, Scanner: a.scanner, Targets: targetsOf(fs), Ports: distinctPorts(fs), Packets: len(fs), Evidence: ev,
		Attrs: map[string]string{"name": name}}
	for k, v := range attrs {
		f.Attrs[k] = v
	}
	f.First, f.Last = firstTries(fs)
	a.out = append(a.out, f)
}

// largeScanTool names the tool behind SYNs to at least MinScanPorts
// ports, "" when no template fits.
func largeScanTool(fs []*flow) string {
	switch {
	case masscanID(fs):
		return toolMasscan
	case hping3Ports(fs):
		return toolHping3
	case 10*count(fs, func(f *flow) bool { return f.ipID == 54321 && f.window == 65535 }) >= 9*len(fs):
		return toolZmap
	case unicornKey(fs):
		return toolUnicornscan
	}
	return ""
}

// toolEvidenceOf gives the lines that name tool from its probes fs.
func toolEvidenceOf(tool string, fs []*flow) []string {
	w, _ := modal(fs, func(f *flow) uint16 { return f.window })
	ttl, _ := modal(fs, func(f *flow) uint8 { return f.ttl })
	seqs := distinct(fs, func(f *flow) uint32 { return f.seq })
	var ev []string
	switch tool {
	case toolMasscan:
		ev = append(ev, fmt.Sprintf("IP ID = low 16 bits of (destination address XOR destination port XOR sequence number) on %d of %d SYNs: masscan's packet template", count(fs, masscanPacket), len(fs)))
		if len(fs) > 1 {
			ev = append(ev, fmt.Sprintf("a different sequence number for every port (%d values): SYN cookies", seqs))
		}
		ev = append(ev, fmt.Sprintf("TTL %d, window %d", ttl, w))
	case toolHping3:
		if len(fs) > 1 {
			lo, hi := sportSpan(fs)
			ev = append(ev, fmt.Sprintf("the source port rises by one with every probe (%d..%d)", lo, hi))
		}
		ev = append(ev, "window 512 and no TCP options on every SYN: hping3's defaults")
		if all(fs, func(f *flow) bool { return f.ack != 0 }) {
			ev = append(ev, "a non-zero ack on every SYN without the ACK flag: hping3 leaves its random ack in place")
		}
		if len(fs) > 1 {
			ev = append(ev, fmt.Sprintf("a different sequence number on every probe (%d values)", seqs))
		}
	case toolZmap:
		ev = append(ev, "IP ID 54321 and window 65535 on every probe: zmap's packet template",
			fmt.Sprintf("TTL %d at the sensor, %s", ttl, optionsSaid(fs)))
	case toolUnicornscan:
		swap, _ := unicornOrder(fs)
		ev = append(ev, fmt.Sprintf("seq XOR destination address XOR (destination port << 16 + source port) is one value (%#08x) on all %d SYNs: unicornscan's SYN key (TCPHASHTRACK)", unicornKeyOf(fs[0], swap), len(fs)),
			fmt.Sprintf("TTL %d at the sensor, window %d, %s", ttl, w, optionsSaid(fs)))
	}
	for _, f := range fs {
		if f.probes > 1 {
			ev = append(ev, fmt.Sprintf("%s to %s", plural(int(probesOf(fs)), "probe"), plural(len(fs), "port")))
			break
		}
	}
	return ev
}

// probesOf counts the probes of fs, retransmissions included.
func probesOf(fs []*flow) uint32 {
	var n uint32
	for _, f := range fs {
		n += f.probes
	}
	return n
}

// optionsSaid says which option list the probes carry.
func optionsSaid(fs []*flow) string {
	switch {
	case all(fs, func(f *flow) bool { return f.optClass == optNone }):
		return "no TCP options"
	case all(fs, func(f *flow) bool { return f.optClass == optMSS }):
		return "MSS as the only TCP option"
	}
	return "TCP options"
}

// unknownTool looks at a SYN scan no rule named: when its probes carry
// fixed fields no operating system's SYN has, it returns the probes, the
// features attr and the evidence; nil when they do not or when a tool
// label already names the scanner.
func unknownTool(a *analysis) ([]*flow, map[string]string, []string) {
	if a.syn == nil || slices.ContainsFunc(a.out, func(f Finding) bool { return strings.HasPrefix(f.Label, "tool.") }) {
		return nil, nil, nil
	}
	fs, _ := a.halfOpen()
	if len(fs) < 2 {
		return nil, nil, nil
	}
	noOpts := all(fs, func(f *flow) bool { return f.optClass == optNone })
	id, ids := modal(fs, func(f *flow) uint16 { return f.ipID })
	oneID := ids == len(fs) && !(id == 0 && fs[0].df) && fs[0].target.is4() // IPv6 has no IP ID
	if !noOpts && !oneID {
		return nil, nil, nil
	}
	var feats, ev []string
	if noOpts {
		feats = append(feats, "no-tcp-options")
		ev = append(ev, fmt.Sprintf("no TCP options on any of %s: every operating system's SYN carries at least an MSS", plural(len(fs), "SYN")))
	}
	if oneID {
		feats = append(feats, "ip-id="+strconv.Itoa(int(id)))
		ev = append(ev, fmt.Sprintf("IP ID %d on every SYN: a fixed template, where a stack counts or draws IDs", id))
	}
	if w, n := modal(fs, func(f *flow) uint16 { return f.window }); n == len(fs) {
		feats = append(feats, "window="+strconv.Itoa(int(w)))
	}
	if ttl, n := modal(fs, func(f *flow) uint8 { return f.ttl }); n == len(fs) && !slices.ContainsFunc(fs, func(f *flow) bool { return f.has(ttlChanged) }) {
		feats = append(feats, "ttl="+strconv.Itoa(int(ttl)))
	}
	if sp, n := modal(fs, func(f *flow) uint16 { return f.sport }); n == len(fs) {
		feats = append(feats, "sport="+strconv.Itoa(int(sp)))
	} else if len(fs) >= 3 && risingSports(fs) {
		feats = append(feats, "sport+1")
		lo, hi := sportSpan(fs)
		ev = append(ev, fmt.Sprintf("the source port rises by one with every probe (%d..%d)", lo, hi))
	}
	if all(fs, func(f *flow) bool { return f.df }) {
		feats = append(feats, "df")
	}
	ev = append(ev, "fixed fields seen: "+strings.Join(feats, ", ")+"; no known tool's template (nmap, masscan, zmap, hping3, unicornscan) fits")
	return fs, map[string]string{"features": strings.Join(feats, ",")}, ev
}

// masscanPacket reports whether f's first probe carries masscan's IP ID
// (never on IPv6, which has none).
func masscanPacket(f *flow) bool {
	return f.ipID == uint16(f.target.v4()^uint32(f.port)^f.seq) && f.target.is4()
}

// masscanID reports whether nearly all of fs carry masscan's IP ID.
func masscanID(fs []*flow) bool {
	return len(fs) > 0 && 10*count(fs, masscanPacket) >= 9*len(fs)
}

// hping3Ports reports whether fs, in send order, come from source ports
// one apart with window 512 and no options.
func hping3Ports(fs []*flow) bool {
	return all(fs, func(f *flow) bool { return f.window == 512 && f.optClass == optNone }) && risingSports(fs)
}

// risingSports reports whether fs, in send order, come from source
// ports one apart (at least 8 steps in 10).
func risingSports(fs []*flow) bool {
	byTime := slices.Clone(fs)
	slices.SortStableFunc(byTime, func(x, y *flow) int { return cmp.Compare(x.first, y.first) })
	steps := 0
	for i := 1; i < len(byTime); i++ {
		if byTime[i].sport == byTime[i-1].sport+1 {
			steps++
		}
	}
	return 10*steps >= 8*(len(byTime)-1)
}
