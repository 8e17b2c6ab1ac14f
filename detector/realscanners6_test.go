package detector_test

import (
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// Today's nmap 7.93 over IPv6 (nmap -6), captured in siglab test
// networks by scripts/capture-real-scanners6.sh: the scanner namespace
// is 2001:2::c613:1 (198.19.0.1's IPv6 address), the victims
// 2001:2::c612:xxxx. Each label is the one the same scan gets over IPv4
// (realscanners_test.go) but where IPv6 itself takes a tell away, as
// the comments say.
var _ = Describe("real scanners' IPv6 captures (testdata/real6)", func() {
	const me = "2001:2::c613:1 "
	DescribeTable("yield exactly the expected findings",
		func(file string, want ...string) {
			for _, f := range expectRealFindings(filepath.Join("testdata", "real6", file+".pcap"), want) {
				Expect(f.Scanner.Is6()).To(BeTrue())
				for _, t := range f.Targets {
					Expect(t.Is6()).To(BeTrue())
				}
				for _, e := range f.Evidence {
					Expect(e).NotTo(ContainSubstring("IP ID"), "IPv6 has no IP ID")
					Expect(e).NotTo(ContainSubstring("::ffff:"), "IPv4-mapped addresses are the detector's own")
				}
			}
		},
		Entry("nmap -6 -sS", "nmap6-syn", me+"scan.tcp-syn", me+"tool.nmap-modern"),
		Entry("nmap -6 -sT", "nmap6-connect", me+"scan.tcp-connect", me+"tool.nmap-modern"),
		Entry("nmap -6 -sF", "nmap6-fin", me+"scan.tcp-fin", me+"tool.nmap-modern"),
		Entry("nmap -6 -sX", "nmap6-xmas", me+"scan.tcp-xmas", me+"tool.nmap-modern"),
		Entry("nmap -6 -sN", "nmap6-null", me+"scan.tcp-null", me+"tool.nmap-modern"),
		Entry("nmap -6 -sA", "nmap6-ack", me+"scan.tcp-ack", me+"tool.nmap-modern"),
		Entry("nmap -6 -sM", "nmap6-maimon", me+"scan.tcp-maimon", me+"tool.nmap-modern"),
		Entry("nmap -6 --scanflags SYNFIN", "nmap6-scanflags-synfin", me+"scan.tcp-custom flags=SF", me+"tool.nmap-modern"),
		// -sO over IPv6: bare 40-byte headers (payload length 0), a new
		// hop limit per packet as IPv4's TTL, answered by parameter
		// problems (unrecognised next header), read as protocol
		// unreachable.
		Entry("nmap -6 -sO", "nmap6-ipproto", me+"scan.ip-protocol", me+"tool.nmap-modern"),
		// -sY against a kernel without SCTP; the tool from nmap's INIT
		// and hop limit 255.
		Entry("nmap -6 -sY against a kernel without SCTP", "nmap6-sctp-init", me+"scan.sctp-init", me+"tool.nmap-modern"),
		Entry("nmap -6 -D 2001:2::c612:7,ME", "nmap6-decoy",
			"2001:2::c612:7 scan.tcp-syn", "2001:2::c612:7 tool.nmap-modern",
			me+"evasion.decoy real_source=2001:2::c613:1", me+"scan.tcp-syn", me+"tool.nmap-modern"),
		// nmap -6 sends hop limit 255 where IPv4's UDP probes draw a TTL
		// per packet: the tool label reads the hop limit (modern6.go).
		Entry("nmap -6 -sU", "nmap6-udp", me+"scan.udp", me+"tool.nmap-modern"),
		// nmap's IPv6 OS detection sends its IPv4 battery's TCP probes
		// (T2-T7, SEQ, ECN), U1 and IE; one retry where IPv4 takes five
		// (the IPv6 fingerprint matcher decides sooner).
		Entry("nmap -6 -O against a Linux kernel", "nmap6-os",
			me+"osdetect generation=nmap-2 outcome=retried attempts=2", me+"scan.tcp-syn", me+"seqprobe", me+"tool.nmap-modern"),
		// Host discovery: ICMPv6 has no timestamp request, so no
		// sweep.icmp-timestamp; nmap's echo, SYN to 443 and ACK to 80
		// per host name the tool (modern6.go). Five addresses are a
		// sweep for the echoes (MinSweepHosts) but not for the SYNs
		// (MinPortSweepHosts, 8) nor the two ACKs that went out.
		Entry("nmap -6 -sn of five addresses", "nmap6-sweep", me+"sweep.icmp-echo", me+"tool.nmap-modern"),
		Entry("nmap -6 -sn of a /124", "nmap6-sweep16",
			me+"sweep.icmp-echo", me+"sweep.tcp-ack", me+"sweep.tcp-syn", me+"tool.nmap-modern"),
		Entry("nmap -6 -sn -PE of a /124", "nmap6-ping-echo", me+"sweep.icmp-echo"),
		Entry("nmap -6 -sn -PS22,80 of a /124", "nmap6-ping-syn", me+"sweep.tcp-syn"),
		Entry("nmap -6 -sS -Pn -p20-30 of a /124: a port scan and a sweep", "nmap6-block",
			me+"scan.tcp-syn", me+"sweep.tcp-syn", me+"tool.nmap-modern"),
		Entry("nmap -6 -sV -p22,80,443", "nmap6-sv",
			me+"scan.tcp-syn", me+"service.script", me+"service.version-probe", me+"tool.nmap-modern"),
		// nmap refuses -f with -6; the kernel fragments a big echo
		// request instead: fragments that split no header are no evasion.
		Entry("ping -6 -s3000: kernel fragments", "ping6-frag"),
		Entry("ping -6", "ping6"),
		Entry("curl over IPv6 to a web server, http and https", "benign6-curl"),
		// -6 -sI through the emulated Windows Server 2003 IPv6 stack: nmap
		// reads its Fragment-header identifications (idle.go); the real
		// scanner gets the scan and the tool, the zombie nothing, on a
		// one-port scan too.
		Entry("nmap -6 -sI zombie", "nmap6-idle", me+"scan.idle real_source=2001:2::c613:1 zombie=2001:2::c612:102", me+"tool.nmap-modern"),
		Entry("nmap -6 -sI zombie, one port", "nmap6-idle-one", me+"scan.idle real_source=2001:2::c613:1 zombie=2001:2::c612:102", me+"tool.nmap-modern"),
		// A Linux zombie: its RSTs carry no Fragment header; nmap 7.93
		// dies (segmentation fault) before sending a spoofed SYN.
		Entry("nmap -6 -sI through a Linux host, refused by nmap", "nmap6-idle-linux"),
		// Near miss: SYNs under the zombie's address (a decoy) while
		// another nmap probes it with SYN/ACKs; its RSTs carry no
		// counter, so the SYNs stay a scan (a decoy's).
		Entry("a decoy scan under the zombie's address beside SYN/ACK probes of it", "nmap6-idle-decoy",
			"2001:2::c612:102 scan.tcp-syn", "2001:2::c612:102 tool.nmap-modern",
			me+"evasion.decoy real_source=2001:2::c613:1", me+"scan.tcp-syn", me+"tool.nmap-modern"),
	)
})
