package generator_test

import (
	"fmt"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/simnet"
)

// The ident scan's golden values come from nmap 2.01's getidentinfoz()
// and posportupdate() (2.05 alike): sprintf(request, "%hu,%hu\r\n",
// remoteport, localport) written with strlen(request) + 1 bytes, the
// owner the third strtok(" :") token after the first ':', the ports
// table's header "Port    State       Protocol  Service" followed by
// "         Owner\n" under -I, each row "%-8d%-12s%-11s%-16s%s\n".
var _ = Describe("Ident scan (-I)", func() {
	identHost := labnet.Host{Addr: victim, OpenTCP: []uint16{22, 80, 113},
		Identd: &labnet.Identd{Owners: map[uint16]string{22: "root", 80: "nobody"}}}

	// scanSport is the local port of the connect() that found port open.
	// (the first one that got a SYN/ACK back: an ident connection to 113
	// comes after the request that names it).
	scanSport := func(r *offlineRun, port uint16) uint16 {
		for _, w := range r.wire {
			if w.tcp != nil && w.tcp.SYN && w.tcp.ACK && uint16(w.tcp.SrcPort) == port {
				return uint16(w.tcp.DstPort)
			}
		}
		return 0
	}

	It("asks identd \"port,port\\r\\n\" plus the NUL for each open port, before resetting the scan connection", func() {
		run := runNmap("-v -I -sT -P0 -p20-25,80,113 victim", 8, simnet.Config{Seed: 3}, identHost)
		var requests, answers []string
		for _, w := range run.wire {
			if w.tcp == nil || len(w.tcp.Payload) == 0 {
				continue
			}
			if w.tcp.DstPort == 113 {
				requests = append(requests, string(w.tcp.Payload))
			} else if w.tcp.SrcPort == 113 {
				answers = append(answers, string(w.tcp.Payload))
			}
		}
		s22, s80, s113 := scanSport(run, 22), scanSport(run, 80), scanSport(run, 113)
		Expect(requests).To(ConsistOf(
			fmt.Sprintf("22,%d\r\n\x00", s22), fmt.Sprintf("80,%d\r\n\x00", s80), fmt.Sprintf("113,%d\r\n\x00", s113)),
			"open port first, the scan socket's port second, and strlen()+1 bytes: the NUL goes too")
		Expect(answers).To(ConsistOf(
			fmt.Sprintf("22 , %d : USERID : UNIX : root\r\n", s22),
			fmt.Sprintf("80 , %d : USERID : UNIX : nobody\r\n", s80),
			fmt.Sprintf("113 , %d : ERROR : NO-USER\r\n", s113)))

		By("on the wire, per open port: the scan's handshake, 50 ms, the ident connection, its close, then the scan's linger-0 reset")
		var flow []string
		var identSyn, scanAck time.Time
		identPort := uint16(0)
		for _, w := range run.wire {
			if w.tcp == nil {
				continue
			}
			sp, dp := uint16(w.tcp.SrcPort), uint16(w.tcp.DstPort)
			switch {
			case sp == s22 || dp == s22:
				flow = append(flow, "scan "+flags(w))
				if flags(w) == "A" {
					scanAck = w.t
				}
			case dp == 113 && w.tcp.SYN && sp != s113 && identPort == 0 && !scanAck.IsZero():
				identPort, identSyn = sp, w.t
				flow = append(flow, "ident "+flags(w))
			case identPort != 0 && (sp == identPort || dp == identPort):
				f := flags(w)
				if len(w.tcp.Payload) > 0 {
					f += "+data"
				}
				flow = append(flow, "ident "+f)
			}
		}
		Expect(flow[:4]).To(Equal([]string{"scan S", "scan SA", "scan A", "ident S"}))
		Expect(identSyn.Sub(scanAck)).To(BeNumerically("~", 50*time.Millisecond, 2*time.Millisecond), "usleep(50000) before the connect()")
		Expect(flow).To(ContainElement("ident FA"))
		reset := -1
		for i, f := range flow {
			if f == "scan RA" {
				reset = i
			}
		}
		Expect(reset).To(BeNumerically(">", 4))
		Expect(flow[4:reset]).To(ContainElements("ident SA", "ident A+data", "ident A", "ident FA"), "the query is over before the reset")

		By("the output: the Owner column, and the owner in the machine log's fourth field")
		out := run.nmap.Output()
		Expect(out).To(ContainSubstring("Port    State       Protocol  Service         Owner\n" +
			"22      open        tcp        unknown         root\n" +
			"80      open        tcp        www             nobody\n" +
			"113     open        tcp        auth            \n"))
		Expect(out).To(ContainSubstring("Adding TCP port 22 (state Open).\n"))
		Expect(run.nmap.MachineOutput()).To(ContainSubstring("Ports: 22/open/tcp/root////, 80/open/tcp/nobody////, 113/open/tcp/////"))
	})

	It("prints getidentinfoz()'s lines under -d and -d -d", func() {
		run := runNmap("-d -d -I -sT -P0 -p20-25,80,113 victim", 8, simnet.Config{Seed: 3}, identHost)
		s22, s113 := scanSport(run, 22), scanSport(run, 113)
		out := run.nmap.Output()
		Expect(out).To(ContainSubstring(fmt.Sprintf("Connected to identd, sending request: 22,%d\r\n"+
			"Read 34 bytes from identd: 22 , %d : USERID : UNIX : root\r\n\n"+
			"Adding TCP port 22 (state Open).\n", s22, s22)))
		Expect(out).To(ContainSubstring(fmt.Sprintf("Read 30 bytes from identd: 113 , %d : ERROR : NO-USER\r\n\n"+
			"ERROR returned from identd for port 113\n", s113)))
		Expect(out).To(ContainSubstring("The max # of sockets we are using is: 125\n"))
	})

	It("sends no scan probe while it waits for identd (getidentinfoz() blocks)", func() {
		run := runNmap("-I -sT -P0 -p1-200 victim", 8, simnet.Config{Seed: 3}, identHost)
		queriers := map[uint16]bool{} // the local ports that sent a request to 113
		for _, w := range run.wire {
			if w.tcp != nil && w.tcp.DstPort == 113 && len(w.tcp.Payload) > 0 {
				queriers[uint16(w.tcp.SrcPort)] = true
			}
		}
		Expect(queriers).To(HaveLen(3))
		var inQuery bool
		var during int
		for _, w := range run.wire {
			if w.tcp == nil || !w.ip.SrcIP.Equal(scanner.AsSlice()) {
				continue
			}
			if w.tcp.DstPort == 113 && w.tcp.SYN && queriers[uint16(w.tcp.SrcPort)] {
				inQuery = true
			}
			if inQuery && w.tcp.SYN && w.tcp.DstPort != 113 {
				during++
			}
			if w.tcp.DstPort == 113 && w.tcp.FIN {
				inQuery = false
			}
		}
		Expect(during).To(BeZero())
		Expect(run.nmap.Output()).To(ContainSubstring("22      open        tcp        unknown         root\n"))
	})

	It("gives up on the host's identd when it answers HIDDEN-USER", func() {
		h := identHost
		h.Identd = &labnet.Identd{Owners: map[uint16]string{22: labnet.HiddenUser}, Default: "root"}
		run := runNmap("-I -sT -P0 -r -p22,80,113 victim", 8, simnet.Config{Seed: 3}, h)
		var queries int
		for _, w := range run.wire {
			if w.tcp != nil && w.tcp.DstPort == 113 && len(w.tcp.Payload) > 0 {
				queries++
			}
		}
		out := run.nmap.Output()
		Expect(out).To(ContainSubstring("identd returning HIDDEN-USER, giving up on it\n"))
		Expect(queries).To(BeNumerically("<", 3), "no query after the HIDDEN-USER answer")
		Expect(out).To(ContainSubstring("22      open        tcp        unknown         \n"))
	})

	It("tries port 113 again for every open port when nothing listens there", func() {
		h := labnet.Host{Addr: victim, OpenTCP: []uint16{22, 80}}
		run := runNmap("-v -I -sT -P0 -p20-25,80 victim", 8, simnet.Config{Seed: 3}, h)
		var syns, resets int
		for _, w := range run.wire {
			if w.tcp != nil && w.tcp.DstPort == 113 && w.tcp.SYN {
				syns++
			}
			if w.tcp != nil && w.tcp.SrcPort == 113 && w.tcp.RST {
				resets++
			}
		}
		Expect(syns).To(Equal(2))
		Expect(resets).To(Equal(2))
		Expect(strings.Count(run.nmap.Output(), "identd port not active now for some reason ... hope we didn't break it!\n")).To(Equal(2))
	})

	It("warns and asks nobody outside a connect scan, but keeps the Owner column", func() {
		run := runNmap("-I -sS -P0 -p20-25,80 victim", 8, simnet.Config{Seed: 3}, identHost)
		for _, w := range run.wire {
			if w.tcp != nil {
				Expect(w.tcp.DstPort).NotTo(BeEquivalentTo(113))
			}
		}
		out := run.nmap.Output()
		Expect(out).To(ContainSubstring("Identscan only works with connect scan (-sT) ... ignoring option\n"))
		Expect(out).To(ContainSubstring("Port    State       Protocol  Service         Owner\n22      open        tcp        unknown         \n"))
	})
})

var _ = Describe("labnet.Identd answers", func() {
	d := &labnet.Identd{Owners: map[uint16]string{22: "root", 25: labnet.HiddenUser}, Default: "daemon"}
	open := []uint16{22, 25, 80}
	DescribeTable("RFC 1413 replies, pidentd's layout",
		func(req, want string) { Expect(string(d.Answer(open, []byte(req)))).To(Equal(want)) },
		Entry("an owner", "22,1025\r\n\x00", "22 , 1025 : USERID : UNIX : root\r\n"),
		Entry("the default owner", "80 , 1026\r\n", "80 , 1026 : USERID : UNIX : daemon\r\n"),
		Entry("a hidden one", "25,1027\n", "25 , 1027 : ERROR : HIDDEN-USER\r\n"),
		Entry("a port nothing listens on", "23,1028\r\n", "23 , 1028 : ERROR : NO-USER\r\n"),
		Entry("a port out of range", "0,1028\r\n", "0 , 1028 : ERROR : INVALID-PORT\r\n"),
		Entry("garbage", "hello\r\n", "0 , 0 : ERROR : UNKNOWN-ERROR\r\n"),
	)
})
