package netns

import (
	"net/netip"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/siglab/siglab/labnet"
)

var _ = Describe("validate", func() {
	a := netip.MustParseAddr
	It("gives every host the same gateway, outside every host /24 (a sweep must not find the router)", func() {
		p, err := validate(Spec{Hosts: []labnet.Host{{Name: "a", Addr: a("198.18.1.2")}, {Name: "b", Addr: a("198.18.1.1")}, {Name: "c", Addr: a("198.18.2.254")}}})
		Expect(err).NotTo(HaveOccurred())
		for _, h := range p.hosts {
			Expect(h.gw).To(Equal(a("198.19.255.254")))
		}
	})

	It("defaults the scanner and unmaps 4in6 addresses", func() {
		p, err := validate(Spec{Hosts: []labnet.Host{{Name: "v", Addr: a("::ffff:198.18.1.2")}}})
		Expect(err).NotTo(HaveOccurred())
		Expect(p.scanner).To(Equal(labnet.DefaultScanner))
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
