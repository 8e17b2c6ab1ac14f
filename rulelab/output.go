package rulelab

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"

	"github.com/siglab/siglab/rules"
)

// Classtype is one classification of Snort's classification.config:
// the description alerts carry and the default priority.
type Classtype struct {
	Description string
	Priority    int
}

// classtypes is Snort's classification.config (as Suricata ships it).
var classtypes = map[string]Classtype{
	"not-suspicious":                 {"Not Suspicious Traffic", 3},
	"unknown":                        {"Unknown Traffic", 3},
	"bad-unknown":                    {"Potentially Bad Traffic", 2},
	"attempted-recon":                {"Attempted Information Leak", 2},
	"successful-recon-limited":       {"Information Leak", 2},
	"successful-recon-largescale":    {"Large Scale Information Leak", 2},
	"attempted-dos":                  {"Attempted Denial of Service", 2},
	"successful-dos":                 {"Denial of Service", 2},
	"attempted-user":                 {"Attempted User Privilege Gain", 1},
	"unsuccessful-user":              {"Unsuccessful User Privilege Gain", 1},
	"successful-user":                {"Successful User Privilege Gain", 1},
	"attempted-admin":                {"Attempted Administrator Privilege Gain", 1},
	"successful-admin":               {"Successful Administrator Privilege Gain", 1},
	"rpc-portmap-decode":             {"Decode of an RPC Query", 2},
	"shellcode-detect":               {"Executable code was detected", 1},
	"string-detect":                  {"A suspicious string was detected", 3},
	"suspicious-filename-detect":     {"A suspicious filename was detected", 2},
	"suspicious-login":               {"An attempted login using a suspicious username was detected", 2},
	"system-call-detect":             {"A system call was detected", 2},
	"tcp-connection":                 {"A TCP connection was detected", 4},
	"trojan-activity":                {"A Network Trojan was detected", 1},
	"unusual-client-port-connection": {"A client was using an unusual port", 2},
	"network-scan":                   {"Detection of a Network Scan", 3},
	"denial-of-service":              {"Detection of a Denial of Service Attack", 2},
	"non-standard-protocol":          {"Detection of a non-standard protocol or event", 2},
	"protocol-command-decode":        {"Generic Protocol Command Decode", 3},
	"web-application-activity":       {"access to a potentially vulnerable web application", 2},
	"web-application-attack":         {"Web Application Attack", 1},
	"misc-activity":                  {"Misc activity", 3},
	"misc-attack":                    {"Misc Attack", 2},
	"icmp-event":                     {"Generic ICMP event", 3},
	"inappropriate-content":          {"Inappropriate Content was Detected", 1},
	"policy-violation":               {"Potential Corporate Privacy Violation", 1},
	"default-login-attempt":          {"Attempt to login by a default username and password", 2},
}

// Classification is what an alert of r carries: its classtype's
// description (the classtype itself when the table does not know it, ""
// without one) and its priority (the rule's priority: option, else the
// classtype's, else 3).
func Classification(r *rules.Rule) (category string, priority int) {
	priority = 3
	if r.Classtype != "" {
		category = r.Classtype
		if c, ok := classtypes[r.Classtype]; ok {
			category, priority = c.Description, c.Priority
		}
	}
	if r.Priority > 0 {
		priority = r.Priority
	}
	return category, priority
}

// ruleAlert is one alert with its rule.
type ruleAlert struct {
	rule *rules.Rule
	a    *Alert
}

// alertsInOrder is every alert of rep by packet number, then file order.
func alertsInOrder(rep *Report) []ruleAlert {
	var out []ruleAlert
	for i := range rep.Results {
		r := &rep.Results[i]
		for j := range r.Alerts {
			out = append(out, ruleAlert{r.Rule, &r.Alerts[j]})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].a.Packet < out[j].a.Packet })
	return out
}

func gidOf(r *rules.Rule) int {
	if r.GID > 0 {
		return r.GID
	}
	return 1
}

// eveProto is the proto of an eve record: the protocol's name, or its
// number as Suricata writes a protocol it does not name.
func eveProto(p uint8) string {
	switch p {
	case 1:
		return "ICMP"
	case 6:
		return "TCP"
	case 17:
		return "UDP"
	}
	return strconv.Itoa(int(p))
}

// fastProto is the {PROTO} of an alert_fast line, as Snort names it.
func fastProto(p uint8) string {
	switch p {
	case 1, 6, 17:
		return eveProto(p)
	case 2:
		return "IGMP"
	case 47:
		return "GRE"
	case 50:
		return "ESP"
	case 51:
		return "AH"
	}
	return fmt.Sprintf("PROTO:%03d", p)
}

// eveAlert and eveRecord are an eve.json alert in Suricata's field
// order.
type eveAlert struct {
	Action      string `json:"action"`
	GID         int    `json:"gid"`
	SignatureID int    `json:"signature_id"`
	Rev         int    `json:"rev"`
	Signature   string `json:"signature"`
	Category    string `json:"category"`
	Severity    int    `json:"severity"`
}

type eveRecord struct {
	Timestamp string   `json:"timestamp"`
	PcapCnt   int      `json:"pcap_cnt"`
	EventType string   `json:"event_type"`
	SrcIP     string   `json:"src_ip"`
	SrcPort   *uint16  `json:"src_port,omitempty"`
	DestIP    string   `json:"dest_ip"`
	DestPort  *uint16  `json:"dest_port,omitempty"`
	Proto     string   `json:"proto"`
	ICMPType  *uint8   `json:"icmp_type,omitempty"`
	ICMPCode  *uint8   `json:"icmp_code,omitempty"`
	Alert     eveAlert `json:"alert"`
}

// WriteEVE writes rep's alerts as Suricata's eve.json does: one
// event_type "alert" record a line, by packet number (pcap_cnt) and
// then rule file order, the time in UTC. Ports are written for TCP and
// UDP, icmp_type and icmp_code for ICMP.
func WriteEVE(w io.Writer, rep *Report) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for _, ra := range alertsInOrder(rep) {
		r, a := ra.rule, ra.a
		cat, prio := Classification(r)
		rec := eveRecord{
			Timestamp: a.Time.UTC().Format("2006-01-02T15:04:05.000000+0000"),
			PcapCnt:   a.Packet,
			EventType: "alert",
			SrcIP:     a.Src.String(),
			DestIP:    a.Dst.String(),
			Proto:     eveProto(a.Proto),
			Alert: eveAlert{Action: "allowed", GID: gidOf(r), SignatureID: r.SID, Rev: r.Rev,
				Signature: r.Msg, Category: cat, Severity: prio},
		}
		switch a.Proto {
		case 6, 17:
			rec.SrcPort, rec.DestPort = &a.SPort, &a.DPort
		case 1:
			rec.ICMPType, rec.ICMPCode = &a.ICMPType, &a.ICMPCode
		}
		if err := enc.Encode(&rec); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// WriteFast writes rep's alerts as alert_fast lines (Snort 2 with -y,
// and Suricata's fast.log), in WriteEVE's order:
//
//	12/07/26-04:15:00.123456  [**] [1:628:7] SCAN nmap TCP [**] [Classification: Attempted Information Leak] [Priority: 2] {TCP} 198.18.0.2:45123 -> 198.18.1.2:80
//
// The time is UTC; the classification is left out for a rule without a
// classtype; ports are written for TCP and UDP only.
func WriteFast(w io.Writer, rep *Report) error {
	bw := bufio.NewWriter(w)
	for _, ra := range alertsInOrder(rep) {
		r, a := ra.rule, ra.a
		cat, prio := Classification(r)
		fmt.Fprintf(bw, "%s  [**] [%d:%d:%d] %s [**] ", a.Time.UTC().Format("01/02/06-15:04:05.000000"), gidOf(r), r.SID, r.Rev, r.Msg)
		if cat != "" {
			fmt.Fprintf(bw, "[Classification: %s] ", cat)
		}
		fmt.Fprintf(bw, "[Priority: %d] {%s} ", prio, fastProto(a.Proto))
		if a.Proto == 6 || a.Proto == 17 {
			fmt.Fprintf(bw, "%s:%d -> %s:%d\n", a.Src, a.SPort, a.Dst, a.DPort)
		} else {
			fmt.Fprintf(bw, "%s -> %s\n", a.Src, a.Dst)
		}
	}
	return bw.Flush()
}
