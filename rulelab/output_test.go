package rulelab_test

import (
	"bytes"
	"net"
	"strconv"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/external"
	"github.com/siglab/siglab/external/formats"
	"github.com/siglab/siglab/rulelab"
	"github.com/siglab/siglab/rules"
)

// rawPacket serializes an IPv4 packet (LINKTYPE_RAW) carrying l4.
func rawPacket(src, dst string, proto layers.IPProtocol, l4 ...gopacket.SerializableLayer) []byte {
	ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: proto, SrcIP: net.ParseIP(src), DstIP: net.ParseIP(dst)}
	for _, l := range l4 {
		if t, ok := l.(interface {
			SetNetworkLayerForChecksum(gopacket.NetworkLayer) error
		}); ok {
			Expect(t.SetNetworkLayerForChecksum(ip)).To(Succeed())
		}
	}
	buf := gopacket.NewSerializeBuffer()
	Expect(gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true},
		append([]gopacket.SerializableLayer{ip}, l4...)...)).To(Succeed())
	return buf.Bytes()
}

const outputRules = `
alert tcp any any -> any 80 (msg:"TEST SYN to 80"; flags:S; classtype:attempted-recon; sid:1000001; rev:2;)
alert icmp any any -> any any (msg:"TEST echo <ping> & more"; itype:8; classtype:policy-violation; sid:1000002; rev:1;)
alert tcp any any -> any any (msg:"TEST any SYN"; flags:S; gid:3; classtype:made-up-class; sid:1000003; rev:1;)
alert udp any any -> any 53 (msg:"TEST DNS"; priority:1; sid:1000004; rev:5;)
alert tcp any any -> any any (msg:"TEST never"; flags:F; sid:1000005; rev:1;)
`

var _ = Describe("WriteEVE and WriteFast", func() {
	var rep *rulelab.Report
	t0 := time.Date(2026, 12, 7, 4, 15, 0, 123456000, time.UTC)

	BeforeEach(func() {
		set, err := rules.Parse("output.rules", []byte(outputRules))
		Expect(err).NotTo(HaveOccurred())
		eng, err := rulelab.Compile(set, nil)
		Expect(err).NotTo(HaveOccurred())
		c := &capture.Capture{LinkType: capture.LinkTypeRaw}
		c.Add(t0, rawPacket("198.18.0.2", "198.18.1.2", layers.IPProtocolTCP, &layers.TCP{SrcPort: 45123, DstPort: 80, SYN: true, Window: 1024}), "")
		c.Add(t0.Add(time.Second), rawPacket("198.18.0.2", "198.18.1.2", layers.IPProtocolICMPv4,
			&layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(8, 0), Id: 1, Seq: 1}), "")
		c.Add(t0.Add(2*time.Second), rawPacket("198.18.0.2", "198.18.1.3", layers.IPProtocolUDP,
			&layers.UDP{SrcPort: 5353, DstPort: 53}, gopacket.Payload("x")), "")
		rep = eng.Evaluate(c, false)
	})

	// want is each alert as (sid, src_ip, src_port, dest_ip, dest_port),
	// by packet and then file order.
	want := [][5]string{
		{"1000001", "198.18.0.2", "45123", "198.18.1.2", "80"},
		{"1000003", "198.18.0.2", "45123", "198.18.1.2", "80"},
		{"1000002", "198.18.0.2", "", "198.18.1.2", ""},
		{"1000004", "198.18.0.2", "5353", "198.18.1.3", "53"},
	}
	parse := func(name string, out []byte) []external.Record {
		f, ok := formats.Lookup(name)
		Expect(ok).To(BeTrue())
		recs, err := f.Parse(bytes.NewReader(out))
		Expect(err).NotTo(HaveOccurred(), string(out))
		return recs
	}

	It("writes eve.json alerts the eve parser reads back, one per alert", func() {
		var b bytes.Buffer
		Expect(rulelab.WriteEVE(&b, rep)).To(Succeed())
		recs := parse(formats.EVE, b.Bytes())
		Expect(recs).To(HaveLen(len(want)))
		for i, r := range recs {
			w := want[i]
			Expect([]string{r.Label, r.Field("src_ip"), r.Field("src_port"), r.Field("dest_ip"), r.Field("dest_port")}).To(Equal(w[:]), r.Raw)
			Expect(r.Field("event_type")).To(Equal("alert"))
			Expect(r.Field("action")).To(Equal("allowed"))
		}
		Expect(recs[0].Field("timestamp")).To(Equal("2026-12-07T04:15:00.123456+0000"))
		Expect(recs[0].Fields).To(HaveKeyWithValue("proto", "TCP"))
		Expect(recs[0].Fields).To(HaveKeyWithValue("gid", "1"))
		Expect(recs[0].Fields).To(HaveKeyWithValue("rev", "2"))
		Expect(recs[0].Fields).To(HaveKeyWithValue("signature", "TEST SYN to 80"))
		Expect(recs[0].Fields).To(HaveKeyWithValue("category", "Attempted Information Leak"))
		Expect(recs[0].Fields).To(HaveKeyWithValue("severity", "2"))
		Expect(recs[1].Fields).To(HaveKeyWithValue("gid", "3"))
		Expect(recs[1].Fields).To(HaveKeyWithValue("category", "made-up-class"))
		Expect(recs[1].Fields).To(HaveKeyWithValue("severity", "3"))
		Expect(recs[2].Fields).To(HaveKeyWithValue("proto", "ICMP"))
		Expect(recs[2].Fields).To(HaveKeyWithValue("icmp_type", "8"))
		Expect(recs[2].Fields).To(HaveKeyWithValue("icmp_code", "0"))
		Expect(recs[2].Fields).To(HaveKeyWithValue("signature", "TEST echo <ping> & more"))
		Expect(recs[2].Fields).To(HaveKeyWithValue("severity", "1"))
		Expect(recs[3].Fields).To(HaveKeyWithValue("severity", "1")) // priority: without a classtype
		Expect(recs[3].Fields).To(HaveKeyWithValue("category", ""))
	})

	It("writes alert_fast lines the snort-fast parser reads back, one per alert", func() {
		var b bytes.Buffer
		Expect(rulelab.WriteFast(&b, rep)).To(Succeed())
		Expect(b.String()).To(HavePrefix("12/07/26-04:15:00.123456  [**] [1:1000001:2] TEST SYN to 80 [**] [Classification: Attempted Information Leak] [Priority: 2] {TCP} 198.18.0.2:45123 -> 198.18.1.2:80\n"))
		recs := parse(formats.SnortFast, b.Bytes())
		Expect(recs).To(HaveLen(len(want)))
		for i, r := range recs {
			w := want[i]
			Expect([]string{r.Label, r.Field("src_ip"), r.Field("src_port"), r.Field("dest_ip"), r.Field("dest_port")}).To(Equal(w[:]), r.Raw)
		}
		Expect(recs[1].Field("gid")).To(Equal("3"))
		Expect(recs[2].Field("proto")).To(Equal("ICMP"))
		Expect(recs[2].Field("classification")).To(Equal("Potential Corporate Privacy Violation"))
		Expect(recs[2].Field("msg")).To(Equal("TEST echo <ping> & more"))
		Expect(recs[3].Field("classification")).To(BeEmpty())
		Expect(recs[3].Field("priority")).To(Equal("1"))
		Expect(recs[3].Field("rev")).To(Equal("5"))
	})

	It("writes nothing for a report without alerts", func() {
		var b bytes.Buffer
		Expect(rulelab.WriteEVE(&b, &rulelab.Report{})).To(Succeed())
		Expect(rulelab.WriteFast(&b, &rulelab.Report{})).To(Succeed())
		Expect(b.Len()).To(BeZero())
	})

	It("gives a classtype's description and priority, the rule's priority first", func() {
		for _, c := range []struct {
			class    string
			prio     int
			wantCat  string
			wantPrio int
		}{
			{"attempted-recon", 0, "Attempted Information Leak", 2},
			{"network-scan", 0, "Detection of a Network Scan", 3},
			{"misc-activity", 0, "Misc activity", 3},
			{"bad-unknown", 0, "Potentially Bad Traffic", 2},
			{"policy-violation", 0, "Potential Corporate Privacy Violation", 1},
			{"policy-violation", 4, "Potential Corporate Privacy Violation", 4},
			{"no-such-class", 0, "no-such-class", 3},
			{"", 0, "", 3},
		} {
			cat, prio := rulelab.Classification(&rules.Rule{Classtype: c.class, Priority: c.prio})
			Expect([]string{cat, strconv.Itoa(prio)}).To(Equal([]string{c.wantCat, strconv.Itoa(c.wantPrio)}), c.class)
		}
	})
})
