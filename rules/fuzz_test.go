package rules_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/siglab/siglab/rules"
)

// FuzzParse: any input gives rules or errors, never a panic; every
// error is one line wrapping ErrSyntax, and every rule kept has an
// action, a protocol and its options' keywords.
func FuzzParse(f *testing.F) {
	if b, err := os.ReadFile("classic.rules"); err == nil {
		f.Add(string(b))
	}
	for _, s := range []string{
		`alert tcp any any -> any any (msg:"x"; flags:S,12; sid:1;)`,
		`alert tcp any any -> any any ( msg:"x"; flags:S; sid:1; )`,
		`alert http (msg:"a\"b\;c"; content:"|41 42|x", depth 4, nocase; service:http; sid:2)`,
		`#alert ip [1.2.3.4,!5.6.7.0/24] !80 <> $X [1:2,:3,4:] (dsize:1<>9; threshold:type both, track by_dst, count 1, seconds 60;)`,
		"ipvar A [1.2.3.4]\nportvar P 1:\nalert tcp $A any -> any $P (fragbits:M+; detection_filter:track by_src, count 1, seconds 2;)",
		`alert tcp any any -> any any (content:"abc`, "alert \\\n tcp", "alert tcp [[[ any", "(", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		set, err := rules.Parse("f.rules", []byte(in))
		if set == nil {
			t.Fatal("nil set")
		}
		if err != nil {
			var es rules.Errors
			if !errors.As(err, &es) || len(es) == 0 {
				t.Fatalf("error %v is not Errors", err)
			}
			for _, e := range append([]error{err}, es...) {
				if !errors.Is(e, rules.ErrSyntax) || strings.ContainsAny(e.Error(), "\n\r") {
					t.Fatalf("error %q", e)
				}
				if !strings.HasPrefix(e.Error(), "f.rules:") {
					t.Fatalf("error %q does not name the file", e)
				}
			}
		}
		v := rules.LabVars().Merge(set.Vars)
		for _, r := range set.Rules {
			if r.Action == "" || r.Proto == "" {
				t.Fatalf("rule %+v", r)
			}
			if _, err := v.Resolve(r); err != nil && strings.ContainsAny(err.Error(), "\n\r") {
				t.Fatalf("resolve error %q", err)
			}
		}
	})
}
