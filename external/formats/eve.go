package formats

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"

	"github.com/siglab/siglab/external"
)

// eveFields are the eve alert fields expectations may name, in the
// order Suricata writes them (output-json.c CreateEveHeader, then
// output-json-alert.c AlertJsonHeader and AlertJson): the common header,
// the alert object flattened (alert.signature_id is signature_id, the
// target keyword's alert.source.ip is source.ip), then what follows it.
var eveFields = []string{
	"timestamp", "flow_id", "parent_id", "sensor_id", "in_iface", "pcap_cnt", "event_type", "vlan",
	"src_ip", "src_port", "dest_ip", "dest_port", "proto", "icmp_type", "icmp_code", "pkt_src",
	"community_id", "host", "tx_id",
	"action", "gid", "signature_id", "rev", "signature", "category", "severity", "tenant_id",
	"source.ip", "source.port", "target.ip", "target.port", "metadata", "rule", "xff",
	"app_proto", "direction", "payload", "payload_printable", "stream", "packet",
	"capture_file", "pcap_filename",
}

func eveFormat() external.Format {
	return external.Format{
		Name:   EVE,
		Key:    "signature_id",
		Fields: append([]string(nil), eveFields...),
		Parse:  func(r io.Reader) ([]external.Record, error) { return parseLines(r, parseEVE) },
	}
}

// parseEVE reads one eve.json line. Alerts are records: event_type
// "alert", or no event_type and an alert object, which is how Suricata
// logs an alert on a packet that is not IP (AlertJsonDecoderEvent: a
// timestamp and the alert, nothing else). Every other event type is
// skipped.
//
// Fields: the top level's scalar values under their names (arrays of
// scalars such as vlan joined with ","), then the alert object's values
// under their own names, taking precedence over a top-level value of the
// same name (Suricata writes none); alert.source and alert.target as
// source.ip, source.port, target.ip, target.port; alert.metadata (the
// rule's metadata keyword) as its compact JSON, e.g.
// {"created_at":["2010_07_30"],"updated_at":["2019_07_26"]}. Other
// objects (flow, http, the top-level flowbits metadata, siglab's own
// finding) stay in Raw only.
func parseEVE(line string) (external.Record, bool, error) {
	top, err := jsonObject(line)
	if err != nil {
		return external.Record{}, false, err
	}
	alertRaw, hasAlert := top["alert"]
	if et, ok := top["event_type"]; ok {
		if kindOf(et) != jsonScalar || bytes.TrimSpace(et)[0] != '"' {
			return external.Record{}, false, syntaxf("event_type is not a string: %s", excerpt(line))
		}
		if scalarText(et) != "alert" {
			return external.Record{}, false, nil
		}
	} else if !hasAlert {
		return external.Record{}, false, syntaxf("neither event_type nor alert: not an eve record: %s", excerpt(line))
	}
	if kindOf(alertRaw) != jsonObj {
		return external.Record{}, false, syntaxf("alert record without an alert object: %s", excerpt(line))
	}
	var alert map[string]json.RawMessage
	if err := json.Unmarshal(alertRaw, &alert); err != nil {
		return external.Record{}, false, syntaxf("alert: %v", err)
	}
	sid, ok := alert["signature_id"]
	if !ok || !isDigits(string(bytes.TrimSpace(sid))) { // a JSON number, as Suricata writes it
		return external.Record{}, false, syntaxf("alert without a numeric signature_id: %s", excerpt(line))
	}

	fields := map[string]string{}
	for k, raw := range top {
		if k == "alert" || kindOf(raw) == jsonObj {
			continue
		}
		if s, ok := valueText(raw); ok {
			fields[k] = s
		}
	}
	for k, raw := range alert {
		switch {
		case k == "metadata" && kindOf(raw) == jsonObj:
			var b bytes.Buffer
			if json.Compact(&b, raw) == nil {
				fields[k] = b.String()
			}
		case kindOf(raw) == jsonObj:
			var sub map[string]json.RawMessage
			if json.Unmarshal(raw, &sub) == nil {
				flatten(fields, k+".", sub, 1)
			}
		default:
			if s, ok := valueText(raw); ok {
				fields[k] = s
			}
		}
	}
	return external.Record{Label: fields["signature_id"], Fields: fields}, true, nil
}

// isDigits reports whether s is a non-empty run of ASCII digits, the
// form of every rule number these tools write.
func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}
