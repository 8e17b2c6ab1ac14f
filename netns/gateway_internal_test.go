package netns

import (
	"net/netip"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("validate", func() {
	a := netip.MustParseAddr
	DescribeTable("picks the sensor's gateway on each host's /24",
		func(hosts []string, want []string) {
			spec := Spec{}
			for i, h := range hosts {
				spec.Hosts = append(spec.Hosts, HostSpec{Name: string(rune('a' + i)), Addr: a(h)})
			}
			p, err := validate(spec)
			Expect(err).NotTo(HaveOccurred())
			var got []string
			for _, h := range p.hosts {
				got = append(got, h.gw.String())
			}
			Expect(got).To(Equal(want))
		},
		Entry("x.y.z.1 by default", []string{"198.18.1.2"}, []string{"198.18.1.1"}),
		Entry("x.y.z.254 when the host is .1", []string{"198.18.1.1"}, []string{"198.18.1.254"}),
		Entry("one gateway per /24, avoiding every host in it",
			[]string{"198.18.1.2", "198.18.1.1", "198.18.1.254", "198.18.2.1"},
			[]string{"198.18.1.253", "198.18.1.253", "198.18.1.253", "198.18.2.254"}),
	)

	It("defaults the scanner and unmaps 4in6 addresses", func() {
		p, err := validate(Spec{Hosts: []HostSpec{{Name: "v", Addr: a("::ffff:198.18.1.2")}}})
		Expect(err).NotTo(HaveOccurred())
		Expect(p.scanner).To(Equal(DefaultScanner))
		Expect(p.hosts[0].Addr).To(Equal(a("198.18.1.2")))
	})

	DescribeTable("parses namespace names for Clean",
		func(name, id string, pid int, ok bool) {
			gotID, gotPid, gotOK := parseName(name)
			Expect([]any{gotID, gotPid, gotOK}).To(Equal([]any{id, pid, ok}))
		},
		Entry("lab namespace", "siglab-123-4-scan", "123-4", 123, true),
		Entry("host namespace", "siglab-123-4-h17", "123-4", 123, true),
		Entry("no role", "siglab-123-4", "", 0, false),
		Entry("not a pid", "siglab-abc-4-scan", "", 0, false),
		Entry("not a seq", "siglab-123-x-scan", "", 0, false),
		Entry("other prefix", "cni-123-4-scan", "", 0, false),
	)
})
