package detector

import (
	"cmp"
	"fmt"
	"slices"
)

const labelOtherTool = "tool.other"

// analyzeOtherTool recognises scanners other than nmap by their fixed
// packet templates (attr tool):
//   - masscan: the IP ID is the low 16 bits of destination address XOR
//     destination port XOR sequence number (its templ-pkt.c), the
//     sequence number a per-port SYN cookie, TTL 255;
//   - hping3: window 512, no options, a source port one higher with every
//     probe (its defaults with -S and -p ++N);
//   - zmap: IP ID 54321 and window 65535 on every probe.
func analyzeOtherTool(a *analysis) {
	fs := a.flowsOf(kindSYN)
	if len(fs) < a.cfg.MinScanPorts {
		return
	}
	var f Finding
	switch {
	case masscanID(fs):
		f.Attrs = map[string]string{"tool": "masscan"}
		w, _ := modal(fs, func(f *flow) uint16 { return f.window })
		ttl, _ := modal(fs, func(f *flow) uint8 { return f.ttl })
		f.Evidence = []string{
			fmt.Sprintf("IP ID = low 16 bits of (destination address XOR destination port XOR sequence number) on %d of %d SYNs: masscan's packet template", count(fs, masscanPacket), len(fs)),
			fmt.Sprintf("a different sequence number for every port (%d values): SYN cookies", distinct(fs, func(f *flow) uint32 { return f.seq })),
			fmt.Sprintf("TTL %d, window %d", ttl, w),
		}
	case hping3Ports(fs):
		lo, hi := sportSpan(fs)
		f.Attrs = map[string]string{"tool": "hping3"}
		f.Evidence = []string{
			fmt.Sprintf("the source port rises by one with every probe (%d..%d)", lo, hi),
			"window 512 and no TCP options on every SYN: hping3's defaults",
			fmt.Sprintf("a different sequence number on every probe (%d values)", distinct(fs, func(f *flow) uint32 { return f.seq })),
		}
	case 10*count(fs, func(f *flow) bool { return f.ipID == 54321 && f.window == 65535 }) >= 9*len(fs):
		f.Attrs = map[string]string{"tool": "zmap"}
		f.Evidence = []string{"IP ID 54321 and window 65535 on every probe: zmap's packet template"}
	default:
		return
	}
	f.Label, f.Scanner, f.Targets, f.Ports, f.Packets = labelOtherTool, a.scanner, targetsOf(fs), distinctPorts(fs), len(fs)
	f.First, f.Last = firstTries(fs)
	a.out = append(a.out, f)
}

// masscanPacket reports whether f's first probe carries masscan's IP ID.
func masscanPacket(f *flow) bool {
	return f.ipID == uint16(ipv4Uint(f.target)^uint32(f.port)^f.seq)
}

// masscanID reports whether nearly all of fs carry masscan's IP ID.
func masscanID(fs []*flow) bool {
	return len(fs) > 0 && 10*count(fs, masscanPacket) >= 9*len(fs)
}

// hping3Ports reports whether fs, in send order, come from source ports
// one apart with window 512 and no options.
func hping3Ports(fs []*flow) bool {
	if !all(fs, func(f *flow) bool { return f.window == 512 && f.optClass == optNone }) {
		return false
	}
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
