package verifier_test

import (
	"context"
	"slices"
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/rulelab"
	"github.com/siglab/siglab/rules"
	"github.com/siglab/siglab/scenarios"
	"github.com/siglab/siglab/verifier"
	"github.com/siglab/siglab/wire"
)

// psadSIDs are the classic set's sids that Debian's psad 2.4.6 also
// carries in /etc/psad/signatures (its 628 and 629 are absent there).
var psadSIDs = []int{469, 621, 623, 624, 630, 1228}

// psadSees keeps the packets psad reads: those a target's firewall logs,
// which is every packet to a scenario host except those its firewall
// accepts first, the host's own open services (verifier's psad adapter,
// psad.LogOptions.Accepted).
func psadSees(s *scenarios.Scenario, c *capture.Capture) *capture.Capture {
	out := &capture.Capture{LinkType: c.LinkType}
	for _, p := range c.Packets {
		ip, err := capture.IPv4(c.LinkType, p.Data)
		Expect(err).NotTo(HaveOccurred())
		pk, whole := wire.ParsePacket(ip)
		keep := false
		for _, h := range s.Network.Hosts {
			if len(ip) < 20 || [4]byte(ip[16:20]) != h.Addr.As4() {
				continue
			}
			keep = true
			if whole && pk.Proto() == wire.ProtoTCP && slices.Contains(h.OpenTCP, pk.DPort()) ||
				whole && pk.Proto() == wire.ProtoUDP && slices.Contains(h.OpenUDP, pk.DPort()) {
				keep = false
			}
		}
		if keep {
			out.Packets = append(out.Packets, p)
		}
	}
	return out
}

var _ = Describe("the rule lab's classic sids beside psad's own signature matches", func() {
	BeforeEach(func() { requireTools("psad") })

	DescribeTable("agree on every sid both know, on the packets psad reads",
		func(name string) {
			s, err := scenarios.Find(name)
			Expect(err).NotTo(HaveOccurred())
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			res, err := verifier.RunWith(ctx, s, verifier.Options{Offline: true, AllDetectors: true})
			Expect(err).NotTo(HaveOccurred())

			psadMatched := map[int]bool{}
			for _, d := range res.Detectors {
				if d.Detector != scenarios.DetectorPsad {
					continue
				}
				Expect(d.Err).To(BeEmpty())
				for _, f := range d.Findings {
					if sid, err := strconv.Atoi(f.Attrs["sid"]); err == nil && slices.Contains(psadSIDs, sid) {
						psadMatched[sid] = true
					}
				}
			}

			e, err := rulelab.Compile(rules.Classic(), nil)
			Expect(err).NotTo(HaveOccurred())
			native := map[int]bool{}
			for _, r := range e.Evaluate(psadSees(s, res.Capture), false).Results {
				if r.Matched > 0 && slices.Contains(psadSIDs, r.Rule.SID) {
					native[r.Rule.SID] = true
				}
			}
			// The two known differences, asserted rather than skipped:
			//  - 623 SCAN NULL: psad 2.4.6 reads "flags:0" as wanting an
			//    empty flag string, which no log line has (psad.Explain
			//    says so), and ulogd2's lines for flagless packets do not
			//    parse in it at all;
			//  - 469 ICMP PING NMAP (dsize:0): psad takes an ICMP
			//    message's data as IP length - 20 - 4 ($ICMP_HEADER_LEN
			//    is 4 in /usr/sbin/psad, match_snort_icmp_keywords), so
			//    the echo's identifier and sequence count as 4 bytes of
			//    data and nmap's empty echo never has dsize 0 there;
			//    Snort and Suricata count them as header.
			for _, sid := range []int{623, 469} {
				if native[sid] {
					Expect(psadMatched).NotTo(HaveKey(sid), "psad matched sid %d, which it is known not to", sid)
					delete(native, sid)
				}
			}
			Expect(psadMatched).To(Equal(native))
		},
		catalogueEntries())

	It("is not vacuous: psad and the rule lab both match sids somewhere in the catalogue", func() {
		both := map[int]bool{}
		for _, name := range []string{"tech-fin", "tech-xmas", "fig1-random-scan", "tech-ping-icmp"} {
			s, err := scenarios.Find(name)
			Expect(err).NotTo(HaveOccurred())
			res, err := verifier.RunWith(context.Background(), s, verifier.Options{Offline: true, AllDetectors: true})
			Expect(err).NotTo(HaveOccurred())
			for _, d := range res.Detectors {
				if d.Detector == scenarios.DetectorPsad {
					for _, f := range d.Findings {
						if sid, err := strconv.Atoi(f.Attrs["sid"]); err == nil {
							both[sid] = true
						}
					}
				}
			}
		}
		Expect(both).To(HaveKey(621))
		Expect(both).To(HaveKey(1228))
	})
})
