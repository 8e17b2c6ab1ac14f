package generator_test

import (
	"errors"
	"net/netip"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/generator"
	"github.com/siglab/siglab/generator/engine"
	"github.com/siglab/siglab/labnet"
)

var _ = Describe("nmap 2.02 command line", func() {
	DescribeTable("parses as 2.02's getopt loop did",
		func(cmdline string, check func(*generator.Options)) {
			o, err := generator.ParseOptions(strings.Fields(cmdline))
			Expect(err).NotTo(HaveOccurred())
			check(o)
		},
		Entry("the FAQ's figure 2 run", "-v -sS -P0 -O -p1-25 victim", func(o *generator.Options) {
			Expect(o.Scan).To(Equal(generator.ScanSYN))
			Expect(o.Ping).To(Equal(generator.PingNone))
			Expect(o.OSDetect).To(BeTrue())
			Expect(o.Verbose).To(Equal(1))
			Expect(o.Ports).To(HaveLen(25))
			Expect(o.Targets).To(Equal([]string{"victim"}))
		}),
		Entry("clustered flags and a detached -p argument", "-vvO -sS -p 22,80 victim", func(o *generator.Options) {
			Expect(o.Verbose).To(Equal(2))
			Expect(o.OSDetect).To(BeTrue())
			Expect(o.Ports).To(Equal([]uint16{22, 80}))
		}),
		Entry("open-ended ranges", "-p -3,65534- victim", func(o *generator.Options) {
			Expect(o.Ports).To(Equal([]uint16{1, 2, 3, 65534, 65535}))
		}),
		Entry("ping with a port", "-PT8080 victim", func(o *generator.Options) {
			Expect(o.Ping).To(Equal(generator.PingACK))
			Expect(o.PingPort).To(BeEquivalentTo(8080))
		}),
		Entry("-g, -D with ME, -oN", "-g 53 -D 198.18.9.9,ME -oN out.txt victim", func(o *generator.Options) {
			Expect(o.SourcePort).To(Equal(53))
			Expect(o.Decoys).To(Equal([]string{"198.18.9.9", "ME"}))
			Expect(o.NormalOut).To(Equal("out.txt"))
		}),
		Entry("connect scan is the default", "victim", func(o *generator.Options) {
			Expect(o.Scan).To(Equal(generator.ScanConnect))
			Expect(o.Ports).To(BeNil())
		}),
	)

	DescribeTable("refuses what nmap 2.02 did not have, with a message naming it",
		func(cmdline, msg string) {
			_, err := generator.ParseOptions(strings.Fields(cmdline))
			Expect(errors.Is(err, generator.ErrUsage)).To(BeTrue())
			Expect(err.Error()).To(ContainSubstring(msg))
		},
		Entry("an option 2.02 lacked", "-z victim", "nmap 2.02 has no option -z"),
		Entry("a long option", "--top-ports 10 victim", "nmap 2.02 has no option --top-ports"),
		Entry("a later scan type", "-sA victim", "no scan type -sA"),
		Entry("port 0", "-p0 victim", "port 0"),
		Entry("a port beyond 65535", "-p1-70000 victim", `"70000" is not a port`),
		Entry("a backwards range", "-p30-20 victim", "runs backwards"),
		Entry("a decoy list without addresses", "-D ME victim", "names no decoy"),
		Entry("-oN without its file", "-sS victim -oN", "-oN needs a file name"),
		Entry("no target", "-sS -P0", "no target"),
		Entry("a missing argument", "-sS -p", "needs an argument"),
	)
})

var _ = Describe("Containment guard", func() {
	It("refuses an nmap target outside the lab before anything is sent", func() {
		g, err := engine.NewGuard(netip.PrefixFrom(victim, 32))
		Expect(err).NotTo(HaveOccurred())
		_, err = generator.ResolveNmap("-sS -P0 -p1-25 203.0.113.5", nil, g)
		Expect(errors.Is(err, labnet.ErrOutsideLab)).To(BeTrue())
		Expect(err.Error()).To(ContainSubstring("203.0.113.5"))
	})
})

var _ = Describe("FTP bounce (-b) argument", func() {
	names := map[string]netip.Addr{"ftp": netip.MustParseAddr("198.18.1.2")}
	g, _ := engine.NewGuard(netip.MustParsePrefix("198.18.1.0/24"))

	DescribeTable("accepts [user:pass@]server[:port]",
		func(arg string) {
			_, err := generator.ResolveNmap("-P0 -b "+arg+" -p21 198.18.1.3", names, g)
			Expect(err).NotTo(HaveOccurred())
		},
		Entry("a lab host name", "ftp"),
		Entry("credentials and a port", "joe:secret@ftp:2121"),
		Entry("an address", "198.18.1.2"),
	)

	DescribeTable("refuses what it cannot use",
		func(arg string, want error) {
			_, err := generator.ResolveNmap("-P0 -b "+arg+" -p21 198.18.1.3", names, g)
			Expect(err).To(MatchError(want))
		},
		Entry("a bad port", "ftp:99999", generator.ErrUsage),
		Entry("an unknown host", "nosuchhost", generator.ErrUsage),
		Entry("a proxy outside the lab", "203.0.113.9", labnet.ErrOutsideLab),
	)
})

var _ = Describe("options nmap 2.0x refused together", func() {
	It("refuses -O with -sP", func() {
		g, _ := engine.NewGuard(netip.MustParsePrefix("198.18.1.0/24"))
		_, err := generator.ResolveNmap("-sP -O 198.18.1.2", nil, g)
		Expect(err).To(MatchError(generator.ErrUsage))
		Expect(err.Error()).To(ContainSubstring("-O with -sP"))
	})
})
