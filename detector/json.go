package detector

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
)

// timeLayout is RFC 3339 with all nine fraction digits, so that lines
// line up and sort as text.
const timeLayout = "2006-01-02T15:04:05.000000000Z07:00"

// wireFinding is Finding as written: fixed-width times, and empty lists
// as [] rather than null.
type wireFinding struct {
	Label    string            `json:"label"`
	Scanner  netip.Addr        `json:"scanner"`
	Targets  []netip.Addr      `json:"targets"`
	First    string            `json:"first"`
	Last     string            `json:"last"`
	Packets  int               `json:"packets"`
	Ports    int               `json:"ports"`
	Attrs    map[string]string `json:"attrs,omitempty"`
	Evidence []string          `json:"evidence"`
}

// MarshalJSON writes f with addresses as strings and times as RFC 3339
// with nanoseconds. encoding/json reads it back into a Finding.
func (f Finding) MarshalJSON() ([]byte, error) {
	w := wireFinding{
		Label: f.Label, Scanner: f.Scanner, Targets: f.Targets,
		First: f.First.Format(timeLayout), Last: f.Last.Format(timeLayout),
		Packets: f.Packets, Ports: f.Ports, Attrs: f.Attrs, Evidence: f.Evidence,
	}
	if w.Targets == nil {
		w.Targets = []netip.Addr{}
	}
	if w.Evidence == nil {
		w.Evidence = []string{}
	}
	// An Encoder, because json.Marshal would escape the "->" and "<" an
	// evidence line may hold.
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(w); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte{'\n'}), nil
}

// WriteJSONLines writes one JSON object per finding, one per line.
func WriteJSONLines(w io.Writer, fs []Finding) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, f := range fs {
		if err := enc.Encode(f); err != nil {
			return fmt.Errorf("write %s finding for %s: %w", f.Label, f.Scanner, err)
		}
	}
	return nil
}
