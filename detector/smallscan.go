package detector

import (
	"fmt"
	"math/bits"
	"slices"
)

// Small scans named by their probes. A SYN scan of fewer than
// MinScanPorts ports is reported only when every probe carries the packet
// template of a known scanner, features no operating system's connect()
// puts on a SYN, and the source completed no handshake: then a scan of
// one port is as plain as a scan of a thousand. SYNs that name no tool
// stay under the port threshold, which keeps ordinary clients quiet.

// Tool names, as tool.other's attr name and synScan.tool carry them.
const (
	toolNmap        = "nmap"
	toolMasscan     = "masscan"
	toolZmap        = "zmap"
	toolHping3      = "hping3"
	toolUnicornscan = "unicornscan"
	toolUnknown     = "unknown"
)

// smallScanTool names the tool whose template every probe of fs (the
// half-open SYNs of a.src) carries, "" when none does, when the probes
// went to more than one host (a horizontal scan, another analyzer's
// business), or when the source behaved like a client: it completed a
// handshake, or left a SYN/ACK unreset. Today's nmap's host discovery
// (a SYN to 443 beside ICMP echo and timestamp requests) is no port scan.
func smallScanTool(a *analysis, fs []*flow, completed int) string {
	if len(fs) == 0 || completed > 0 || slices.ContainsFunc(fs, func(f *flow) bool { return f.target != fs[0].target }) {
		return ""
	}
	if ans := countAnswers(fs); ans.reset != ans.open {
		return ""
	}
	switch {
	case all(fs, nmapSYN):
		if len(fs) == 1 && fs[0].port == 443 && a.pinged(fs[0].target) {
			return ""
		}
		return toolNmap
	case all(fs, masscanSYN):
		return toolMasscan
	case all(fs, zmapSYN):
		return toolZmap
	case all(fs, hping3SYN):
		return toolHping3
	case unicornKey(fs):
		return toolUnicornscan
	}
	return ""
}

// pinged reports whether the analysed source sent target an ICMP echo
// or timestamp request.
func (a *analysis) pinged(target ipAddr) bool {
	for _, k := range []probeKind{kindEcho, kindTimestamp} {
		if slices.ContainsFunc(a.flowsOf(k), func(f *flow) bool { return f.target == target }) {
			return true
		}
	}
	return false
}

// nmapSYN is today's nmap's raw SYN (scan_engine's send_tcp_raw): MSS 1460
// as the only option (44 bytes), a window of 1024, 2048, 3072 or 4096,
// ack 0, no DF and no payload. Kernels put SACK, timestamps or window
// scaling beside the MSS, and a window of tens of kilobytes.
func nmapSYN(f *flow) bool {
	return f.optClass == optMSS && f.mss == 1460 && f.ipLen == 44 && window20x(f.window) &&
		f.ack == 0 && !f.df && f.payLen == 0
}

// masscanSYN is masscan's template: IP ID = low 16 bits of (destination
// address XOR destination port XOR sequence number), no DF, no payload,
// and no kernel's option list.
func masscanSYN(f *flow) bool {
	return masscanPacket(f) && !f.df && f.payLen == 0 && f.optClass != optKernel
}

// zmapSYN is zmap's template (src/probe_modules/packet.c): IP ID 54321
// and window 65535, no DF, no payload.
func zmapSYN(f *flow) bool {
	return f.ipID == 54321 && f.window == 65535 && !f.df && f.payLen == 0
}

// hping3SYN is hping3 -S with its defaults: window 512, no TCP options,
// no DF, no payload (and a random ack without the ACK flag).
func hping3SYN(f *flow) bool {
	return f.window == 512 && f.optClass == optNone && !f.df && f.payLen == 0
}

// unicornKey reports whether at least two probes, from or to different
// ports, share unicornscan's SYN key: its sender draws seq =
// key ^ (dst ^ ((dport << 16) + sport)) with one key per scan
// (scan_progs/tcphash.h, TCPHASHTRACK, called by send_packet.c with the
// target's in-memory address), so seq ^ dst ^ (dport<<16 | sport) is one
// value across the scan. The address term is read in both byte orders,
// as the sender's memory may hold it either way.
func unicornKey(fs []*flow) bool {
	_, ok := unicornOrder(fs)
	return ok
}

// unicornOrder is unicornKey, also saying in which byte order the
// address was read (swap: little-endian).
func unicornOrder(fs []*flow) (swap, ok bool) {
	if len(fs) < 2 || distinct(fs, func(f *flow) uint32 { return uint32(f.port)<<16 | uint32(f.sport) }) < 2 {
		return false, false
	}
	for _, swap := range []bool{true, false} {
		k := unicornKeyOf(fs[0], swap)
		if all(fs, func(f *flow) bool { return f.payLen == 0 && unicornKeyOf(f, swap) == k }) {
			return swap, true
		}
	}
	return false, false
}

// unicornKeyOf is f's seq with unicornscan's hash of address and ports
// taken out; swap reads the address as a little-endian sender holds it.
func unicornKeyOf(f *flow, swap bool) uint32 {
	dst := f.target.v4()
	if swap {
		dst = bits.ReverseBytes32(dst)
	}
	return f.seq ^ dst ^ (uint32(f.port)<<16 + uint32(f.sport))
}

// smallScanLine says why a scan under the port threshold is reported.
func smallScanLine(ports, threshold int, tool string) string {
	return fmt.Sprintf("%s, under the %d-port threshold, but every probe carries %s's packet template and no handshake was completed", plural(ports, "port"), threshold, tool)
}
