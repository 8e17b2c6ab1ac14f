package generator_test

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/generator"
	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/simnet"
)

// nmap.c's getopt loop (2.01 and 2.05 alike): -V prints the version and
// exits, -h (and '?') calls printusage(), which prints the usage text
// and exits; both run after main() printed its "Starting nmap" banner
// and before any later option is read. -o and -m take the log files.
var _ = Describe("-V, -h, -o and -m", func() {
	const banner = "\nStarting nmap V. 2.02 by Fyodor (fyodor@dhp.com, www.insecure.org/nmap/)\n"

	It("-V prints the banner and the version line, sends nothing and reads no later option", func() {
		run := runNmap("-V -z not-a-target", 1, simnet.Config{Seed: 1}, labnet.Host{Addr: victim})
		Expect(run.nmap.Output()).To(Equal(banner + "\nnmap V. 2.02 by Fyodor (fyodor@dhp.com, www.insecure.org/nmap/)\n"))
		Expect(run.wire).To(BeEmpty())
	})

	It("-h prints printusage()'s text, without the -A line (o.allowall is 1), and sends nothing", func() {
		run := runNmap("-v -h", 1, simnet.Config{Seed: 1}, labnet.Host{Addr: victim})
		out := run.nmap.Output()
		Expect(out).To(HavePrefix(banner + "nmap V. 2.02 usage: nmap [Scan Type(s)] [Options] <host or net #1 ... [#N]>\nScan types\n   -sT tcp connect() port scan\n"))
		Expect(out).To(ContainSubstring("   -S <your_IP> If you want to specify the source address of SYN or FYN scan.\n   -v Verbose."))
		Expect(out).NotTo(ContainSubstring("-A Allow"))
		Expect(out).To(HaveSuffix("Optional '/mask' specifies subnet. For example:  cert.org/24 or 192.88.209.5/24 or 192.88.209.0-255 or '128.88.209.*' all scan CERT's Class C.\nSEE THE MAN PAGE FOR MORE THOROUGH EXPLANATIONS AND EXAMPLES.\n"))
		Expect(strings.Count(out, "\n")).To(Equal(2 + 41)) // the banner's two, printusage()'s 41
		Expect(run.wire).To(BeEmpty())
	})

	DescribeTable("-o and -m take the log files as 2.0x spelled them; -oN FILE and -oM FILE stay as the later spellings",
		func(args string, normal, machine string) {
			o, err := generator.ParseOptions(strings.Fields(args))
			Expect(err).NotTo(HaveOccurred())
			Expect(o.NormalOut).To(Equal(normal))
			Expect(o.MachineOut).To(Equal(machine))
			Expect(o.Targets).To(Equal([]string{"victim"}))
		},
		Entry("-o FILE", "-sS -o scan.log victim", "scan.log", ""),
		Entry("-oFILE", "-sS -oscan.log victim", "scan.log", ""),
		Entry("-m FILE", "-sS -m scan.m victim", "", "scan.m"),
		Entry("-o and -m", "-sS -o a.log -m b.log victim", "a.log", "b.log"),
		Entry("-oN FILE (later)", "-sS -oN a.log victim", "a.log", ""),
		Entry("-oX FILE: 2.0x's log file X, then a target", "-sS -oX victim", "X", ""),
		Entry("-oM FILE (later)", "-sS -oM b.log victim", "", "b.log"),
	)

	DescribeTable("refuses a second log file, as 2.0x's fatal() did",
		func(args, want string) {
			_, err := generator.ParseOptions(strings.Fields(args))
			Expect(err).To(MatchError(generator.ErrUsage))
			Expect(err.Error()).To(ContainSubstring(want))
		},
		Entry(nil, "-o a -o b victim", "only one log filename allowed"),
		Entry(nil, "-m a -m b victim", "only one machine log filename allowed"),
	)
})
