package scenarios

// p0fLabels is p0f 3's vocabulary: the `mod=` values its log lines carry
// (start_observation calls in p0f 3.09b's fp_tcp.c, fp_mtu.c, fp_http.c
// and process.c). A p0f expectation names one of these, so a typo such
// as "syn-ack" fails at load time.
var p0fLabels = []string{
	"syn", "syn+ack", "sendsyn probe", "sendsyn response",
	"mtu", "uptime", "host change", "ip sharing",
	"http request", "http response",
}
