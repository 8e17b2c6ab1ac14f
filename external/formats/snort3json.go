package formats

import (
	"io"
	"strings"

	"github.com/siglab/siglab/external"
)

// snort3Fields are alert_json's field names (Snort 3
// src/loggers/alert_json.cc): its defaults first, in the order they are
// written ("timestamp pkt_num proto pkt_gen pkt_len dir src_ap dst_ap
// rule action"), then the rest of alert_json.fields' range in its order.
var snort3Fields = []string{
	"timestamp", "pkt_num", "proto", "pkt_gen", "pkt_len", "dir", "src_ap", "dst_ap", "rule", "action",
	"class", "b64_data", "client_bytes", "client_pkts", "dst_addr", "dst_port",
	"eth_dst", "eth_len", "eth_src", "eth_type", "flowstart_time", "geneve_vni", "gid",
	"icmp_code", "icmp_id", "icmp_seq", "icmp_type", "iface", "ip_id", "ip_len", "msg", "mpls",
	"priority", "rev", "seconds", "server_bytes", "server_pkts", "service", "sgt", "sid",
	"src_addr", "src_port", "target", "tcp_ack", "tcp_flags", "tcp_len", "tcp_seq", "tcp_win",
	"tos", "ttl", "udp_len", "vlan",
}

func snort3JSONFormat() external.Format {
	return external.Format{
		Name:   Snort3JSON,
		Key:    "sid",
		Fields: append([]string(nil), snort3Fields...),
		Parse:  func(r io.Reader) ([]external.Record, error) { return parseLines(r, parseSnort3JSON) },
	}
}

// parseSnort3JSON reads one alert_json line, e.g. with the defaults
//
//	{ "timestamp" : "07/16-09:23:39.153899", "pkt_num" : 5, "proto" : "TCP", "pkt_gen" : "stream_tcp", "pkt_len" : 97, "dir" : "C2S", "src_ap" : "192.168.1.2:50284", "dst_ap" : "192.168.2.3:80", "rule" : "1:1000000:0", "action" : "would_drop" }
//
// Every field is kept as written. The fields a configuration left out
// are derived where the defaults carry them: gid, sid and rev from rule
// ("%u:%u:%u"), src_addr and src_port from src_ap, dst_addr and dst_port
// from dst_ap ("%s:%u", the address as ntop writes it, IPv6 without
// brackets, hence the last colon; Snort writes port 0 for protocols
// without ports and so no port is derived when proto says the packet
// was not TCP or UDP). A line with neither rule nor sid names no alert.
func parseSnort3JSON(line string) (external.Record, bool, error) {
	obj, err := jsonObject(line)
	if err != nil {
		return external.Record{}, false, err
	}
	f := map[string]string{}
	flatten(f, "", obj, 0)

	if rule, ok := f["rule"]; ok {
		parts := strings.Split(rule, ":")
		if len(parts) != 3 || !isDigits(parts[0]) || !isDigits(parts[1]) || !isDigits(parts[2]) {
			return external.Record{}, false, syntaxf("rule %q is not gid:sid:rev", rule)
		}
		for i, k := range []string{"gid", "sid", "rev"} {
			if _, set := f[k]; !set {
				f[k] = parts[i]
			}
		}
	}
	if !isDigits(f["sid"]) {
		return external.Record{}, false, syntaxf("no rule or numeric sid: alert_json's fields must include rule or sid: %s", excerpt(line))
	}

	proto, hasProto := f["proto"]
	ports := !hasProto || proto == "TCP" || proto == "UDP"
	for _, end := range []struct{ ap, addr, port string }{
		{"src_ap", "src_addr", "src_port"},
		{"dst_ap", "dst_addr", "dst_port"},
	} {
		ap, ok := f[end.ap]
		if !ok {
			continue
		}
		i := strings.LastIndexByte(ap, ':')
		if i < 0 || !isDigits(ap[i+1:]) {
			return external.Record{}, false, syntaxf("%s %q is not address:port", end.ap, ap)
		}
		if _, set := f[end.addr]; !set && i > 0 { // ":0": no IP layer, no address
			f[end.addr] = ap[:i]
		}
		if _, set := f[end.port]; !set && ports {
			f[end.port] = ap[i+1:]
		}
	}
	return external.Record{Label: f["sid"], Fields: f}, true, nil
}
