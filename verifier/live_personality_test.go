package verifier_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/generator/fingerprint"
	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/netns/netnstest"
	"github.com/siglab/siglab/personality"
	"github.com/siglab/siglab/scenarios"
)

// seqClasses is the TSeq class nmap 2.02 must print for each emulated
// stack (the classes the personalities were chosen to cover).
var seqClasses = map[string]string{
	"irix-6.2":        "64K rule",
	"laserwriter-600": "constant sequence number (!)",
	"linux-2.0.35":    "truly random",
	"os2-warp-3":      "increments by 800",
	"solaris-2.6":     "random positive increments",
	"windows-nt4":     "trivial time dependency",
}

// recordName is the name in a personality's fingerprint record.
func recordName(name string) string {
	text, err := personality.Fingerprint(name)
	Expect(err).NotTo(HaveOccurred())
	db, err := fingerprint.Parse([]byte(text))
	Expect(err).NotTo(HaveOccurred())
	Expect(db.Records).To(HaveLen(1))
	return db.Records[0].Name
}

var _ = Describe("nmap 2.02 -O against personality hosts, live", Label("root"), func() {
	var entries []TableEntry
	for _, name := range personality.Names() {
		// kernel and windows-2003-ipv6 (whose IPv4 side is not
		// emulated) have no nmap 2.0x record.
		if _, err := personality.Fingerprint(name); err == nil {
			entries = append(entries, Entry(name, name))
		}
	}

	DescribeTable("names the emulated system and its TCP sequence class",
		func(name string) {
			netnstest.RequireRoot()
			class, ok := seqClasses[name]
			Expect(ok).To(BeTrue(), "no expected TSeq class for personality %s: add it to seqClasses", name)
			s := liveHost(scenarios.Host{Host: labnet.Host{Stack: labnet.Personality(name), OpenTCP: []uint16{1, 7, 9, 13, 19, 21, 22, 23, 25}}})
			out := liveScan(s, "-v -sS -P0 -O -p1-25 victim")
			Expect(out).To(ContainSubstring("Remote operating system guess: "+recordName(name)+"\n"), out)
			Expect(out).To(ContainSubstring("TCP Sequence Prediction: Class="+class+"\n"), out)
		},
		entries,
	)
})
