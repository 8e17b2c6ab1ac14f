package netns_test

import (
	"bytes"
	"encoding/binary"
	"net/netip"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/generator"
	"github.com/siglab/siglab/generator/fingerprint"
	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/netns"
	"github.com/siglab/siglab/netns/netnstest"
	"github.com/siglab/siglab/personality"
	"github.com/siglab/siglab/wire"
)

// The first-generation battery as nmap 2.02 sent it (generator/osscan.go,
// nmap-2.0x-internals.md section 4), replayed over a live lab's TUN
// against a personality host. The specs read the replies with the
// fingerprint package's TCPTest and PUTest and the generator's
// ClassifySeq, exactly as the generator's own OS detection does, and hold
// the observed fingerprint against the personality's record.
const (
	osMagic   = 42558      // nmap's base source port M
	osSeqBase = 1815095948 // sequence_base of the attempt
	osOpen    = 1          // the open port (the lowest of faqOpen)
	osClosed  = 35401      // the closed port ((rand() % 14781) + 30000)
	osPattern = 'F'        // PU's payload byte ((rand() % 60) + 65)
	osPUID    = 0x5A3C     // PU's IP ID
	osSeqGap  = 5 * time.Millisecond
	osListen  = 300 * time.Millisecond // what nmap's ossoft would wait at least
)

// osOptions is T1..T7's option block: WScale 10, NOP, MSS 265,
// Timestamp(0x3F3F3F3F, 0), EOL, EOL.
var osOptions = []byte{3, 3, 10, 1, 2, 4, 1, 9, 8, 10, 0x3f, 0x3f, 0x3f, 0x3f, 0, 0, 0, 0, 0, 0}

// osProbes are T1..T7 in send order, from sports M+7..M+13.
var osProbes = []struct {
	name  string
	flags uint8
	dport uint16
}{
	{"T1", wire.FlagBogus | wire.FlagSYN, osOpen},
	{"T2", 0, osOpen},
	{"T3", wire.FlagSYN | wire.FlagFIN | wire.FlagURG | wire.FlagPSH, osOpen},
	{"T4", wire.FlagACK, osOpen},
	{"T5", wire.FlagSYN, osClosed},
	{"T6", wire.FlagACK, osClosed},
	{"T7", wire.FlagFIN | wire.FlagPSH | wire.FlagURG, osClosed},
}

// faqOpen are the open ports of the FAQ's figure 2 victim.
var faqOpen = []uint16{1, 7, 9, 13, 19, 21, 22, 23, 25}

var personaHost = netip.MustParseAddr("198.18.1.2")

// liveBattery plays one attempt of the battery against the lab's host
// and returns the observed fingerprint in nmap's test order.
func liveBattery(lab *netns.Lab) *fingerprint.Fingerprint {
	tests := map[string]fingerprint.Test{}
	var pkts [][]byte
	for i, p := range osProbes {
		pkts = append(pkts, tcpProbe(lab, personaHost, osMagic+7+uint16(i), p.dport, osSeqBase, p.flags, osOptions))
	}
	pu := udpProbe(lab, personaHost, osPUID, osMagic, osClosed, bytes.Repeat([]byte{osPattern}, 300))
	writeTUN(lab, append(pkts, pu)...)
	seen := readTUN(lab, osListen)
	for i, p := range osProbes {
		tests[p.name] = fingerprint.NoResponse(p.name)
		if r := firstAnswer(seen, protoTCP, osMagic+7+uint16(i), p.dport); r != nil {
			t, ok := fingerprint.TCPTest(p.name, r, osSeqBase)
			Expect(ok).To(BeTrue(), "%s: reply not a whole TCP packet", p.name)
			tests[p.name] = t
		}
	}
	tests["PU"] = fingerprint.NoResponse("PU")
	if r := firstAnswer(seen, protoUDP, osMagic, osClosed); r != nil {
		probe := fingerprint.UDPProbe{Target: personaHost.As4(), SPort: osMagic, DPort: osClosed,
			IPID: binary.BigEndian.Uint16(pu[4:]), UDPSum: binary.BigEndian.Uint16(pu[26:]), Pattern: osPattern}
		t, ok := fingerprint.PUTest(r, probe)
		Expect(ok).To(BeTrue(), "PU: reply not a port unreachable quoting the probe")
		tests["PU"] = t
	}
	if isns := liveTSeq(lab); len(isns) >= 4 {
		tests["TSeq"] = generator.ClassifySeq(isns).Test()
	}
	fp := &fingerprint.Fingerprint{}
	for _, name := range fingerprint.TestNames {
		if t, ok := tests[name]; ok {
			fp.Tests = append(fp.Tests, t)
		}
	}
	return fp
}

// liveTSeq sends the six TSeq SYNs 5 ms apart, as nmap 2.02 did before it
// started reading, and returns the SYN/ACKs' ISNs in probe order.
func liveTSeq(lab *netns.Lab) []uint32 {
	for k := uint16(1); k <= 6; k++ {
		writeTUN(lab, tcpProbe(lab, personaHost, osMagic+k, osOpen, osSeqBase+uint32(k), wire.FlagSYN, nil))
		time.Sleep(osSeqGap)
	}
	seen := readTUN(lab, osListen)
	var isns []uint32
	for k := uint16(1); k <= 6; k++ {
		r := wire.Packet(firstAnswer(seen, protoTCP, osMagic+k, osOpen))
		if r != nil && r.HasFlags(wire.FlagSYN|wire.FlagACK) {
			isns = append(isns, r.Seq())
		}
	}
	return isns
}

// firstAnswer is the first packet among seen that answers the probe.
func firstAnswer(seen []wire.Packet, proto uint8, sport, dport uint16) []byte {
	for _, pk := range seen {
		if answers(pk, personaHost, proto, sport, dport) {
			return pk
		}
	}
	return nil
}

// record parses one personality's fingerprint record.
func record(name string) *fingerprint.Record {
	text, err := personality.Fingerprint(name)
	Expect(err).NotTo(HaveOccurred())
	db, err := fingerprint.Parse([]byte(text))
	Expect(err).NotTo(HaveOccurred())
	Expect(db.Records).To(HaveLen(1), name)
	return &db.Records[0]
}

// strictMismatches holds the observation to the record more tightly than
// nmap's matching, which skips what the observation lacks (so a silent
// host would pass every record without Resp=Y): every test and attribute
// the record names must be observed and satisfy it. Only TSeq may lack
// gcd and SI, which nmap 2.0x prints for some classes only.
func strictMismatches(rec *fingerprint.Record, fp *fingerprint.Fingerprint) []string {
	var out []string
	for _, ref := range rec.Tests {
		obs := fp.Test(ref.Name)
		if obs == nil {
			out = append(out, ref.Name+": not observed")
			continue
		}
		for _, a := range ref.Attrs {
			v, ok := obs.Value(a.Name)
			switch {
			case !ok && ref.Name == "TSeq" && a.Name != "Class":
			case !ok:
				out = append(out, ref.Name+": no "+a.Name+" observed in "+obs.String())
			case !a.Expr.Match(v):
				out = append(out, ref.Name+": "+a.Name+"="+v+" fails "+a.Expr.String())
			}
		}
	}
	return out
}

// historicNames are the personalities with a 1998-99 record: all but
// today's kernel and the IPv6 zombie windows-2003-ipv6, which have none.
func historicNames() []string {
	var out []string
	for _, n := range personality.Names() {
		if _, err := personality.Fingerprint(n); err == nil {
			out = append(out, n)
		}
	}
	return out
}

var _ = Describe("personality hosts live, under nmap 2.02's first-generation battery", Label("root"), func() {
	entries := []TableEntry{}
	for _, name := range historicNames() {
		entries = append(entries, Entry(name, name))
	}
	// A new personality is checked here without further ado.

	DescribeTable("answer T1-T7, PU and TSeq over the TUN as their record says, and match no other record",
		func(name string) {
			lab := netnstest.BuildLab(netns.Spec{Seed: 7, Hosts: []labnet.Host{{Name: "victim", Addr: personaHost,
				Stack: labnet.Personality(name), OpenTCP: faqOpen}}})
			fp := liveBattery(lab)
			Expect(fp.Test("TSeq")).NotTo(BeNil(), "fewer than four SYN/ACKs to the TSeq probes:\n%s", fp)
			own := record(name)
			Expect(own.Matches(fp)).To(BeTrue(), "observed live:\n%s\nrecord:\n%s", fp, own)
			Expect(strictMismatches(own, fp)).To(BeEmpty(), "observed live:\n%s\nrecord:\n%s", fp, own)
			for _, other := range historicNames() {
				if other != name {
					Expect(record(other).Matches(fp)).To(BeFalse(), "%s also matches %s's record:\n%s", name, other, fp)
				}
			}
		},
		entries,
	)
})
