package fingerprint_test

import (
	"os"
	"testing"

	"github.com/siglab/siglab/generator/fingerprint"
)

// FuzzParse feeds arbitrary text to the parser: it must never panic, and
// whatever it accepts must print back (DB.String) to text that parses to
// the same records.
func FuzzParse(f *testing.F) {
	src, err := os.ReadFile("nmap-os-fingerprints")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(src)
	for _, s := range []string{
		"", "FingerPrint A\nT1(DF=N)\n", "FingerPrint A\nT1(DF=N\n", "FingerPrint A\n\n",
		"Fingerprint A\nT1(DF=N)\n", "FingerPrint A\nTSeq(gcd=<6|3E8&x)\n", "FingerPrint A\nT1()\r\n",
		"FingerPrint A # c\nPU(DAT=E%RID=E) # c\nFingerPrint B\nT2(Resp=N)", "T1(DF=N)", "FingerPrint A\nT1(=)\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		db, err := fingerprint.Parse(data)
		if err != nil {
			return
		}
		text := db.String()
		again, err := fingerprint.Parse([]byte(text))
		if err != nil {
			t.Fatalf("printed DB does not parse: %v\n%s", err, text)
		}
		if again.String() != text {
			t.Fatalf("round trip changed the DB:\n%s\n---\n%s", text, again.String())
		}
		for i := range db.Records {
			if len(db.Records[i].Tests) == 0 {
				t.Fatalf("record %q has no tests", db.Records[i].Name)
			}
		}
	})
}
