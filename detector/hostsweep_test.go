package detector_test

import (
	"encoding/binary"
	"net/netip"
	"slices"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/detector"
	"github.com/siglab/siglab/wire"
	"github.com/siglab/siglab/wire/wiretest"
)

// A probe maker: the packet a scanner sends to dst (port for TCP, UDP
// and SCTP) on its try-th try.
type prober func(dst netip.Addr, port uint16, try int) []byte

func rawSYN(dst netip.Addr, port uint16, try int) []byte {
	return ipTCP(scannerAddr, dst, 50, wire.TCPSegment{SPort: 48169, DPort: port, Seq: 0x5eed, Flags: wire.FlagSYN, Window: 29200})
}

func rawACK(dst netip.Addr, port uint16, try int) []byte {
	return ipTCP(scannerAddr, dst, 50, wire.TCPSegment{SPort: 48170, DPort: port, Seq: 0x5eed, Ack: 0xc0ffee, Flags: wire.FlagACK, Window: 1024})
}

func emptyUDP(dst netip.Addr, port uint16, try int) []byte {
	return wiretest.UDP(wire.IPHeader{TTL: 50, Src: scannerAddr, Dst: dst}, 48849, port, nil)
}

func icmpQuery(typ uint8, size int) prober {
	return func(dst netip.Addr, _ uint16, try int) []byte {
		return wiretest.ICMP(wire.IPHeader{TTL: 50, Src: scannerAddr, Dst: dst}, typ, 0, 0x7663, uint16(try), make([]byte, size))
	}
}

// sctpInit is nmap -PY's probe: an SCTP common header and an INIT chunk.
func sweepSCTPInit(dst netip.Addr, port uint16, try int) []byte {
	b := make([]byte, 32)
	binary.BigEndian.PutUint16(b[0:], 40000)
	binary.BigEndian.PutUint16(b[2:], port)
	b[12], binary.BigEndian.AppendUint16(b[:14], 20)[0] = 1, 1 // chunk type INIT, length 20
	binary.BigEndian.PutUint16(b[14:], 20)
	binary.BigEndian.PutUint32(b[16:], 0x12345678) // initiate tag
	return wire.AppendIPv4(nil, &wire.IPHeader{TTL: 50, Proto: 132, Src: scannerAddr, Dst: dst}, b)
}

// ipProto is nmap -PO's bare datagram of protocol port, payload bytes
// long.
func ipProto(payload int) prober {
	return func(dst netip.Addr, proto uint16, try int) []byte {
		return wire.AppendIPv4(nil, &wire.IPHeader{TTL: 50, Proto: uint8(proto), Src: scannerAddr, Dst: dst}, make([]byte, payload))
	}
}

// sweep sends make's probe to port of hosts 198.18.1.1..n, tries times
// each, a second apart per round (a monitor's loop when tries is large).
func sweep(make prober, n int, tries int, ports ...uint16) []pkt {
	if len(ports) == 0 {
		ports = []uint16{0}
	}
	var out []pkt
	for try := range tries {
		for h := 1; h <= n; h++ {
			for i, port := range ports {
				at := t0.Add(time.Duration(try)*time.Second + time.Duration(h*len(ports)+i)*100*time.Microsecond)
				out = append(out, pkt{at, make(sweepHost(h), port, try)})
			}
		}
	}
	return out
}

var _ = Describe("host sweeps of today's tools (hostsweep.go)", func() {
	DescribeTable("label a probe sent to MinSweepHosts addresses at most MaxSweepProbes times each, and nothing short of that",
		func(cfg detector.Config, ps []pkt, want ...string) {
			fs, _ := detect(cfg, ps)
			Expect(labels(fs)).To(ConsistOf(want))
			for _, f := range fs {
				Expect(f.Evidence).NotTo(BeEmpty())
			}
		},
		Entry("-PS80 of 8 hosts", detector.Config{}, sweep(rawSYN, 8, 1, 80), "sweep.tcp-syn"),
		Entry("near miss: -PS80 of 7 hosts", detector.Config{}, sweep(rawSYN, 7, 1, 80)),
		Entry("-PS80 of 8 hosts, 4 tries each", detector.Config{}, sweep(rawSYN, 8, 4, 80), "sweep.tcp-syn"),
		Entry("near miss: SYNs to port 80 of 8 hosts, 5 rounds: a monitor", detector.Config{}, sweep(rawSYN, 8, 5, 80)),
		Entry("-PS22,80 of 8 hosts", detector.Config{}, sweep(rawSYN, 8, 1, 22, 80), "sweep.tcp-syn"),
		// rawSYN carries no TCP options, so the SYN scans also name an
		// unknown tool by its features (othertool.go).
		Entry("a block: ports 20-24 of 8 hosts is a scan and a sweep", detector.Config{}, sweep(rawSYN, 8, 1, 20, 21, 22, 23, 24), "scan.tcp-syn", "sweep.tcp-syn", "tool.other"),
		Entry("near miss: ports 20-24 of 7 hosts is a scan only", detector.Config{}, sweep(rawSYN, 7, 1, 20, 21, 22, 23, 24), "scan.tcp-syn", "tool.other"),
		Entry("-PA443 of 5 hosts", detector.Config{}, sweep(rawACK, 5, 1, 443), "sweep.tcp-ack"),
		Entry("near miss: ACKs to port 443 of 5 hosts, 5 rounds", detector.Config{}, sweep(rawACK, 5, 5, 443)),
		Entry("-PU53 of 8 hosts", detector.Config{}, sweep(emptyUDP, 8, 1, 53), "sweep.udp"),
		Entry("near miss: -PU53 of 7 hosts", detector.Config{}, sweep(emptyUDP, 7, 1, 53)),
		Entry("near miss: empty datagrams to port 53 of 8 hosts, 5 rounds", detector.Config{}, sweep(emptyUDP, 8, 5, 53)),
		Entry("-PE of 5 hosts", detector.Config{}, sweep(icmpQuery(8, 0), 5, 1), "sweep.icmp-echo"),
		Entry("near miss: pings to 10 hosts every second for 5 s: a monitor", detector.Config{}, sweep(icmpQuery(8, 56), 10, 5)),
		Entry("-PP of 5 hosts", detector.Config{}, sweep(icmpQuery(13, 12), 5, 1), "sweep.icmp-timestamp"),
		Entry("near miss: -PP of 4 hosts", detector.Config{}, sweep(icmpQuery(13, 12), 4, 1)),
		Entry("-PM of 5 hosts", detector.Config{}, sweep(icmpQuery(17, 4), 5, 2), "sweep.icmp-netmask"),
		Entry("near miss: -PM of 4 hosts", detector.Config{}, sweep(icmpQuery(17, 4), 4, 2)),
		Entry("-PY of 8 hosts", detector.Config{}, sweep(sweepSCTPInit, 8, 1, 80), "sweep.sctp-init"),
		Entry("near miss: -PY of 7 hosts", detector.Config{}, sweep(sweepSCTPInit, 7, 1, 80)),
		Entry("-PO2,4 of 5 hosts", detector.Config{}, sweep(ipProto(0), 5, 1, 2, 4), "sweep.ip-protocol"),
		Entry("near miss: -PO of 4 hosts", detector.Config{}, sweep(ipProto(0), 4, 1, 2, 4)),
		Entry("near miss: IP-in-IP tunnel packets (a 20-byte inner header and more) to 5 peers", detector.Config{}, sweep(ipProto(40), 5, 1, 4)),
		Entry("MinPortSweepHosts 10: 10 hosts sweep", detector.Config{MinPortSweepHosts: 10}, sweep(rawSYN, 10, 1, 80), "sweep.tcp-syn"),
		Entry("near miss: MinPortSweepHosts 10, 9 hosts", detector.Config{MinPortSweepHosts: 10}, sweep(rawSYN, 9, 1, 80)),
		Entry("MinSweepHosts 10: timestamp requests to 10 hosts sweep", detector.Config{MinSweepHosts: 10}, sweep(icmpQuery(13, 12), 10, 1), "sweep.icmp-timestamp"),
		Entry("near miss: MinSweepHosts 10, 9 hosts", detector.Config{MinSweepHosts: 10}, sweep(icmpQuery(13, 12), 9, 1)),
		Entry("MaxSweepProbes 2: 2 rounds still sweep", detector.Config{MaxSweepProbes: 2}, sweep(icmpQuery(8, 0), 5, 2), "sweep.icmp-echo"),
		Entry("near miss: MaxSweepProbes 2, 3 rounds", detector.Config{MaxSweepProbes: 2}, sweep(icmpQuery(8, 0), 5, 3)),
	)

	It("counts each port of a sweep on its own: port 22 of 8 hosts and port 80 of 7 sweep port 22", func() {
		fs, _ := detect(detector.Config{}, byTime(sweep(rawSYN, 8, 1, 22), sweep(rawSYN, 7, 1, 80)))
		Expect(labels(fs)).To(Equal([]string{"sweep.tcp-syn"}))
		f := finding(fs, "sweep.tcp-syn")
		Expect(f.Attrs).To(HaveKeyWithValue("ports", "22"))
		Expect(f.Attrs).To(HaveKeyWithValue("targets", "8"))
		Expect(f.Ports).To(Equal(1))
		Expect(f.Packets).To(Equal(8))
	})

	It("says which hosts answered and which ports, as ranges", func() {
		ps := sweep(rawSYN, 9, 1, 20, 21, 22, 23, 24, 80)
		for _, h := range []int{2, 5} {
			syn := wire.TCPSegment{SPort: 48169, DPort: 22, Seq: 0x5eed, Flags: wire.FlagSYN}
			back := wiretest.Answer(syn, wire.FlagRST|wire.FlagACK)
			ps = append(ps, pkt{t0.Add(time.Second), ipTCP(sweepHost(h), scannerAddr, 64, back)})
		}
		fs, _ := detect(detector.Config{}, ps)
		f := finding(fs, "sweep.tcp-syn")
		Expect(f.Attrs).To(HaveKeyWithValue("ports", "20-24,80"))
		Expect(f.Attrs).To(HaveKeyWithValue("targets", "9"))
		Expect(f.Attrs).To(HaveKeyWithValue("up", "2"))
		Expect(f.Attrs).To(HaveKeyWithValue("closed", "2"))
		Expect(f.Evidence).To(ContainElement("9 SYNs to port 80 of 9 addresses in 198.18.1.1 - 198.18.1.9 in 0.005 s"))
		Expect(f.Evidence).To(ContainElement("2 addresses answered: the host is up"))
	})

	It("folds the ports past eight into one line and writes them as ranges", func() {
		var ports []uint16
		for p := uint16(20); p <= 30; p++ {
			ports = append(ports, p)
		}
		fs, _ := detect(detector.Config{}, sweep(rawSYN, 8, 2, append(ports, 443)...))
		// The crafted SYNs carry no TCP options: the scan's features name
		// an unknown tool (othertool.go).
		Expect(labels(fs)).To(ConsistOf("scan.tcp-syn", "sweep.tcp-syn", "tool.other"))
		f := finding(fs, "sweep.tcp-syn")
		Expect(f.Attrs).To(HaveKeyWithValue("ports", "20-30,443"))
		Expect(f.Ports).To(Equal(12))
		Expect(f.Packets).To(Equal(8 * 2 * 12))
		Expect(f.Evidence).To(ContainElement("and 64 SYNs to 4 more ports"))
		Expect(f.Evidence).To(ContainElement("8 addresses sent no answer of their own the sensor saw"))
	})

	It("names -PO's protocols and the echo requests beside them", func() {
		fs, _ := detect(detector.Config{}, byTime(sweep(ipProto(0), 6, 1, 2, 4), sweep(icmpQuery(8, 0), 6, 1)))
		Expect(labels(fs)).To(ConsistOf("sweep.icmp-echo", "sweep.ip-protocol"))
		f := finding(fs, "sweep.ip-protocol")
		Expect(f.Attrs).To(HaveKeyWithValue("protocols", "2,4"))
		Expect(f.Evidence).To(ContainElement("bare datagrams of IP protocol 2 (IGMP), protocol 4 (IP-in-IP) to 6 addresses in 198.18.1.1 - 198.18.1.6"))
		Expect(f.Evidence).To(ContainElement("ICMP echo requests to 6 addresses of them too (protocol 1)"))
	})

	It("counts a host that answers an SCTP INIT with ICMP protocol unreachable as up", func() {
		ps := sweep(sweepSCTPInit, 8, 1, 80)
		ps = append(ps, pkt{t0.Add(time.Second), unreachable(sweepHost(3), scannerAddr, 2, sweepSCTPInit(sweepHost(3), 80, 0))})
		fs, _ := detect(detector.Config{}, ps)
		Expect(finding(fs, "sweep.sctp-init").Attrs).To(HaveKeyWithValue("up", "1"))
	})

	It("keeps IGMP to multicast groups quiet: a host joining groups probes nobody", func() {
		var ps []pkt
		for g := range 8 {
			dst := netip.AddrFrom4([4]byte{224, 0, 0, byte(g + 1)})
			ps = append(ps, pkt{t0.Add(time.Duration(g) * time.Millisecond), ipProto(0)(dst, 2, 0)})
		}
		fs, d := detect(detector.Config{}, ps)
		Expect(fs).To(BeEmpty())
		Expect(d.Stats().Sources).To(BeZero())
	})

	It("keeps ordinary clients quiet: sessions to 8 hosts, DNS to 8 servers with answers, a burst to one host", func() {
		var ps []pkt
		for h := 1; h <= 8; h++ {
			at := t0.Add(time.Duration(h) * 10 * time.Millisecond)
			ps = append(ps, session(clientAddr, sweepHost(h), 40000+uint16(h), 25, at)...)
			q := wiretest.UDP(wire.IPHeader{TTL: 64, Src: clientAddr, Dst: sweepHost(h)}, 50000+uint16(h), 53, []byte("\x12\x34\x01\x00\x00\x01query"))
			a := wiretest.UDP(wire.IPHeader{TTL: 64, Src: sweepHost(h), Dst: clientAddr}, 53, 50000+uint16(h), []byte("\x12\x34\x81\x80\x00\x01answer"))
			ps = append(ps, pkt{at.Add(time.Millisecond), q}, pkt{at.Add(2 * time.Millisecond), a})
		}
		for i := range 12 {
			ps = append(ps, session(clientAddr, targetAddr, 45000+uint16(i), 443, t0.Add(time.Second+time.Duration(i)*time.Millisecond))...)
		}
		fs, _ := detect(detector.Config{}, byTime(ps))
		Expect(fs).To(BeEmpty())
	})

	It("leaves nmap 2.02's -sP as it was: echo and ACK sweeps, no SYN sweep", func() {
		fs, _ := detect(detector.Config{}, nmap202Sweep(2, 5))
		Expect(labels(fs)).To(ContainElements("sweep.icmp-echo", "sweep.tcp-ack"))
		Expect(slices.ContainsFunc(labels(fs), func(l string) bool {
			return l == "sweep.tcp-syn" || l == "scan.tcp-syn" || l == "scan.tcp-ack"
		})).To(BeFalse())
	})
})
