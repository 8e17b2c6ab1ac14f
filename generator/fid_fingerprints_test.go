package generator_test

import (
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
})
