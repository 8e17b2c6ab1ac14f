package detector

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ErrUnknownLabel is returned by WriteEVE for a finding whose label has
// no signature number: a label added without its row in eveRules.
var ErrUnknownLabel = errors.New("label has no eve signature")

// eveTimeLayout is Suricata's eve timestamp: microseconds and a numeric
// zone without a colon, e.g. 2017-04-07T22:24:37.251547+0100.
const eveTimeLayout = "2006-01-02T15:04:05.000000-0700"

// Suricata's classification.config names and priorities for the two
// classes siglab's labels fall in.
const (
	classScan = "Detection of a Network Scan" // priority 3
	classLeak = "Attempted Information Leak"  // priority 2
)

// eveRule is the fixed alert identity of one label. Signature numbers
// are part of the output contract: SIEM rules key on them, so a label
// keeps its number forever and new labels take new ones.
type eveRule struct {
	sid      int
	proto    string
	category string
	severity int
	text     string
}

// eveRules: signature_id 9000001.. per label, in the contract's order.
var eveRules = map[string]eveRule{
	"scan.tcp-syn":             {9000001, "TCP", classScan, 3, "TCP SYN (half-open) port scan"},
	"scan.tcp-connect":         {9000002, "TCP", classScan, 3, "TCP connect() port scan"},
	"scan.tcp-fin":             {9000003, "TCP", classScan, 3, "TCP FIN port scan"},
	"scan.tcp-xmas":            {9000004, "TCP", classScan, 3, "TCP Xmas (FIN PSH URG) port scan"},
	"scan.tcp-null":            {9000005, "TCP", classScan, 3, "TCP Null (no flags) port scan"},
	"scan.tcp-ack":             {9000006, "TCP", classScan, 3, "TCP ACK port scan"},
	"scan.udp":                 {9000007, "UDP", classScan, 3, "UDP port scan"},
	"sweep.icmp-echo":          {9000008, "ICMP", classScan, 3, "ICMP echo host sweep"},
	"sweep.tcp-ack":            {9000009, "TCP", classScan, 3, "TCP ACK ping host sweep"},
	"scan.ftp-bounce":          {9000010, "TCP", classScan, 3, "FTP bounce port scan"},
	"osdetect":                 {9000011, "TCP", classLeak, 2, "OS fingerprinting probes"},
	"seqprobe":                 {9000012, "TCP", classLeak, 2, "TCP sequence predictability sampling"},
	"tool.nmap-2.0x":           {9000013, "TCP", classLeak, 2, "scanner is nmap 2.0x"},
	"tool.nmap-modern":         {9000014, "TCP", classLeak, 2, "scanner is nmap (current)"},
	"tool.other":               {9000015, "TCP", classLeak, 2, "scanner is another known tool"},
	"campaign.random-scan":     {9000016, "TCP", classScan, 3, "random scan campaign (FAQ figure 1)"},
	"campaign.exploits-plus":   {9000017, "TCP", classScan, 3, "exploits plus campaign (FAQ figures 4 and 5)"},
	"campaign.sweep-then-scan": {9000018, "TCP", classScan, 3, "sweep-then-scan mapping campaign"},
	"evasion.decoy":            {9000019, "TCP", classScan, 3, "decoy scan: the same probes from several sources"},
	"evasion.fragment":         {9000020, "TCP", classScan, 3, "probes split into tiny IP fragments"},
}

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
// scanner, dest_ip its first target; alert carries the label's fixed
// signature_id (eveRules), and "siglab" the whole finding. A label
// without a signature number fails with ErrUnknownLabel before anything
// of that finding is written.
func WriteEVE(w io.Writer, fs []Finding) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, f := range fs {
		r, ok := eveRules[f.Label]
		if !ok {
			return fmt.Errorf("write eve alert for %s: %q: %w", f.Scanner, f.Label, ErrUnknownLabel)
		}
		a := eveAlert{
			Timestamp: f.First.Format(eveTimeLayout), EventType: "alert",
			SrcIP: f.Scanner.String(), Proto: r.proto, Siglab: f,
			Alert: eveInner{Action: "allowed", GID: 1, SignatureID: r.sid, Rev: 1,
				Signature: eveSignature(f.Label, r), Category: r.category, Severity: r.severity},
		}
		if len(f.Targets) > 0 {
			a.DestIP = f.Targets[0].String()
		}
		if err := enc.Encode(a); err != nil {
			return fmt.Errorf("write eve alert %s for %s: %w", f.Label, f.Scanner, err)
		}
	}
	return nil
}

// eveSignature is the rule message: "SIGLAB <label> <what it means>".
func eveSignature(label string, r eveRule) string {
	return strings.Join([]string{"SIGLAB", label, r.text}, " ")
}
