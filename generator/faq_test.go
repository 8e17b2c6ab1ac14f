package generator_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/simnet"
)

var _ = Describe("The FAQ's figure 1, replayed from one libc seed", func() {
	It("gives srand(439649) the wild scan's fixed source port 42558 and its one ISN 3596953827", func() {
		// Default ping, default port list: M, the echo id, the 1034-port
		// shuffle, three draws for the one ping try, then sequences[0].
		run := runNmap("-sS victim", 439649, simnet.Config{Seed: 1}, labnet.Host{Addr: victim, OpenTCP: []uint16{13}})
		probes := run.synProbes()
		Expect(probes).To(HaveLen(1034))
		for _, p := range probes {
			Expect(p.tcp.SrcPort).To(BeEquivalentTo(42558))
			Expect(p.tcp.Seq).To(BeEquivalentTo(3596953827))
		}
	})
})

var _ = Describe("The FAQ's figure 2 TSeq spacing, on Linux 2.0's 10 ms ticks", func() {
	// The six TSeq SYNs of the FAQ's figure 2 (seqs 1815095949..54), as
	// the FAQ prints them.
	faq := []string{"01:41:25.402977", "01:41:25.413377", "01:41:25.433429", "01:41:25.453555", "01:41:25.473427", "01:41:25.493411"}

	It("spaces the SYNs one or two jiffies apart, then two, as the FAQ does, where usleep(5000 + srtt) alone gives 5 ms", func() {
		run := runNmap("-sS -O -p1-25 victim", 439649, simnet.Config{Seed: 1}, labnet.Host{Addr: victim, OpenTCP: faqOpen})
		seq := run.tseqProbes()[:6]
		var want []time.Time
		for _, l := range faq {
			t, err := time.Parse("15:04:05.000000", l)
			Expect(err).NotTo(HaveOccurred())
			want = append(want, t)
		}
		for k := 1; k < 6; k++ {
			got, fig := seq[k].t.Sub(seq[k-1].t), want[k].Sub(want[k-1])
			if k == 1 { // the first sleep starts somewhere in a jiffy: 1 to 2 ticks
				Expect(got).To(BeNumerically(">", 10*time.Millisecond))
				Expect(got).To(BeNumerically("<=", 20*time.Millisecond))
				Expect(fig).To(BeNumerically("~", 10400*time.Microsecond, 100*time.Microsecond))
				continue
			}
			// ceil(5.06 ms / 10 ms) + 1 = 2 ticks from a sleep begun just
			// after a tick: 20 ms, within the FAQ's scheduling jitter.
			Expect(got).To(Equal(20 * time.Millisecond))
			Expect(got - fig).To(BeNumerically("~", 0, 200*time.Microsecond))
		}
	})
})
