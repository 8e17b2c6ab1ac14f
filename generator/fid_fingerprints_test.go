package generator_test

import (
	"regexp"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/labnet"
)

// guessLine is the line 2.01's nmap.c prints for a match list:
// "Remote operating system guess: %s" for one record, "Remote OS
// guesses: %s, %s, ..." for several; "" when none matched.
func guessLine(out string) string {
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "Remote operating system guess: ") || strings.HasPrefix(l, "Remote OS guesses: ") {
			return l
		}
	}
	return ""
}

var _ = Describe("OS detection with nmap 2.01's own fingerprint file", func() {
	// Each personality against the embedded file (nmap 2.01's 120
	// records), probed offline through simnet with the FAQ's open ports:
	// it must match the 2.01 record of the OS it imitates and no other.
	// The names are 2.01's as parse_fingerprint_reference_file() reads
	// them (trailing blanks before a # comment kept), printed by nmap.c's
	// "Remote operating system guess: %s". The kernel host (today's
	// Linux, simnet's default stack) has no 1998 record and matches none.
	DescribeTable("every personality matches its own 2.01 record and no other of the 120",
		func(stack labnet.Stack, want string) {
			run := runOS("-sS -P0 -O -p1-25 victim", 34885, labnet.Host{Addr: victim, OpenTCP: faqOpen, Stack: stack}, &osLink{})
			Expect(guessLine(run.out)).To(Equal(want), "output:\n%s", run.out)
			if want != "" {
				Expect(attempts(run.osProbes())).To(Equal(1))
			} else {
				Expect(attempts(run.osProbes())).To(Equal(3))
				Expect(run.out).To(ContainSubstring("No OS matches for this host.  TCP fingerprints:\n"))
			}
		},
		Entry(nil, labnet.Stack("irix-6.2"), "Remote operating system guess: IRIX 6.2 - 6.5  "),
		Entry(nil, labnet.Stack("laserwriter-600"), "Remote operating system guess: Apple Color LaserWrite 600 Printer "),
		Entry(nil, labnet.Stack("linux-2.0.35"), "Remote operating system guess: Linux 2.0.35-36"),
		Entry(nil, labnet.Stack("os2-warp-3"), "Remote operating system guess: IBM OS/2 V.3  "),
		Entry(nil, labnet.Stack("solaris-2.6"), "Remote operating system guess: Solaris 2.6 - 2.7"),
		Entry(nil, labnet.Stack("windows-nt4"), "Remote operating system guess: Windows NT4 / Win95 / Win98"),
		Entry(nil, labnet.Kernel, ""),
	)

	// The FAQ's exploits plus: nmap -v -sS -P0 -O -p143 against a host
	// whose port 143 is closed. A Linux 2.0 host's T5-T7 and PU answers
	// match six records of 2.01's file (Linux 2.0.28, 2.0.30, 2.0.33-34
	// twice, 2.0.35-36, 2.1.122 - 2.1.130); match_fingerprint() (osscan.c)
	// voids a sixth match. Today's Linux (the kernel stack: DF on its
	// resets, a FIN counted in T7's ACK) matches none. Either way os_scan()
	// tries get_fingerprint() three times, 2 s apart, and nmap.c prints
	// "No OS matches for this host.  TCP fingerprints:\n%s\n\n" with
	// mergeFPs() of the three attempts: a test the next attempt repeats
	// is left out, so three equal attempts print as one.
	DescribeTable("a host with no open port: three attempts, no match, the attempts' fingerprints merged",
		func(stack labnet.Stack, t5, t6, t7 string) {
			run := runOS("-v -sS -P0 -O -p143 victim", 2718, labnet.Host{Addr: victim, Stack: stack}, &osLink{puReply: stack.IsKernel()})
			Expect(attempts(run.osProbes())).To(Equal(3))
			Expect(guessLine(run.out)).To(BeEmpty())
			Expect(strings.Count(run.out, "Warning:  No ports found open on this machine")).To(Equal(3))
			Expect(run.out).To(MatchRegexp("No OS matches for this host.  TCP fingerprints:\n" +
				regexp.QuoteMeta(t5+"\n"+t6+"\n"+t7+"\n"+
					"PU(Resp=Y%DF=N%TOS=C0%IPLEN=164%RIPTL=148%RID=E%RIPCK=E%UCK=E%ULEN=134%DAT=E)\n"+
					"\n\n") +
				`Nmap run completed -- 1 IP address \(1 host up\) scanned in \d+ seconds\n$`))
		},
		Entry("Linux 2.0.35: six matches", labnet.Stack("linux-2.0.35"),
			"T5(Resp=Y%DF=N%W=0%ACK=S++%Flags=AR%Ops=)", "T6(Resp=Y%DF=N%W=0%ACK=O%Flags=R%Ops=)", "T7(Resp=Y%DF=N%W=0%ACK=S%Flags=AR%Ops=)"),
		Entry("today's Linux (kernel): no match", labnet.Kernel,
			"T5(Resp=Y%DF=Y%W=0%ACK=S++%Flags=AR%Ops=)", "T6(Resp=Y%DF=Y%W=0%ACK=O%Flags=R%Ops=)", "T7(Resp=Y%DF=Y%W=0%ACK=S++%Flags=AR%Ops=)"),
	)
})
