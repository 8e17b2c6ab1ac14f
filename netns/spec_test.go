package netns_test

import (
	"net/netip"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/netns"
)

var _ = Describe("Build refuses bad specs before touching the system", func() {
	a := netip.MustParseAddr
	host := func(name, addr string, ports ...uint16) labnet.Host {
		h := labnet.Host{Name: name, OpenTCP: ports}
		if addr != "" {
			h.Addr = a(addr)
		}
		return h
	}
	DescribeTable("refusal",
		func(spec netns.Spec, want error, mention string) {
			lab, err := netns.Build(spec)
			Expect(lab).To(BeNil())
			Expect(err).To(MatchError(want))
			Expect(err.Error()).To(ContainSubstring(mention))
		},
		Entry("scanner outside 198.18.0.0/15", netns.Spec{Scanner: a("10.0.0.2")}, labnet.ErrOutsideLab, "10.0.0.2"),
		Entry("scanner just below the lab", netns.Spec{Scanner: a("198.17.255.254")}, labnet.ErrOutsideLab, "198.17.255.254"),
		Entry("scanner in the infrastructure /16", netns.Spec{Scanner: a("198.19.0.9")}, labnet.ErrOutsideLab, "198.19.0.9"),
		Entry("scanner IPv6", netns.Spec{Scanner: a("2001:db8::1")}, labnet.ErrOutsideLab, "2001:db8::1"),
		Entry("scanner on the TUN's own address", netns.Spec{Scanner: a("198.18.0.1")}, netns.ErrBadSpec, "198.18.0.1"),
		Entry("scanner on a broadcast address", netns.Spec{Scanner: a("198.18.0.255")}, netns.ErrBadSpec, "198.18.0.255"),
		Entry("host outside the lab", netns.Spec{Hosts: []labnet.Host{host("x", "192.168.1.2")}}, labnet.ErrOutsideLab, "192.168.1.2"),
		Entry("host on the scanner side", netns.Spec{Hosts: []labnet.Host{host("x", "198.18.0.7")}}, labnet.ErrOutsideLab, "198.18.0.7"),
		Entry("host in the infrastructure /16", netns.Spec{Hosts: []labnet.Host{host("x", "198.19.3.4")}}, labnet.ErrOutsideLab, "198.19.3.4"),
		Entry("host above the lab", netns.Spec{Hosts: []labnet.Host{host("x", "198.20.0.2")}}, labnet.ErrOutsideLab, "198.20.0.2"),
		Entry("host without address", netns.Spec{Hosts: []labnet.Host{host("x", "")}}, labnet.ErrOutsideLab, `"x"`),
		Entry("host IPv6", netns.Spec{Hosts: []labnet.Host{host("x", "2001:db8::2")}}, labnet.ErrOutsideLab, "2001:db8::2"),
		Entry("host on a network address", netns.Spec{Hosts: []labnet.Host{host("x", "198.18.1.0")}}, netns.ErrBadSpec, "198.18.1.0"),
		Entry("host on a broadcast address", netns.Spec{Hosts: []labnet.Host{host("x", "198.18.1.255")}}, netns.ErrBadSpec, "198.18.1.255"),
		Entry("duplicate address", netns.Spec{Hosts: []labnet.Host{host("x", "198.18.1.2"), host("y", "198.18.1.2")}}, netns.ErrBadSpec, "198.18.1.2"),
		Entry("duplicate address, one 4in6", netns.Spec{Hosts: []labnet.Host{host("x", "198.18.1.2"), host("y", "::ffff:198.18.1.2")}}, netns.ErrBadSpec, "198.18.1.2"),
		Entry("duplicate name", netns.Spec{Hosts: []labnet.Host{host("x", "198.18.1.2"), host("x", "198.18.1.3")}}, netns.ErrBadSpec, `"x"`),
		Entry("empty name", netns.Spec{Hosts: []labnet.Host{host("", "198.18.1.2")}}, netns.ErrBadSpec, "198.18.1.2"),
		Entry("port 0", netns.Spec{Hosts: []labnet.Host{host("x", "198.18.1.2", 22, 0)}}, netns.ErrBadSpec, "port 0"),
		Entry("duplicate port", netns.Spec{Hosts: []labnet.Host{host("x", "198.18.1.2", 22, 25, 22)}}, netns.ErrBadSpec, "port 22"),
		Entry("scanner on a host's /24", netns.Spec{Scanner: a("198.18.5.9"), Hosts: []labnet.Host{host("x", "198.18.5.2")}}, netns.ErrBadSpec, "198.18.5.9"),
	)
})
