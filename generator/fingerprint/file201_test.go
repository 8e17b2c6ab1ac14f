package fingerprint_test

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/generator/fingerprint"
)

// The embedded file is nmap 2.01's own nmap-os-fingerprints: the
// repository dmiller-nmap/nmap, commit e86b115c0fecc6c46e4bf758c339d86c16868b62
// ("Nmap 2.01"), path nmap-os-fingerprints, 49364 bytes.
const file201SHA256 = "b9e33f241da7deca87c2235185c466b8c0f336c15a3869f5deb1cfd3e5b6f9ea"

var _ = Describe("nmap 2.01's own nmap-os-fingerprints, as 2.01 reads it", func() {
	var db *fingerprint.DB
	BeforeEach(func() {
		var err error
		db, err = fingerprint.Default()
		Expect(err).NotTo(HaveOccurred())
	})

	It("is shipped unchanged: 120 records", func() {
		src, err := os.ReadFile("nmap-os-fingerprints")
		Expect(err).NotTo(HaveOccurred())
		sum := sha256.Sum256(src)
		Expect(hex.EncodeToString(sum[:])).To(Equal(file201SHA256))
		Expect(len(src)).To(Equal(49364))
		Expect(db.Records).To(HaveLen(120))
		Expect(string(src)).To(HavePrefix("# Nmap OS FingerPrint List."))
		Expect(string(src)).To(ContainSubstring("# The usage license for this file is the same as that for which\n# you acquired nmap (probably GPL)\n"))
	})

	// parse_fingerprint_reference_file() (osscan.c, 2.01): strncmp(line,
	// "FingerPrint", 11), the name copied from line+12 (blanks skipped) up
	// to '#' or '\n'; its loop meant to back up over trailing blanks
	// starts on the NUL after the copy, so the blanks stay.
	It("keeps the blanks before a name's # comment and reads the FingerPrintt line", func() {
		names := map[string]int{}
		for _, r := range db.Records {
			names[r.Name]++
		}
		Expect(names).To(HaveKeyWithValue("IRIX 6.2 - 6.5  ", 1))
		Expect(names).To(HaveKeyWithValue("HP-UX 11.00  ", 1))
		Expect(names).To(HaveKeyWithValue("Linux 2.0.33-34", 1))
		Expect(names).To(HaveKeyWithValue("Linux 2.0.33-34 ", 1))
		Expect(names).To(HaveKeyWithValue("Apple Color LaserWrite 600 Printer ", 2))
		Expect(names).To(HaveKeyWithValue("Solaris 2.6 - 2.7", 1))
		Expect(names).To(HaveKeyWithValue("Windows NT4 / Win95 / Win98", 1))
		Expect(names).To(HaveKeyWithValue("IBM OS/2 V.3  ", 1))
		Expect(names).To(HaveKeyWithValue("Linux 2.0.35-36", 1))
	})

	// The test lines: the name is what precedes the first '(', the
	// attributes what lies between it and the first ')'; the rest of the
	// line is never looked at, and a test given twice is linked twice.
	It("ignores what follows a test's ')' and keeps a test given twice", func() {
		tests := func(name string, nth int) string {
			var out []string
			for _, r := range db.Records {
				if strings.TrimSpace(r.Name) != name {
					continue
				}
				if nth--; nth == 0 {
					for _, t := range r.Tests {
						out = append(out, t.Name)
					}
				}
			}
			return strings.Join(out, " ")
		}
		Expect(tests("IBM Stackable Hub", 1)).To(Equal("TSeq T1 T2 T3 T4 T5 T6 PU"))
		Expect(tests("Meridian Data Network CD-ROM Server (V4.20 Nov 26 1997)", 1)).To(Equal("TSeq T1 T2 T3 T4 T5 T6 T7"))
		Expect(tests("AXIS NetEye Camera Server V1.20", 2)).To(Equal("TSeq TSeq T1 T2 T3 T4 T5 T6 T7 PU"))
		Expect(tests("Cisco 7206  (IOS 11.1(17)", 1)).To(Equal("TSeq T1 T2 T3 T4 T5 T6 T7 T7 PU"))
	})

	// match_fingerprint() (osscan.c, 2.01) stores every matching record,
	// repeated names included, and gives up at the sixth
	// (matches_found >= max_matches - 1 with max_matches = 6).
	It("matches a silent Linux 2.0 host's T5-T7 and PU answers with six records, too many for 2.01", func() {
		obs := observed("T5(Resp=Y%DF=N%W=0%ACK=S++%Flags=AR%Ops=)\n" +
			"T6(Resp=Y%DF=N%W=0%ACK=O%Flags=R%Ops=)\n" +
			"T7(Resp=Y%DF=N%W=0%ACK=S%Flags=AR%Ops=)\n" +
			"PU(Resp=Y%DF=N%TOS=C0%IPLEN=164%RIPTL=148%RID=E%RIPCK=E%UCK=E%ULEN=134%DAT=E)")
		var all []string
		for _, r := range db.Records {
			if r.Matches(obs) {
				all = append(all, r.Name)
			}
		}
		Expect(all).To(Equal([]string{"Linux 2.0.28  ", "Linux 2.0.30", "Linux 2.0.33-34", "Linux 2.0.33-34 ", "Linux 2.0.35-36", "Linux 2.1.122 - 2.1.130"}))
		_, err := fingerprint.Match(db, obs)
		Expect(err).To(MatchError(fingerprint.ErrTooManyMatches))
	})
})
