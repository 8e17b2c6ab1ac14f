package personality_test

import (
	"encoding/binary"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/generator"
	"github.com/siglab/siglab/generator/fingerprint"
	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/personality"
)

// observed is the attempt read by generator/fingerprint's TCPTest and
// PUTest and the TSeq test of ClassifySeq: the code siglab's nmap uses.
func (a attempt) observed() *fingerprint.Fingerprint {
	fp := &fingerprint.Fingerprint{}
	if len(a.isns) >= 4 {
		fp.Tests = append(fp.Tests, generator.ClassifySeq(a.isns).Test())
	}
	for _, t := range osTests {
		obs, ok := fingerprint.TCPTest(t.name, a.replies[t.name], seqBase)
		if !ok {
			obs = fingerprint.NoResponse(t.name)
		}
		fp.Tests = append(fp.Tests, obs)
	}
	sent := puProbe()
	pu, ok := fingerprint.PUTest(a.replies["PU"], fingerprint.UDPProbe{Target: victim.As4(), SPort: magic, DPort: closedPort,
		IPID: puID, UDPSum: binary.BigEndian.Uint16(sent[26:]), Pattern: puPattern})
	if !ok {
		pu = fingerprint.NoResponse("PU")
	}
	fp.Tests = append(fp.Tests, pu)
	return fp
}

// ownRecord is the personality's record as generator/fingerprint parses it.
func ownRecord(name string) fingerprint.Record {
	text, err := personality.Fingerprint(name)
	Expect(err).NotTo(HaveOccurred())
	db, err := fingerprint.Parse([]byte(text))
	Expect(err).NotTo(HaveOccurred())
	Expect(db.Records).To(HaveLen(1))
	return db.Records[0]
}

var _ = Describe("Against siglab's fingerprint database and matcher (generator/fingerprint)", func() {
	// The embedded file is nmap 2.01's own; every personality imitates an
	// OS 2.01 has a record for, and its record is that one, verbatim.
	DescribeTable("the embedded nmap-os-fingerprints (nmap 2.01's) holds the record the personality answers to, once",
		func(name string) {
			own := ownRecord(name)
			db, err := fingerprint.Default()
			Expect(err).NotTo(HaveOccurred())
			n := 0
			for _, r := range db.Records {
				if r.String() == own.String() {
					n++
				}
			}
			Expect(n).To(Equal(1))
		},
		Entry(nil, "irix-6.2"), Entry(nil, "laserwriter-600"), Entry(nil, "linux-2.0.35"),
		Entry(nil, "os2-warp-3"), Entry(nil, "solaris-2.6"), Entry(nil, "windows-nt4"),
	)

	DescribeTable("nmap's all-or-nothing match names that record and no other of the file's 120",
		func(name string) {
			db, err := fingerprint.Default()
			Expect(err).NotTo(HaveOccurred())
			for _, seed := range []uint64{1, 7, 1998} {
				s, err := personality.New(labnet.Host{Stack: labnet.Stack(name), Addr: victim, OpenTCP: faqOpen}, seed)
				Expect(err).NotTo(HaveOccurred())
				obs := play(s, tseqGap).observed()
				recs, err := fingerprint.Match(db, obs)
				Expect(err).NotTo(HaveOccurred())
				var got []string
				for _, r := range recs {
					got = append(got, r.String())
				}
				own := ownRecord(name)
				Expect(got).To(Equal([]string{own.String()}), "observed:\n%s", obs)
			}
		},
		Entry(nil, "irix-6.2"), Entry(nil, "laserwriter-600"), Entry(nil, "linux-2.0.35"),
		Entry(nil, "os2-warp-3"), Entry(nil, "solaris-2.6"), Entry(nil, "windows-nt4"),
	)

	It("reads every reply as this suite does", func() {
		for _, name := range historic {
			a := play(newStack(name), tseqGap)
			obs := a.observed()
			for test, line := range a.lines() {
				Expect(obs.Test(test).String()).To(Equal(test+"("+line+")"), name)
			}
		}
	})
})
