package verifier_test

import (
	"testing"

	"github.com/siglab/siglab/verifier"
)

// FuzzP0fLine: any line either parses into a whole record or is skipped;
// never a panic, never a record without mod, client or server.
func FuzzP0fLine(f *testing.F) {
	for _, s := range []string{
		"[1998/12/22 01:41:25] mod=syn|cli=198.18.0.2/37813|srv=198.18.1.2/1|subj=cli|os=???|dist=2|params=none|raw_sig=4:62+2:0:0:3072,0:::0",
		"[1998/12/22 01:41:25] mod=http request|cli=198.18.0.2/1|srv=198.18.1.80/80|subj=cli|app=???|raw_sig=0:a|b",
		"[1998/12/22 01:41:25] mod=mtu|cli=2001:db8::1/5|srv=2001:db8::2/80|subj=cli|link=???|raw_mtu=305",
		"[] mod=|cli=/|srv=/", "[", "|||", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		r, ok := verifier.ParseP0fLine(line)
		if !ok {
			return
		}
		if r.Mod == "" || !r.Client.IsValid() || !r.Server.IsValid() {
			t.Fatalf("accepted incomplete record %+v from %q", r, line)
		}
		for _, k := range []string{"mod", "cli", "srv"} {
			if _, in := r.Fields[k]; in {
				t.Fatalf("%s left in Fields of %q", k, line)
			}
		}
		if f := r.Finding(); f.Label != r.Mod || f.Attrs["client"] != r.Client.Addr().String() {
			t.Fatalf("finding %+v does not match record %+v", f, r)
		}
	})
}
