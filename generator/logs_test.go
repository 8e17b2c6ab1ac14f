package generator_test

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/simnet"
)

// nmap 2.01's logs (nmap.c): -o gets what nmap_log() printed, after a
// "# Log of: " line giving every argument a blank after it; -m gets
// nmap_machine_log()'s lines. 2.05 writes them the same way.
var _ = Describe("-o and -m, the logs (nmap.c's nmap_log() and nmap_machine_log())", func() {
	irix := labnet.Host{Addr: victim, OpenTCP: []uint16{1, 7, 9, 13, 19, 21}, Stack: "irix-6.2"}

	It("logs the results without the banner, the progress lines or the closing line", func() {
		run := runNmap("-v -sS -P0 -O -p1-25 -o scan.log 198.18.1.2", 7, simnet.Config{Seed: 2}, irix)
		out, log := run.nmap.Output(), run.nmap.LogOutput()
		Expect(log).To(HavePrefix("# Log of: nmap -v -sS -P0 -O -p1-25 -o scan.log 198.18.1.2 \nInteresting ports on  (198.18.1.2):\nPort    State       Protocol  Service\n1       open        tcp        tcpmux          \n"))
		Expect(out).To(ContainSubstring("Starting nmap V. 2.02"))
		Expect(out).To(ContainSubstring("Initiating SYN half-open stealth scan"))
		for _, stdoutOnly := range []string{"Starting nmap", "Initiating", "Adding TCP port", "Nmap run completed"} {
			Expect(log).NotTo(ContainSubstring(stdoutOnly))
		}
		// Everything in the log is in stdout, in the same order.
		body := strings.SplitN(log, "\n", 2)[1]
		Expect(out).To(ContainSubstring(body[:strings.Index(body, "TCP Sequence Prediction")]))
		Expect(log).To(ContainSubstring("TCP Sequence Prediction: Class="))
		Expect(log).To(ContainSubstring("Remote operating system guess: IRIX 6.2"))
	})

	It("writes one machine line per host: its ports as port/state/protocol/owner////, the sequence index and the OS", func() {
		run := runNmap("-sS -P0 -O -p1-25 -m scan.m 198.18.1.2", 7, simnet.Config{Seed: 2}, irix)
		Expect(run.nmap.MachineOutput()).To(MatchRegexp(`^Host: 198\.18\.1\.2 \(\) Ports: 1/open/tcp/////, 7/open/tcp/////, 9/open/tcp/////, 13/open/tcp/////, 19/open/tcp/////, 21/open/tcp///// Seq Index: \d+ OS: IRIX 6\.2[^|\n]*\n$`))
	})

	DescribeTable("writes the other hosts' lines",
		func(cmdline string, host labnet.Host, want string) {
			Expect(runNmap(cmdline, 7, simnet.Config{Seed: 2}, host).nmap.MachineOutput()).To(Equal(want))
		},
		Entry("a ping scan's live host", "-sP 198.18.1.2", labnet.Host{Addr: victim},
			"Host: 198.18.1.2 () Status: Up\n"),
		Entry("a scanned host with no port to list", "-sS -P0 -p1-5 198.18.1.2", labnet.Host{Addr: victim},
			"Host: 198.18.1.2 () Status: Up\n"),
	)
})

// invertfirewalled() (nmap.c): when more than 10 ports, and over 60% of
// those scanned, are filtered, nmap lists the unfiltered ports instead.
var _ = Describe("invertfirewalled(), the filtered majority", func() {
	DescribeTable("lists the scanned ports that are not filtered, as unfiltered, once more than 10 and over 60% are filtered",
		func(filtered []uint16, wantInverted bool, wantLines ...string) {
			host := labnet.Host{Addr: victim, OpenTCP: []uint16{22}, FilteredTCP: filtered}
			run := runNmap("-sS -P0 -p1-25 -m scan.m 198.18.1.2", 7, simnet.Config{Seed: 2}, host)
			out := run.nmap.Output()
			if wantInverted {
				Expect(out).To(ContainSubstring("Interesting ports on  (198.18.1.2):\n(Not showing ports in state: filtered)\nPort    State"))
			} else {
				Expect(out).NotTo(ContainSubstring("Not showing"))
			}
			for _, l := range wantLines {
				Expect(out).To(ContainSubstring(l))
			}
		},
		Entry("16 of 25 filtered: inverted; 22 stays open, the 8 closed ones are listed unfiltered",
			[]uint16{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, true,
			"17      unfiltered  tcp", "22      open        tcp", "25      unfiltered  tcp"),
		Entry("15 of 25 filtered: exactly 60%, not over: as scanned",
			[]uint16{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, false,
			"15      filtered    tcp", "22      open        tcp"),
	)
	It("leaves 10 filtered of 12 scanned alone (10 is not more than 10)", func() {
		host := labnet.Host{Addr: victim, FilteredTCP: []uint16{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}}
		out := runNmap("-sS -P0 -p1-12 198.18.1.2", 7, simnet.Config{Seed: 2}, host).nmap.Output()
		Expect(out).NotTo(ContainSubstring("Not showing"))
		Expect(out).To(ContainSubstring("10      filtered    tcp"))
	})
	It("writes the machine log from the inverted list", func() {
		host := labnet.Host{Addr: victim, OpenTCP: []uint16{22}, FilteredTCP: []uint16{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}}
		m := runNmap("-sS -P0 -p1-25 -m scan.m 198.18.1.2", 7, simnet.Config{Seed: 2}, host).nmap.MachineOutput()
		Expect(m).To(HavePrefix("Host: 198.18.1.2 () Ports: 17/unfiltered/tcp/////, 18/unfiltered/tcp////"))
		Expect(m).To(ContainSubstring("22/open/tcp/////"))
		Expect(m).NotTo(ContainSubstring("/filtered/"))
	})
})
