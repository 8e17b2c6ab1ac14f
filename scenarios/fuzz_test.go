package scenarios_test

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/siglab/siglab/generator/traffic"
	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/scenarios"
	"github.com/siglab/siglab/sensor"
)

// errRE is the one-line error form every failure must have.
var errRE = regexp.MustCompile(`^fuzz\.yaml:[1-9][0-9]*: [^\n]+$`)

// FuzzParse feeds Parse arbitrary bytes, seeded with the catalogue: it must
// never panic, must fail only with a one-line file:line error wrapping
// ErrInvalid, and whatever it accepts must satisfy the file format's rules.
func FuzzParse(f *testing.F) {
	files, err := filepath.Glob("*.yaml")
	if err != nil || len(files) == 0 {
		f.Fatalf("no catalogue files to seed from: %v", err)
	}
	stress, err := filepath.Glob("stress/*.yaml") // the flood: and sensor: keys
	if err != nil || len(stress) == 0 {
		f.Fatalf("no stress scenarios to seed from: %v", err)
	}
	files = append(files, stress...)
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(minimal))
	f.Add([]byte(full))
	// The rule lab's section: sids of the classic set, a count.
	f.Add([]byte(minimal + "  rules:\n    present: [628, {signature_id: 1228, count: 3}]\n    absent: [621]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := scenarios.Parse("fuzz.yaml", data)
		if err != nil {
			if !errors.Is(err, scenarios.ErrInvalid) || !errRE.MatchString(err.Error()) {
				t.Fatalf("malformed error %q", err)
			}
			return
		}
		checkAccepted(t, s)
	})
}

var nameRE = regexp.MustCompile(`^[a-z0-9-]+$`)

// checkAccepted restates the format's rules on an accepted scenario.
func checkAccepted(t *testing.T, s *scenarios.Scenario) {
	if !nameRE.MatchString(s.Name) {
		t.Fatalf("accepted name %q", s.Name)
	}
	if len(s.Scan)+len(s.Traffic) == 0 {
		t.Fatal("accepted a scenario with no scan and no traffic")
	}
	seen := map[string]bool{}
	for _, h := range s.Network.Hosts {
		a := h.Addr
		if !a.Is4() || a.As4()[0] != 198 || a.As4()[1] != 18 || a.As4()[2] == 0 {
			t.Fatalf("host %s got address %s outside the lab", h.Name, a)
		}
		if seen[h.Name] || seen[a.String()] {
			t.Fatalf("duplicate host name or address %s %s", h.Name, a)
		}
		seen[h.Name], seen[a.String()] = true, true
		for _, p := range append(append([]uint16{}, h.OpenTCP...), h.FilteredTCP...) {
			if p == 0 {
				t.Fatalf("accepted port 0 on %s", h.Name)
			}
		}
	}
	for _, tr := range s.Traffic {
		if _, ok := s.Host(tr.Host); !ok || tr.Count < 1 || tr.At < 0 || tr.Port == 0 {
			t.Fatalf("accepted traffic %+v", tr)
		}
		if tr.Flood {
			if tr.Every != 0 || tr.Rate < 1 || tr.Rate > traffic.MaxFloodRate || tr.Sources < 1 ||
				tr.Sources > labnet.SpareSources(labnet.DefaultScanner) || tr.Count > 1_000_000 || tr.DNS {
				t.Fatalf("accepted flood %+v", tr)
			}
		} else if tr.Every <= 0 || tr.Rate != 0 || tr.Sources != 0 || tr.Count > 10000 {
			t.Fatalf("accepted traffic %+v", tr)
		}
	}
	if b := s.Sensor.ReceiveBuffer; b != 0 && (b < sensor.MinReceiveBuffer || b > sensor.MaxReceiveBuffer) {
		t.Fatalf("accepted receive buffer %d", b)
	}
	for _, r := range s.Scan {
		if strings.TrimSpace(r.Nmap) == "" || r.At < 0 {
			t.Fatalf("accepted run %+v", r)
		}
	}
	for name, d := range s.Expect.Detectors {
		spec, ok := s.DetectorSet.Lookup(name)
		if !ok {
			t.Fatalf("accepted a section for unknown detector %s", name)
		}
		for _, e := range append(append([]scenarios.Expectation{}, d.Present...), d.Absent...) {
			switch {
			case spec.LabelBased() && !scenarios.KnownDetectorLabel(name, e.Label):
				t.Fatalf("accepted %s label %q", name, e.Label)
			case !spec.LabelBased() && e.Label == "" && len(e.Attrs) == 0:
				t.Fatalf("accepted an empty %s entry", name)
			case !spec.LabelBased():
				for k := range e.Attrs {
					if k != scenarios.CountKey && !spec.Format.HasField(k) {
						t.Fatalf("accepted %s field %q", name, k)
					}
				}
			}
		}
	}
}
