package detector

import (
	"net/netip"
	"time"
)

// Finding is one conclusion of the detector: one label for one scanner
// (and, where it matters, one target), with what an analyst would write
// down as the reason. A capture yields one Finding per label per scanner,
// never one per packet.
type Finding struct {
	// Label is one of the contract's labels, e.g. "scan.tcp-syn".
	Label string `json:"label"`
	// Scanner is the source the finding is about.
	Scanner netip.Addr `json:"scanner"`
	// Targets are the addresses the scanner probed, sorted.
	Targets []netip.Addr `json:"targets"`
	// First and Last are the capture times of the first and last packet
	// that count towards the finding.
	First time.Time `json:"first"`
	Last  time.Time `json:"last"`
	// Packets counts the scanner's packets that make up the finding;
	// Ports counts the distinct destination ports among them.
	Packets int `json:"packets"`
	Ports   int `json:"ports"`
	// Attrs are the finding's attributes (e.g. "generation": "nmap-1").
	Attrs map[string]string `json:"attrs,omitempty"`
	// Evidence is the analyst's reasoning, one plain sentence per item,
	// e.g. "fixed source port 42558 on 25 SYNs".
	Evidence []string `json:"evidence"`
}

// Attr returns the attribute k, or "" when the finding has none.
func (f Finding) Attr(k string) string { return f.Attrs[k] }
