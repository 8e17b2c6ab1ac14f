package netns

import (
	"net/netip"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("the lab's FTP server", func() {
	DescribeTable("takes PORT to any lab address, as 1998 servers took any address, and nothing outside the lab",
		func(arg, want, err string) {
			ap, e := parsePORT(arg)
			if err != "" {
				Expect(e).To(MatchError(ContainSubstring(err)))
				return
			}
			Expect(e).NotTo(HaveOccurred())
			Expect(ap).To(Equal(netip.MustParseAddrPort(want)))
		},
		Entry("a third-party lab host", "198,18,1,3,0,22", "198.18.1.3:22", ""),
		Entry("a high port", "198,18,1,3,234,96", "198.18.1.3:60000", ""),
		Entry("outside the lab", "10,0,0,1,0,80", "", "outside the lab"),
		Entry("malformed", "198,18,1", "", "not understood"),
		Entry("a byte out of range", "198,18,1,300,0,80", "", "not understood"),
	)

	DescribeTable("answers the commands nmap's bounce scan sends",
		func(verb, want string) {
			var data netip.AddrPort
			reply, _ := ftpCommand(verb, "x", &data, func() bool { return true }, 0, netip.Addr{})
			Expect(reply).To(HavePrefix(want))
		},
		Entry("USER", "USER", "331 "),
		Entry("PASS", "PASS", "230 "),
		Entry("LIST without PORT", "LIST", "425 "),
		Entry("QUIT", "QUIT", "221 "),
		Entry("anything else", "SITE", "500 "),
	)
})
