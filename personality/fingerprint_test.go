package personality_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/personality"
)

// tseqGap is nmap 2.02's usleep(5000 + srtt) with the offline network's
// 300 µs round trip.
const tseqGap = 5300 * time.Microsecond

// historic are the personalities with a first-generation record.
var historic = []string{"irix-6.2", "laserwriter-600", "linux-2.0.35", "os2-warp-3", "solaris-2.6", "windows-nt4"}

// observe runs the battery against a fresh stack of the personality.
func observe(name string) map[string]string {
	fp, _ := battery(newStack(name), tseqGap)
	return fp
}

// expectLine is one DescribeTable body: the observed line of one test,
// computed from the reply bytes, is exactly want.
func expectLine(name string) func(test, want string) {
	return func(test, want string) {
		Expect(observe(name)).To(HaveKeyWithValue(test, want))
	}
}

var _ = Describe("The first-generation battery (T1-T7, PU, TSeq) answered as each record says", func() {
	DescribeTable("irix-6.2", expectLine("irix-6.2"),
		Entry("T1: SYN+bogus to open", "T1", "Resp=Y%DF=N%W=EF2A%ACK=S++%Flags=AS%Ops=MNWNNT"),
		Entry("T2: null to open: RST, against RFC 793", "T2", "Resp=Y%DF=N%W=0%ACK=S%Flags=AR%Ops="),
		Entry("T3: SYN|FIN|URG|PSH to open: BSD's lone ACK", "T3", "Resp=Y%DF=N%W=EF2A%ACK=O%Flags=A%Ops=NNT"),
		Entry("T4: ACK to open", "T4", "Resp=Y%DF=N%W=0%ACK=O%Flags=R%Ops="),
		Entry("T5: SYN to closed", "T5", "Resp=Y%DF=N%W=0%ACK=S++%Flags=AR%Ops="),
		Entry("T6: ACK to closed", "T6", "Resp=Y%DF=N%W=0%ACK=O%Flags=R%Ops="),
		Entry("T7: FIN|PSH|URG to closed", "T7", "Resp=Y%DF=N%W=0%ACK=S%Flags=AR%Ops="),
		Entry("PU", "PU", "Resp=Y%DF=N%TOS=0%IPLEN=38%RIPTL=148%RID=E%RIPCK=E%UCK=E%ULEN=134%DAT=E"),
		Entry("TSeq: 64K rule", "TSeq", "Class=64K"),
	)
	DescribeTable("linux-2.0.35", expectLine("linux-2.0.35"),
		Entry("T1: no B: the record says AS", "T1", "Resp=Y%DF=N%W=7FE0%ACK=S++%Flags=AS%Ops=ME"),
		Entry("T2: RFC 793 silence", "T2", "Resp=N"),
		Entry("T3: SYN|ACK|FIN", "T3", "Resp=Y%DF=N%W=7FE0%ACK=S++%Flags=ASF%Ops=ME"),
		Entry("T4", "T4", "Resp=Y%DF=N%W=0%ACK=O%Flags=R%Ops="),
		Entry("T5", "T5", "Resp=Y%DF=N%W=0%ACK=S++%Flags=AR%Ops="),
		Entry("T6", "T6", "Resp=Y%DF=N%W=0%ACK=O%Flags=R%Ops="),
		Entry("T7", "T7", "Resp=Y%DF=N%W=0%ACK=S%Flags=AR%Ops="),
		Entry("PU: TOS C0, the whole datagram", "PU", "Resp=Y%DF=N%TOS=C0%IPLEN=164%RIPTL=148%RID=E%RIPCK=E%UCK=E%ULEN=134%DAT=E"),
		Entry("TSeq: truly random", "TSeq", "Class=TR"),
	)
	DescribeTable("laserwriter-600", expectLine("laserwriter-600"),
		Entry("T1", "T1", "Resp=Y%DF=N%W=A28%ACK=S++%Flags=AS%Ops=M"),
		Entry("T2", "T2", "Resp=N"),
		Entry("T3", "T3", "Resp=Y%DF=N%W=A28%ACK=S++%Flags=AS%Ops=M"),
		Entry("T4: a RST with a window", "T4", "Resp=Y%DF=N%W=800%ACK=O%Flags=R%Ops="),
		Entry("T5: no answer from a closed port", "T5", "Resp=N"),
		Entry("T6", "T6", "Resp=Y%DF=N%W=800%ACK=O%Flags=R%Ops="),
		Entry("T7: the FIN acknowledged", "T7", "Resp=Y%DF=N%W=800%ACK=S++%Flags=AR%Ops="),
		Entry("PU", "PU", "Resp=Y%DF=N%TOS=0%IPLEN=38%RIPTL=148%RID=E%RIPCK=E%UCK=E%ULEN=134%DAT=E"),
		Entry("TSeq: constant 0xC7001 (Phrack 54)", "TSeq", "Class=C%Val=C7001"),
	)
	DescribeTable("os2-warp-3", expectLine("os2-warp-3"),
		Entry("T1", "T1", "Resp=Y%DF=N%W=7000%ACK=S++%Flags=AS%Ops=M"),
		Entry("T2", "T2", "Resp=N"),
		Entry("T3: BSD's lone ACK, no options", "T3", "Resp=Y%DF=N%W=7000%ACK=O%Flags=A%Ops="),
		Entry("T4: a RST with a window", "T4", "Resp=Y%DF=N%W=7000%ACK=O%Flags=R%Ops="),
		Entry("T5", "T5", "Resp=Y%DF=N%W=0%ACK=S++%Flags=AR%Ops="),
		Entry("T6", "T6", "Resp=Y%DF=N%W=0%ACK=O%Flags=R%Ops="),
		Entry("T7", "T7", "Resp=Y%DF=N%W=0%ACK=S%Flags=AR%Ops="),
		Entry("PU: BSD's input path on the quote", "PU", "Resp=Y%DF=N%TOS=0%IPLEN=38%RIPTL=148%RID=F%RIPCK=0%UCK=0%ULEN=134%DAT=E"),
		Entry("TSeq: increments by 800", "TSeq", "Class=i800"),
	)
	DescribeTable("solaris-2.6", expectLine("solaris-2.6"),
		Entry("T1: NNTNWME, DF", "T1", "Resp=Y%DF=Y%W=2297%ACK=S++%Flags=AS%Ops=NNTNWME"),
		Entry("T2", "T2", "Resp=N"),
		Entry("T3: dropped", "T3", "Resp=N"),
		Entry("T4", "T4", "Resp=Y%DF=Y%W=0%ACK=O%Flags=R%Ops="),
		Entry("T5", "T5", "Resp=Y%DF=Y%W=0%ACK=S++%Flags=AR%Ops="),
		Entry("T6", "T6", "Resp=Y%DF=Y%W=0%ACK=O%Flags=R%Ops="),
		Entry("T7", "T7", "Resp=Y%DF=Y%W=0%ACK=S%Flags=AR%Ops="),
		Entry("PU: 64 bytes past the header", "PU", "Resp=Y%DF=Y%TOS=0%IPLEN=70%RIPTL=148%RID=E%RIPCK=E%UCK=E%ULEN=134%DAT=E"),
	)
	DescribeTable("windows-nt4", expectLine("windows-nt4"),
		Entry("T1: DF on the SYN/ACK", "T1", "Resp=Y%DF=Y%W=2017%ACK=S++%Flags=AS%Ops=M"),
		Entry("T2: RST, against RFC 793", "T2", "Resp=Y%DF=N%W=0%ACK=S%Flags=AR%Ops="),
		Entry("T3: a SYN/ACK", "T3", "Resp=Y%DF=Y%W=2017%ACK=S++%Flags=AS%Ops=M"),
		Entry("T4", "T4", "Resp=Y%DF=N%W=0%ACK=O%Flags=R%Ops="),
		Entry("T5", "T5", "Resp=Y%DF=N%W=0%ACK=S++%Flags=AR%Ops="),
		Entry("T6", "T6", "Resp=Y%DF=N%W=0%ACK=O%Flags=R%Ops="),
		Entry("T7: the FIN acknowledged", "T7", "Resp=Y%DF=N%W=0%ACK=S++%Flags=AR%Ops="),
		Entry("PU", "PU", "Resp=Y%DF=N%TOS=0%IPLEN=38%RIPTL=148%RID=E%RIPCK=E%UCK=E%ULEN=134%DAT=E"),
		Entry("TSeq: a millisecond clock sampled every 5.3 ms", "TSeq", "Class=TD%gcd=1%SI=0"),
	)

	DescribeTable("each personality matches its own record, and only that one",
		func(name string) {
			fp := observe(name)
			own, err := personality.Fingerprint(name)
			Expect(err).NotTo(HaveOccurred())
			Expect(parseRecord(own).mismatches(fp)).To(BeEmpty())
			for _, other := range historic {
				if other == name {
					continue
				}
				rec, err := personality.Fingerprint(other)
				Expect(err).NotTo(HaveOccurred())
				Expect(parseRecord(rec).mismatches(fp)).NotTo(BeEmpty(), "%s also matches %s", name, other)
			}
		},
		Entry(nil, "irix-6.2"), Entry(nil, "laserwriter-600"), Entry(nil, "linux-2.0.35"),
		Entry(nil, "os2-warp-3"), Entry(nil, "solaris-2.6"), Entry(nil, "windows-nt4"),
	)

	DescribeTable("TSeq keeps its class over many seeds and at the FAQ's 20 ms spacing",
		func(name string, class string) {
			for seed := uint64(0); seed < 200; seed++ {
				for _, gap := range []time.Duration{tseqGap, 20 * time.Millisecond} {
					s, err := personality.New(labnet.Host{Stack: labnet.Stack(name), Addr: victim, OpenTCP: faqOpen}, seed)
					Expect(err).NotTo(HaveOccurred())
					fp, isns := battery(s, gap)
					Expect(isns).To(HaveLen(6))
					Expect(fp["TSeq"]).To(HavePrefix("Class="+class), "seed %d gap %v", seed, gap)
					rec, _ := personality.Fingerprint(name)
					Expect(parseRecord(rec).mismatches(fp)).To(BeEmpty(), "seed %d gap %v", seed, gap)
				}
			}
		},
		Entry("64K", "irix-6.2", "64K"),
		Entry("constant", "laserwriter-600", "C"),
		Entry("truly random", "linux-2.0.35", "TR"),
		Entry("i800", "os2-warp-3", "i800"),
		Entry("random increments", "solaris-2.6", "RI"),
		Entry("time dependent", "windows-nt4", "TD"),
	)

	It("gives IRIX the FAQ's figure 3 gaps: 64000 per connection within a half second", func() {
		_, isns := battery(newStack("irix-6.2"), 20*time.Millisecond)
		for k := 1; k < len(isns); k++ {
			Expect(isns[k] - isns[k-1]).To(Equal(uint32(64000)))
		}
	})

	It("advances IRIX's counter by 64000 per half-second tick as well", func() {
		s := newStack("irix-6.2")
		first := decode(answer(s, t0, tcpProbe(magic, openPort, 1, 0x02, nil))[0]).tcp.Seq
		later := decode(answer(s, t0.Add(1200*time.Millisecond), tcpProbe(magic+1, openPort, 1, 0x02, nil))[0]).tcp.Seq
		Expect(later - first).To(Equal(uint32(3 * 64000)))
	})
})

var _ = Describe("The kernel stack under the first-generation battery", func() {
	// Today's Linux as the offline model answers: no record of 1998
	// describes it, so its lines are pinned here. T2..T7 are what this
	// machine's kernel answered in a live lab; T1 and T3 differ there in
	// window and options (live: W=FE88, Ops=MNNTNW, timestamps and window
	// scale answered).
	DescribeTable("kernel", expectLine("kernel"),
		Entry("T1: SYN/ACK, MSS only", "T1", "Resp=Y%DF=Y%W=FAF0%ACK=S++%Flags=AS%Ops=M"),
		Entry("T2: a listener drops a flagless segment", "T2", "Resp=N"),
		Entry("T3: SYN+FIN taken as a SYN", "T3", "Resp=Y%DF=Y%W=FAF0%ACK=S++%Flags=AS%Ops=M"),
		Entry("T4", "T4", "Resp=Y%DF=Y%W=0%ACK=O%Flags=R%Ops="),
		Entry("T5", "T5", "Resp=Y%DF=Y%W=0%ACK=S++%Flags=AR%Ops="),
		Entry("T6", "T6", "Resp=Y%DF=Y%W=0%ACK=O%Flags=R%Ops="),
		Entry("T7: the FIN counted", "T7", "Resp=Y%DF=Y%W=0%ACK=S++%Flags=AR%Ops="),
		Entry("PU: TOS C0, the whole datagram quoted", "PU", "Resp=Y%DF=N%TOS=C0%IPLEN=164%RIPTL=148%RID=E%RIPCK=E%UCK=E%ULEN=134%DAT=E"),
		Entry("TSeq", "TSeq", "Class=TR"),
	)
})
