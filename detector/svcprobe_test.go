package detector_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/detector"
	"github.com/siglab/siglab/wire"
)

// conn is one connection from scannerAddr's kernel to targetAddr:port
// opened at at: the handshake, then payload as the first segment (none:
// the client stays silent), the server's line, and the client's FIN
// after hold.
func conn(sport, port uint16, at time.Time, payload []byte, hold time.Duration) []pkt {
	const sISN = 8000000
	cISN := isnOf(sport)
	c := func(d time.Duration, t wire.TCPSegment) pkt {
		t.SPort, t.DPort = sport, port
		if t.Window == 0 {
			t.Window = 502
		}
		return pkt{at.Add(d), ipTCP(scannerAddr, targetAddr, 64, t)}
	}
	s := func(d time.Duration, t wire.TCPSegment) pkt {
		t.SPort, t.DPort, t.Window = port, sport, 509
		return pkt{at.Add(d), ipTCP(targetAddr, scannerAddr, 64, t)}
	}
	out := []pkt{
		c(0, wire.TCPSegment{Seq: cISN, Flags: wire.FlagSYN, Window: 64240, Options: linuxSYNOptions}),
		s(50*time.Microsecond, wire.TCPSegment{Seq: sISN, Ack: cISN + 1, Flags: wire.FlagSYN | wire.FlagACK, Options: mss1460}),
		c(80*time.Microsecond, wire.TCPSegment{Seq: cISN + 1, Ack: sISN + 1, Flags: wire.FlagACK}),
	}
	n := uint32(len(payload))
	line := []byte("siglab ok\r\n")
	if n > 0 {
		out = append(out,
			c(100*time.Microsecond, wire.TCPSegment{Seq: cISN + 1, Ack: sISN + 1, Flags: wire.FlagACK | wire.FlagPSH, Payload: payload}),
			s(200*time.Microsecond, wire.TCPSegment{Seq: sISN + 1, Ack: cISN + 1 + n, Flags: wire.FlagACK | wire.FlagPSH, Payload: line}))
	}
	return append(out, c(hold, wire.TCPSegment{Seq: cISN + 1 + n, Ack: sISN + 1 + uint32(len(line)), Flags: wire.FlagACK | wire.FlagFIN}))
}

// isnOf is the client's ISN on conn's connection from sport.
func isnOf(sport uint16) uint32 { return 3000000 + 7919*uint32(sport) }

// svScan is nmap -sV on the ports given: the NULL probe (a silent
// connection closed after 5 s) when null is set, then each probe on a
// connection of its own, 5 s apart, as the lab's captures show it.
func svScan(null bool, ports []uint16, probes ...[]byte) []pkt {
	var out []pkt
	at := t0
	for i, port := range ports {
		sport := uint16(41000 + 100*i)
		if null {
			out = append(out, conn(sport, port, at, nil, 5*time.Second)...)
		}
		for j, p := range probes {
			out = append(out, conn(sport+1+uint16(j), port, at.Add(time.Duration(j+1)*5*time.Second), p, 5*time.Second)...)
		}
	}
	return byTime(out)
}

// The probes as today's nmap sends them (binary ones: their fixed first
// bytes, then the rest of their length).
var (
	pGenericLines = []byte("\r\n\r\n")
	pGetRequest   = []byte("GET / HTTP/1.0\r\n\r\n")
	pHTTPOptions  = []byte("OPTIONS / HTTP/1.0\r\n\r\n")
	pRTSPRequest  = []byte("OPTIONS / RTSP/1.0\r\n\r\n")
	pHelp         = []byte("HELP\r\n")
	pX11Probe     = []byte("l\x00\x0b\x00\x00\x00\x00\x00\x00\x00\x00\x00")
	pFourOhFour   = []byte("GET /nice%20ports%2C/Tri%6Eity.txt%2ebak HTTP/1.0\r\n\r\n")
	pSSLSession   = sized("\x16\x03\x00\x00S\x01\x00\x00O\x03\x00?G\xd7\xf7\xba,\xee\xea\xb2`~\xf3\x00\xfd\x82{\xb9\xd5\x96", 88)
	pTLSSession   = sized("\x16\x03\x00\x00i\x01\x00\x00e\x03\x03U\x1c\xa7\xe4random1random2random3random4\x00\x00\x0c\x00/", 110)
	pRDPCookie    = sized("\x03\x00\x00*%\xe0\x00\x00\x00\x00\x00Cookie: mstshash=nmap\r\n\x01\x00\x08\x00\x03\x00\x00\x00", 42)
	pRPCCheck     = sized("\x80\x00\x00(r\xfe\x1d\x13\x00\x00\x00\x00\x00\x00\x00\x02\x00\x01\x86\xa0\x00\x01\x97|", 44)
	pDNSVersion   = []byte("\x00\x1e\x00\x06\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x07version\x04bind\x00\x00\x10\x00\x03")
	pSMBProgNeg   = sized("\x00\x00\x00\xa4\xffSMBr\x00\x00\x00\x00\x08\x01@\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00@\x06\x00\x00\x01\x00\x00\x81\x00\x02PC NETWORK PROGRAM 1.0\x00", 168)
	pSIPOptions   = []byte("OPTIONS sip:nm SIP/2.0\r\nVia: SIP/2.0/TCP nm;branch=foo\r\nFrom: <sip:nm@nm>;tag=root\r\nTo: <sip:nm2@nm2>\r\nCall-ID: 50000\r\nCSeq: 42 OPTIONS\r\n\r\n")
	pJavaRMI      = []byte("JRMI\x00\x02K")
	pHello        = []byte("EHLO\r\n")
	pTN3270       = []byte("\xff\xfb\x18\xff\xfa\x18\x00IBM-3279-4-E\xff\xf0\xff\xfb\x19\xff\xfd\x19\xff\xfb\x00\xff\xfd\x00")
	pMQTT         = []byte("\x10\x10\x00\x04MQTT\x04\x02\x00\x1e\x00\x04nmap")
)

// sized is s padded with zeros to n bytes.
func sized(s string, n int) []byte {
	b := make([]byte, n)
	copy(b, s)
	return b
}

// Ordinary clients' first segments.
var (
	curlGET     = []byte("GET / HTTP/1.1\r\nHost: 198.18.1.2\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n")
	browserGET  = []byte("GET / HTTP/1.1\r\nHost: www.example.lab\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Firefox/115.0\r\nAccept: text/html\r\n\r\n")
	curlHello   = sized("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\x8f\x11\x3a\x09\x7c\x55\x21\x0e\x44\x6d\x33\x2b\x1f\x2c\x19\x5e", 517)
	http11Bare  = []byte("GET / HTTP/1.1\r\n\r\n")
	getPlusBody = []byte("GET / HTTP/1.0\r\n\r\nX")
	nseAgent    = "Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)"
)

func request(method, path string, agent string) []byte {
	return []byte(method + " " + path + " HTTP/1.1\r\nConnection: close\r\nHost: 198.18.1.2\r\nUser-Agent: " + agent + "\r\n\r\n")
}

// svcLines are the service findings as "label attr=value".
func svcLines(fs []detector.Finding) []string {
	var out []string
	for _, f := range fs {
		if !strings.HasPrefix(f.Label, "service.") {
			continue
		}
		s := f.Label
		for _, k := range []string{"probes", "agent_requests", "scripts"} {
			if v := f.Attr(k); v != "" {
				s += " " + k + "=" + v
			}
		}
		out = append(out, s)
	}
	return out
}

var _ = Describe("service and version probing, and scripts", func() {
	DescribeTable("nmap -sV's probes, named by nmap-service-probes",
		func(ps []pkt, want ...string) {
			fs, _ := detect(detector.Config{}, ps)
			if len(want) == 0 {
				Expect(svcLines(fs)).To(BeEmpty())
			} else {
				Expect(svcLines(fs)).To(Equal(want))
			}
			for _, f := range fs {
				Expect(f.Evidence).NotTo(BeEmpty())
				Expect(f.Scanner).To(Equal(scannerAddr))
			}
		},
		Entry("the NULL wait, then GetRequest (a web server's -sV)", svScan(true, []uint16{80}, pGetRequest),
			"service.version-probe probes=NULL,GetRequest"),
		Entry("the NULL wait, then GenericLines", svScan(true, []uint16{22}, pGenericLines),
			"service.version-probe probes=NULL,GenericLines"),
		Entry("GetRequest and HTTPOptions", svScan(false, []uint16{80}, pGetRequest, pHTTPOptions),
			"service.version-probe probes=GetRequest,HTTPOptions"),
		Entry("RTSPRequest and Help", svScan(false, []uint16{554}, pRTSPRequest, pHelp),
			"service.version-probe probes=RTSPRequest,Help"),
		Entry("X11Probe and DNSVersionBindReqTCP", svScan(false, []uint16{6000}, pX11Probe, pDNSVersion),
			"service.version-probe probes=DNSVersionBindReqTCP,X11Probe"),
		Entry("SMBProgNeg and JavaRMI", svScan(false, []uint16{445}, pSMBProgNeg, pJavaRMI),
			"service.version-probe probes=SMBProgNeg,JavaRMI"),
		Entry("SSLSessionReq alone: nmap's fixed hello", svScan(false, []uint16{443}, pSSLSession),
			"service.version-probe probes=SSLSessionReq"),
		Entry("TLSSessionReq alone: its random1random2...", svScan(false, []uint16{443}, pTLSSession),
			"service.version-probe probes=TLSSessionReq"),
		Entry("TerminalServerCookie alone: mstshash=nmap", svScan(false, []uint16{3389}, pRDPCookie),
			"service.version-probe probes=TerminalServerCookie"),
		Entry("RPCCheck alone: nmap's fixed XID", svScan(false, []uint16{111}, pRPCCheck),
			"service.version-probe probes=RPCCheck"),
		Entry("FourOhFourRequest alone", svScan(false, []uint16{8080}, pFourOhFour),
			"service.version-probe probes=FourOhFourRequest"),
		Entry("SIPOptions alone", svScan(false, []uint16{5060}, pSIPOptions),
			"service.version-probe probes=SIPOptions"),
		Entry("Hello and tn3270 (a telnet port's probes)", svScan(false, []uint16{23}, pHello, pTN3270),
			"service.version-probe probes=Hello,tn3270"),
		Entry("mqtt alone: client id nmap", svScan(false, []uint16{1883}, pMQTT),
			"service.version-probe probes=mqtt"),
		Entry("the light battery on two ports", svScan(true, []uint16{22, 80}, pGenericLines, pGetRequest, pSSLSession, pTLSSession),
			"service.version-probe probes=NULL,GenericLines,GetRequest,SSLSessionReq,TLSSessionReq"),

		// Near misses: one probe that names no tool, without the NULL wait;
		// ordinary clients' requests and hellos; the NULL wait alone.
		Entry("GetRequest alone, sent at once (a health check)", svScan(false, []uint16{80}, pGetRequest)),
		Entry("GenericLines alone", svScan(false, []uint16{80}, pGenericLines)),
		Entry("silent connections alone (NULL-like waits)", svScan(true, []uint16{22, 80})),
		Entry("curl's GET with Host and User-Agent after a wait", svScan(true, []uint16{80}, curlGET)),
		Entry("a browser's GETs", svScan(false, []uint16{80}, browserGET, browserGET)),
		Entry("HTTP/1.1 bare GET", svScan(true, []uint16{80}, http11Bare)),
		Entry("GetRequest's bytes with more after them", svScan(true, []uint16{80}, getPlusBody)),
		Entry("curl's TLS ClientHello", svScan(true, []uint16{443}, curlHello, curlHello)),
		Entry("SSLSessionReq's first bytes at another length", svScan(true, []uint16{443}, sized("\x16\x03\x00\x00S\x01\x00\x00O\x03\x00?G\xd7\xf7\xba", 120))),
		Entry("HAProxy's default httpchk (OPTIONS / HTTP/1.0) to three backends, again and again",
			svScan(false, []uint16{80, 8080, 8081}, pHTTPOptions, pHTTPOptions, pHTTPOptions, pHTTPOptions)),
		Entry("an SMTP client's EHLO with its name", svScan(true, []uint16{25}, []byte("EHLO mail.example.lab\r\n"), []byte("EHLO mail.example.lab\r\n"))),
		Entry("an MQTT client with its own id", svScan(false, []uint16{1883}, []byte("\x10\x12\x00\x04MQTT\x04\x02\x00\x3c\x00\x06sensor"))),
	)

	// Every probe of the table, sent after the NULL probe's wait as nmap
	// sends them to a port that gave no banner.
	DescribeTable("each probe after the NULL wait is named",
		func(name string, payload []byte) {
			fs, _ := detect(detector.Config{}, svScan(true, []uint16{8000}, payload))
			Expect(svcLines(fs)).To(Equal([]string{"service.version-probe probes=NULL," + name}))
		},
		Entry(nil, "GenericLines", pGenericLines),
		Entry(nil, "GetRequest", pGetRequest),
		Entry(nil, "HTTPOptions", pHTTPOptions),
		Entry(nil, "RTSPRequest", pRTSPRequest),
		Entry(nil, "RPCCheck", pRPCCheck),
		Entry(nil, "DNSVersionBindReqTCP", pDNSVersion),
		Entry(nil, "DNSStatusRequestTCP", []byte("\x00\x0c\x00\x00\x10\x00\x00\x00\x00\x00\x00\x00\x00\x00")),
		Entry(nil, "Hello", pHello),
		Entry(nil, "Help", pHelp),
		Entry(nil, "SSLSessionReq", pSSLSession),
		Entry(nil, "TerminalServerCookie", pRDPCookie),
		Entry(nil, "TLSSessionReq", pTLSSession),
		Entry(nil, "SSLv23SessionReq", sized("\x80\x9e\x01\x03\x01\x00u\x00\x00\x00 \x00\x00f\x00\x00e", 160)),
		Entry(nil, "Kerberos", sized("\x00\x00\x00qj\x81n0\x81k\xa1\x03\x02\x01\x05\xa2\x03\x02\x01\n", 117)),
		Entry(nil, "SMBProgNeg", pSMBProgNeg),
		Entry(nil, "X11Probe", pX11Probe),
		Entry(nil, "FourOhFourRequest", pFourOhFour),
		Entry(nil, "LPDString", []byte("\x01default\n")),
		Entry(nil, "LDAPSearchReq", sized("0\x84\x00\x00\x00-\x02\x01\x07c\x84\x00\x00\x00$", 51)),
		Entry(nil, "LDAPBindReq", []byte("0\x0c\x02\x01\x01`\x07\x02\x01\x02\x04\x00\x80\x00")),
		Entry(nil, "SIPOptions", pSIPOptions),
		Entry(nil, "LANDesk-RC", []byte("TNMP\x04\x00\x00\x00TNME\x00\x00\x04\x00")),
		Entry(nil, "TerminalServer", []byte("\x03\x00\x00\x0b\x06\xe0\x00\x00\x00\x00\x00")),
		Entry(nil, "NCP", sized("DmdT\x00\x00\x00\x17\x00\x00\x00\x01\x00\x00\x00\x00\x11\x11", 23)),
		Entry(nil, "NotesRPC", sized(":\x00\x00\x00/\x00\x00\x00\x02\x00\x00@\x02\x0f\x00\x01", 60)),
		Entry(nil, "JavaRMI", pJavaRMI),
		Entry(nil, "Radmin", []byte("\x01\x00\x00\x00\x01\x00\x00\x00\x08\x08")),
		Entry(nil, "NessusTPv12", []byte("< NTP/1.2 >\n")),
		Entry(nil, "NessusTPv11", []byte("< NTP/1.1 >\n")),
		Entry(nil, "NessusTPv10", []byte("< NTP/1.0 >\n")),
		Entry(nil, "WMSRequest", sized("\x01\x00\x00\xfd\xce\xfa\x0b\xb0\xa0\x00\x00\x00MMS\x14", 144)),
		Entry(nil, "oracle-tns", sized("\x00Z\x00\x00\x01\x00\x00\x00\x016\x01,\x00\x00\x08\x00", 90)),
		Entry(nil, "ms-sql-s", sized("\x12\x01\x004\x00\x00\x00\x00\x00\x00\x15\x00\x06\x01\x00\x1b", 52)),
		Entry(nil, "ajp", []byte("\x124\x00\x01\n")),
		Entry(nil, "hp-pjl", []byte("\x1b%-12345X@PJL INFO ID\r\n\x1b%-12345X\r\n")),
		Entry(nil, "afp", []byte("\x00\x03\x00\x01\x00\x00\x00\x00\x00\x00\x00\x02\x00\x00\x00\x00\x0f\x00")),
		Entry(nil, "mongodb", sized("A\x00\x00\x00:0\x00\x00\xff\xff\xff\xff\xd4\x07\x00\x00\x00\x00\x00\x00test.$cmd\x00", 65)),
		Entry(nil, "xmlsysd", []byte("init\noff all\non identity version\nsend\nquit\n")),
		Entry(nil, "tn3270", pTN3270),
		Entry(nil, "giop", sized("GIOP\x01\x00\x01\x00$\x00\x00\x00\x00\x00\x00\x00\x01", 48)),
		Entry(nil, "mqtt", pMQTT),
		Entry(nil, "iperf3", sized("0000000000000000000000000000000000000", 41)),
	)

	It("does not take a probe's bytes later in a connection for a probe", func() {
		const port, sport = 80, 42000
		ps := conn(sport, port, t0, browserGET, 5*time.Second)
		mid := wire.TCPSegment{SPort: sport, DPort: port, Seq: isnOf(sport) + 1 + uint32(len(browserGET)), Ack: 8000012, Flags: wire.FlagACK | wire.FlagPSH, Window: 502, Payload: pGetRequest}
		mid2 := mid
		mid2.Seq += uint32(len(pGetRequest))
		mid2.Payload = pHTTPOptions
		ps = byTime(ps, []pkt{{t0.Add(time.Second), ipTCP(scannerAddr, targetAddr, 64, mid)}, {t0.Add(2 * time.Second), ipTCP(scannerAddr, targetAddr, 64, mid2)}})
		fs, _ := detect(detector.Config{}, ps)
		Expect(svcLines(fs)).To(BeEmpty())
	})

	It("knows each connection's first segment when connections to one port overlap", func() {
		// Three connections to port 80 open before any sends: the flow
		// keeps only the latest handshake, the ring all three.
		var ps []pkt
		for i, p := range [][]byte{pGetRequest, pHTTPOptions, pRTSPRequest} {
			c := conn(43000+uint16(i), 80, t0.Add(time.Duration(i)*time.Millisecond), p, 5*time.Second)
			for j := range c {
				if j >= 3 { // data, reply, FIN after every handshake
					c[j].at = c[j].at.Add(10 * time.Millisecond)
				}
			}
			ps = append(ps, c...)
		}
		fs, _ := detect(detector.Config{}, byTime(ps))
		Expect(svcLines(fs)).To(Equal([]string{"service.version-probe probes=GetRequest,HTTPOptions,RTSPRequest"}))
	})

	It("still knows a connection's first segment after it acknowledged a banner", func() {
		const port = 21
		a, b := uint16(44000), uint16(44001)
		ia, ib := isnOf(a), isnOf(b)
		c := func(d time.Duration, sport uint16, t wire.TCPSegment) pkt {
			t.SPort, t.DPort, t.Window = sport, port, 502
			return pkt{t0.Add(d), ipTCP(scannerAddr, targetAddr, 64, t)}
		}
		srv := func(d time.Duration, sport uint16, t wire.TCPSegment) pkt {
			t.SPort, t.DPort, t.Window = port, sport, 509
			return pkt{t0.Add(d), ipTCP(targetAddr, scannerAddr, 64, t)}
		}
		banner := []byte("220 ready\r\n")
		ms := time.Millisecond
		ps := []pkt{
			c(0, a, wire.TCPSegment{Seq: ia, Flags: wire.FlagSYN, Options: linuxSYNOptions}),
			srv(1*ms, a, wire.TCPSegment{Seq: 100, Ack: ia + 1, Flags: wire.FlagSYN | wire.FlagACK}),
			c(2*ms, a, wire.TCPSegment{Seq: ia + 1, Ack: 101, Flags: wire.FlagACK}),
			srv(3*ms, a, wire.TCPSegment{Seq: 101, Ack: ia + 1, Flags: wire.FlagACK | wire.FlagPSH, Payload: banner}),
			c(4*ms, a, wire.TCPSegment{Seq: ia + 1, Ack: 101 + uint32(len(banner)), Flags: wire.FlagACK}),
			c(5*ms, b, wire.TCPSegment{Seq: ib, Flags: wire.FlagSYN, Options: linuxSYNOptions}),
			srv(6*ms, b, wire.TCPSegment{Seq: 200, Ack: ib + 1, Flags: wire.FlagSYN | wire.FlagACK}),
			c(7*ms, b, wire.TCPSegment{Seq: ib + 1, Ack: 201, Flags: wire.FlagACK}),
			c(8*ms, a, wire.TCPSegment{Seq: ia + 1, Ack: 101 + uint32(len(banner)), Flags: wire.FlagACK | wire.FlagPSH, Payload: pGetRequest}),
			c(9*ms, b, wire.TCPSegment{Seq: ib + 1, Ack: 201, Flags: wire.FlagACK | wire.FlagPSH, Payload: pHTTPOptions}),
		}
		fs, _ := detect(detector.Config{}, ps)
		Expect(svcLines(fs)).To(Equal([]string{"service.version-probe probes=GetRequest,HTTPOptions"}))
	})

	It("leaves a connect scan's open ports open when nmap -sV then probes them", func() {
		alone, _ := detect(detector.Config{}, connectScan())
		var sv []pkt
		for _, p := range svScan(true, []uint16{22, 25}, pGetRequest, pHTTPOptions) {
			sv = append(sv, pkt{p.at.Add(time.Second), p.data})
		}
		fs, _ := detect(detector.Config{}, byTime(connectScan(), sv))
		Expect(labels(fs)).To(ContainElements("scan.tcp-connect", "service.version-probe"))
		Expect(finding(fs, "scan.tcp-connect").Attr("open")).To(Equal(finding(alone, "scan.tcp-connect").Attr("open")))
		Expect(finding(alone, "scan.tcp-connect").Attr("open")).NotTo(BeEmpty())
	})

	It("says which ports got which probes and how long the NULL probe waited", func() {
		fs, _ := detect(detector.Config{}, svScan(true, []uint16{22, 80}, pGetRequest, pHTTPOptions))
		f := finding(fs, "service.version-probe")
		Expect(f.Ports).To(Equal(2))
		Expect(f.Packets).To(Equal(4))
		Expect(f.Evidence).To(ContainElement("198.18.1.2 port 22: GetRequest, HTTPOptions; the NULL probe: connected and sent nothing for 5.0 s until the connection closed"))
		// From the NULL probe's close to the last probe.
		Expect(f.Last.Sub(f.First)).To(BeNumerically("~", 5*time.Second, time.Millisecond))
	})

	DescribeTable("nmap's scripts, where the wire names them",
		func(ps []pkt, want ...string) {
			fs, _ := detect(detector.Config{}, ps)
			if len(want) == 0 {
				Expect(svcLines(fs)).To(BeEmpty())
				return
			}
			Expect(svcLines(fs)).To(Equal(want))
		},
		Entry("http-title's GET with the NSE User-Agent", svScan(false, []uint16{80}, request("GET", "/", nseAgent)),
			"service.script agent_requests=1"),
		Entry("hnap-info, vmware-version and the 404 check", svScan(false, []uint16{80},
			request("GET", "/HNAP1", nseAgent), request("POST", "/sdk", nseAgent), request("GET", "/nmaplowercheck1796625618", nseAgent)),
			"service.script agent_requests=3 scripts=http library's 404 check (/nmaplowercheck),hnap-info,vmware-version"),
		Entry("weblogic-t3-info's T3 hello, no HTTP", svScan(false, []uint16{7001}, []byte("t3 12.1.2\nAS:2048\nHL:19\n\n")),
			"service.script agent_requests=0 scripts=weblogic-t3-info"),
		Entry("shortport.ssl's TLSSessionReq beside a script's request", svScan(false, []uint16{80}, pTLSSession, request("GET", "/", nseAgent)),
			"service.script agent_requests=1 scripts=shortport.ssl"),
		Entry("a WebLogic client's T3 hello", svScan(false, []uint16{7001}, []byte("t3 12.1.2\nAS:2048\nHL:19\nMS:10000000\nPU:t3://198.18.1.2:7001\n\n"))),
		Entry("/HNAP1 from a browser is no script", svScan(false, []uint16{80}, request("GET", "/HNAP1", "Mozilla/5.0 (X11; Linux x86_64)"))),
		Entry("curl's requests", svScan(false, []uint16{80}, curlGET, request("GET", "/robots.txt", "curl/7.88.1"))),
	)

	It("keeps a bounded record per source", func() {
		var ports []uint16
		for p := range uint16(200) {
			ports = append(ports, 1000+p)
		}
		fs, _ := detect(detector.Config{}, svScan(false, ports, pSSLSession))
		f := finding(fs, "service.version-probe")
		Expect(f.Ports).To(Equal(32))
		Expect(f.Evidence[len(f.Evidence)-1]).To(Equal("168 probes on further ports not kept (cap 32 ports)"))
	})
})

// nmapProbes are the probes nmap's own output names in the service
// fingerprints it printed (the r(NAME,...) records of its SF- lines).
func nmapProbes(txt string) []string {
	var sf strings.Builder
	for _, l := range strings.Split(txt, "\n") {
		if rest, ok := strings.CutPrefix(l, "SF"); ok {
			_, body, _ := strings.Cut(rest, ":")
			sf.WriteString(body)
		}
	}
	seen := map[string]bool{}
	var out []string
	for _, rec := range strings.Split(sf.String(), "%r(")[1:] {
		name, _, _ := strings.Cut(rec, ",")
		if !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

var _ = Describe("service probes in real captures (testdata/real)", func() {
	DescribeTable("are the probes nmap says it sent, each by its name",
		func(file string, ports int) {
			txt, err := os.ReadFile(filepath.Join("testdata", "real", file+".txt"))
			Expect(err).NotTo(HaveOccurred())
			c, err := capture.ReadFile(filepath.Join("testdata", "real", file+".pcap"))
			Expect(err).NotTo(HaveOccurred())
			f := finding(detector.DetectCapture(c), "service.version-probe")
			Expect(f.Ports).To(Equal(ports))
			got := strings.Split(f.Attr("probes"), ",")
			Expect(got[0]).To(Equal("NULL"), "nmap waited for a banner on every port first")
			got = got[1:]
			slices.Sort(got)
			want := nmapProbes(string(txt))
			Expect(want).NotTo(BeEmpty())
			Expect(got).To(Equal(want))
		},
		Entry("nmap -sV -p22,80,443 (two open ports, the default battery)", "nmap-sv", 2),
		Entry("nmap -sV --version-light -p1-100 (five open ports)", "nmap-sv-light", 5),
		Entry("nmap -sT -sV --version-light -p1-100", "nmap-connect-sv", 5),
	)
})
