package detector_test

import (
	"net/netip"
	"slices"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/detector"
	"github.com/siglab/siglab/wire"
	"github.com/siglab/siglab/wire/wiretest"
)

var _ = Describe("stealth scans", func() {
	DescribeTable("label each flag pattern and tell nmap 2.0x from today's nmap",
		func(s stealth, want []string, fields string) {
			fs, _ := detect(detector.Config{}, s.packets())
			Expect(labels(fs)).To(Equal(want))
			scan := fs[0]
			Expect(scan.Scanner).To(Equal(scannerAddr))
			Expect(scan.Targets).To(Equal([]netip.Addr{targetAddr}))
			Expect(scan.Packets).To(Equal(25))
			Expect(scan.Ports).To(Equal(25))
			Expect(scan.Evidence).To(ContainElement(fields))
		},
		Entry("nmap 2.02 -sF", nmap202Stealth(finFlags), []string{"scan.tcp-fin", "tool.nmap-2.0x"},
			"seq 0 and ack 0 on every probe, no TCP options"),
		Entry("nmap 2.02 -sX: urg 0 although URG is set", nmap202Stealth(xmasFlags), []string{"scan.tcp-xmas", "tool.nmap-2.0x"},
			"seq 0 and ack 0 on every probe, urg 0 although URG is set, no TCP options"),
		Entry("nmap 2.02 -sN", nmap202Stealth(nullFlags), []string{"scan.tcp-null", "tool.nmap-2.0x"},
			"seq 0 and ack 0 on every probe, no TCP options"),
		Entry("today's -sF: one random seq", modernStealth(finFlags), []string{"scan.tcp-fin", "tool.nmap-modern"},
			"seq 2916398846 and ack 0 on every probe, no TCP options"),
		Entry("today's -sX", modernStealth(xmasFlags), []string{"scan.tcp-xmas", "tool.nmap-modern"},
			"seq 2916398846 and ack 0 on every probe, urg 0 although URG is set, no TCP options"),
		Entry("today's -sN", modernStealth(nullFlags), []string{"scan.tcp-null", "tool.nmap-modern"},
			"seq 2916398846 and ack 0 on every probe, no TCP options"),
		Entry("today's -sA: one random ack", modernStealth(ackFlags), []string{"scan.tcp-ack", "tool.nmap-modern"},
			"seq 0 and ack 3334019929 on every probe, no TCP options"),
	)

	It("counts RSTs as closed and silence as open|filtered, with the nmap 2.0x evidence", func() {
		fs, _ := detect(detector.Config{}, nmap202Stealth(xmasFlags).packets())
		scan := finding(fs, "scan.tcp-xmas")
		Expect(scan.Attrs).To(Equal(map[string]string{"closed": "16", "open_filtered": "9", "filtered": "0"}))
		Expect(scan.Evidence).To(ContainElements(
			"25 FIN|PSH|URG probes to 25 ports of 198.18.1.2 in 0.002 s",
			"16 ports answered RST (closed)",
			"9 ports stayed silent (open or filtered: an RFC 793 stack ignores such a probe to an open port)",
		))
		Expect(finding(fs, "tool.nmap-2.0x").Evidence).To(ContainElements(
			"FIN|PSH|URG probes with seq 0 and ack 0 and no options: nmap 2.0x draws a sequence number only for SYNs",
			"window 2048 on every probe",
			"TTL 52 at the sensor; nmap 2.0x ties window 2048 to a sender TTL ≡ 1 mod 4 (e.g. 53 at 1 hop)",
		))
	})

	DescribeTable("never call probes nmap 2.0x unless every feature of its builder is there",
		func(edit func(s *stealth)) {
			s := nmap202Stealth(finFlags)
			edit(&s)
			fs, _ := detect(detector.Config{}, s.packets())
			Expect(labels(fs)).To(ContainElement("scan.tcp-fin"))
			Expect(labels(fs)).NotTo(ContainElement("tool.nmap-2.0x"))
		},
		Entry("a non-zero seq", func(s *stealth) { s.seq = 5 }),
		Entry("a window 2.0x never picked", func(s *stealth) { s.window = 512 }),
		Entry("a TTL per packet", func(s *stealth) { s.ttl = randomTTL }),
		Entry("a TTL above any 2.0x sender's", func(s *stealth) { s.ttl = constTTL(128) }),
	)

	It("reports ACK probes inside known connections as no scan", func() {
		// An ordinary client's ACKs belong to its connections.
		var ps []pkt
		for i, port := range []uint16{21, 22, 23, 25, 80, 110} {
			ps = append(ps, session(clientAddr, targetAddr, 41000+uint16(i), port, t0.Add(time.Duration(i)*time.Millisecond))...)
		}
		fs, _ := detect(detector.Config{}, ps)
		Expect(fs).To(BeEmpty())
	})

	It("keeps OS-detection probes out of the stealth scans", func() {
		fs, _ := detect(detector.Config{MinScanPorts: 1}, osAttempt1(t0, 42558, 1815095948, 1, 35401))
		Expect(labels(fs)).NotTo(ContainElements("scan.tcp-null", "scan.tcp-ack", "scan.tcp-xmas", "scan.tcp-fin"))
	})
})

var _ = Describe("scan.udp", func() {
	It("reports nmap 2.02's UDP scan: empty datagrams, port unreachables", func() {
		fs, _ := detect(detector.Config{}, nmap202UDP().packets())
		Expect(labels(fs)).To(Equal([]string{"scan.udp", "tool.nmap-2.0x"}))
		scan := fs[0]
		Expect(scan.Packets).To(Equal(25))
		Expect(scan.Attrs).To(Equal(map[string]string{"open": "0", "closed": "23", "filtered": "0", "open_filtered": "2"}))
		Expect(scan.Evidence).To(ContainElements(
			"every datagram is empty (0 bytes of payload)",
			"23 ports answered ICMP port unreachable (closed)",
			"2 ports sent no answer (open or filtered)",
		))
		Expect(fs[1].Evidence).To(ContainElements(
			"empty datagrams (IP length 28) from source port 54734 on 25 of 25 first tries",
			"TTL 58 on every datagram: one per process, where today's nmap draws one per packet",
			"empty datagrams even to port 7, where today's nmap sends a protocol payload",
		))
	})

	It("calls a UDP scan with a TTL per packet and payloads today's nmap", func() {
		u := nmap202UDP()
		u.ttl = randomTTL
		u.payload = func(port uint16) []byte {
			if port == 7 {
				return []byte("\r\n\r\n")
			}
			return nil
		}
		fs, _ := detect(detector.Config{}, u.packets())
		Expect(labels(fs)).To(Equal([]string{"scan.udp", "tool.nmap-modern"}))
		Expect(fs[1].Evidence).To(ContainElement("protocol payloads to well-known ports (7), empty datagrams elsewhere: nmap-payloads"))
	})

	It("gives no finding for a client talking to a few services", func() {
		var ps []pkt
		for i := range 40 {
			at := t0.Add(time.Duration(i) * time.Second)
			for _, port := range []uint16{53, 123, 161, 514, 1812} {
				q := wiretest.UDP(wire.IPHeader{ID: uint16(i), TTL: 64, Src: clientAddr, Dst: targetAddr}, 40000, port, []byte("query"))
				a := wiretest.UDP(wire.IPHeader{ID: uint16(i), TTL: 64, Src: targetAddr, Dst: clientAddr}, port, 40000, []byte("answer"))
				ps = append(ps, pkt{at, q}, pkt{at.Add(time.Millisecond), a})
			}
		}
		fs, _ := detect(detector.Config{}, ps)
		Expect(fs).To(BeEmpty())
	})
})

var _ = Describe("sweeps", func() {
	It("reports nmap 2.02's ping sweep: echo and ACK to port 80 per host", func() {
		fs, _ := detect(detector.Config{}, nmap202Sweep(2, 5, 9))
		Expect(labels(fs)).To(Equal([]string{"sweep.icmp-echo", "sweep.tcp-ack", "tool.nmap-2.0x"}))
		echo, ack, tool := fs[0], fs[1], fs[2]
		Expect(echo.Targets).To(HaveLen(15))
		Expect(echo.Attrs).To(Equal(map[string]string{"addresses": "15", "up": "3"}))
		Expect(echo.Evidence).To(ContainElements(
			"ICMP echo requests to 15 addresses in 198.18.1.1 - 198.18.1.15",
			"every request is 8 bytes: no payload",
			"3 addresses answered with an echo reply",
		))
		Expect(ack.Attrs).To(Equal(map[string]string{"addresses": "15", "up": "3"}))
		Expect(ack.Evidence).To(ContainElements(
			"TCP ACKs to port 80 of 15 addresses in 198.18.1.1 - 198.18.1.15",
			"ack 0 on every probe",
			"seq ≡ 3 mod 8 (low bits 011) on every probe",
		))
		Expect(tool.Evidence).To(ContainElements(
			"TCP ACK ping to port 80 of 15 hosts with ack 0 and seq ≡ 3 mod 8 (low bits 011), from source port 55020: nmap 2.0x's massping",
			"ICMP echo requests of 8 bytes with one identifier (65036) to 15 hosts, sequence numbers in little-endian byte order (1280 is 5 byte-swapped: host*5+try)",
		))
	})

	It("needs MinSweepHosts addresses", func() {
		fs, _ := detect(detector.Config{MinSweepHosts: 16}, nmap202Sweep(2))
		Expect(labels(fs)).NotTo(ContainElements("sweep.icmp-echo", "sweep.tcp-ack"))
	})

	It("does not call a lone ping a sweep", func() {
		ps := nmap202Sweep(1)[:4] // host 1 only
		fs, _ := detect(detector.Config{}, ps)
		Expect(fs).To(BeEmpty())
	})
})

var _ = Describe("scan.tcp-connect", func() {
	It("reports connect() scans: kernel SYNs, completed handshakes reset at once", func() {
		fs, _ := detect(detector.Config{}, connectScan())
		Expect(labels(fs)).To(Equal([]string{"scan.tcp-connect"}))
		c := fs[0]
		Expect(c.Attrs).To(Equal(map[string]string{"open": "9", "closed": "16", "unanswered": "0"}))
		Expect(c.Evidence).To(ContainElements(
			"9 ports completed the handshake and the scanner reset each at once without sending data",
			"16 ports answered RST (closed)",
			"SYNs from 25 source ports, window 64240, a stack's option list (MSS with SACK, timestamps or window scale): the scanner's kernel made them",
		))
	})

	It("tells a connect scan of closed ports by the kernel's SYNs alone", func() {
		var ps []pkt
		for _, p := range connectScan() {
			if p.data[33]&0x02 != 0 || p.data[33]&0x04 != 0 && p.data[12] == 198 && p.data[15] == 2 {
				ps = append(ps, p) // SYNs and the targets' RSTs: nothing open
			}
		}
		fs, _ := detect(detector.Config{}, ps)
		Expect(labels(fs)).To(ContainElement("scan.tcp-connect"))
		Expect(labels(fs)).NotTo(ContainElement("scan.tcp-syn"))
	})
})

var _ = Describe("scan.ftp-bounce", func() {
	It("reports PORT commands naming a third host, and what the server answered", func() {
		ports := []uint16{20, 21, 22, 23, 24, 25, 80}
		fs, _ := detect(detector.Config{}, ftpBounce(ports, []uint16{22, 25, 80}))
		Expect(labels(fs)).To(Equal([]string{"scan.ftp-bounce"}))
		b := fs[0]
		Expect(b.Scanner).To(Equal(scannerAddr))
		Expect(b.Targets).To(Equal([]netip.Addr{target2Addr}))
		Expect(b.Ports).To(Equal(7))
		Expect(b.Attrs).To(Equal(map[string]string{"ftp_server": "198.18.1.2", "open": "3", "closed": "4"}))
		Expect(b.Evidence).To(ContainElements(
			"PORT commands to FTP server 198.18.1.2:21 naming 7 ports of 198.18.1.3, not the client",
			"after LIST the server answered 1xx/2xx (it could connect: open) for 3 ports and 4xx/5xx (425: closed) for 4",
			"logged in with password -wwwuser@, nmap's default for -b",
		))
	})

	It("takes the server's data connections from port 20 for the bounce, not for a scan by the server", func() {
		ports := []uint16{20, 21, 22, 23, 24, 25, 80}
		ps := ftpBounce(ports, []uint16{22})
		last := ps[len(ps)-1].at
		for i, p := range ports {
			at := last.Add(time.Duration(i+1) * time.Millisecond)
			syn := wire.TCPSegment{SPort: 20, DPort: p, Seq: 9000, Flags: wire.FlagSYN, Window: 64240, Options: linuxSYNOptions}
			rst := wiretest.Answer(syn, wire.FlagRST|wire.FlagACK)
			ps = append(ps, pkt{at, ipTCP(ftpAddr, target2Addr, 64, syn)}, pkt{at.Add(10 * time.Microsecond), ipTCP(target2Addr, ftpAddr, 64, rst)})
		}
		fs, _ := detect(detector.Config{}, ps)
		Expect(labels(fs)).To(Equal([]string{"scan.ftp-bounce"}))
		Expect(fs[0].Evidence).To(ContainElement("the server's data connections from port 20 to 7 of those ports were seen"))
	})

	It("gives no finding for active FTP naming the client itself", func() {
		ps := ftpBounce(nil, nil)
		fs, _ := detect(detector.Config{}, ps)
		Expect(fs).To(BeEmpty())
	})
})

// labelsOf returns "scanner label" for each finding.
func labelsOf(fs []detector.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Scanner.String()+" "+f.Label)
	}
	return slices.Compact(out)
}
