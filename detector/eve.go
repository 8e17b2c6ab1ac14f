package detector

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ErrUnknownLabel is returned by WriteEVE for a finding whose label has
// no signature number: a label that is not in the label table
// (labels.go), such as one an analyzer reports without a row there.
var ErrUnknownLabel = errors.New("label has no eve signature")

// eveTimeLayout is Suricata's eve timestamp: microseconds and a numeric
// zone without a colon, e.g. 2017-04-07T22:24:37.251547+0100.
const eveTimeLayout = "2006-01-02T15:04:05.000000-0700"

// eveAlert is one Suricata eve.json alert record.
type eveAlert struct {
	Timestamp string   `json:"timestamp"`
	EventType string   `json:"event_type"`
	SrcIP     string   `json:"src_ip"`
	DestIP    string   `json:"dest_ip,omitempty"`
	Proto     string   `json:"proto"`
	Alert     eveInner `json:"alert"`
	Siglab    Finding  `json:"siglab"`
}

type eveInner struct {
	Action      string `json:"action"`
	GID         int    `json:"gid"`
	SignatureID int    `json:"signature_id"`
	Rev         int    `json:"rev"`
	Signature   string `json:"signature"`
	Category    string `json:"category"`
	Severity    int    `json:"severity"`
}

// WriteEVE writes one Suricata eve.json alert record per finding, one
// per line, so that pipelines built for Suricata take siglab's findings
// as they are: the timestamp is the finding's first packet, src_ip the
// scanner, dest_ip its first target; proto the label's (an ICMP
// label's finding on IPv6 is Suricata's "IPv6-ICMP"); alert carries the label's row of
// the label table (signature_id, category, severity, message), and
// "siglab" the whole finding. A label not in the table fails with
// ErrUnknownLabel before anything of that finding is written.
func WriteEVE(w io.Writer, fs []Finding) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, f := range fs {
		r, ok := LookupLabel(f.Label)
		if !ok {
			return fmt.Errorf("write eve alert for %s: %q: %w", f.Scanner, f.Label, ErrUnknownLabel)
		}
		a := eveAlert{
			Timestamp: f.First.Format(eveTimeLayout), EventType: "alert",
			SrcIP: f.Scanner.String(), Proto: r.Proto, Siglab: f,
			Alert: eveInner{Action: "allowed", GID: 1, SignatureID: r.SID, Rev: 1,
				Signature: eveSignature(r), Category: r.Category, Severity: r.Severity},
		}
		if len(f.Targets) > 0 {
			a.DestIP = f.Targets[0].String()
		}
		if a.Proto == "ICMP" && f.Scanner.Is6() {
			a.Proto = "IPv6-ICMP" // Suricata's name for ICMPv6
		}
		if err := enc.Encode(a); err != nil {
			return fmt.Errorf("write eve alert %s for %s: %w", f.Label, f.Scanner, err)
		}
	}
	return nil
}

// eveSignature is the rule message: "SIGLAB <label> <what it means>".
func eveSignature(l LabelInfo) string {
	return strings.Join([]string{"SIGLAB", l.Name, l.Text}, " ")
}
