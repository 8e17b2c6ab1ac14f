package generator_test

import (
	"strconv"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/generator"
	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/simnet"
)

// -d: the lines nmap 2.01 printed under o.debugging, compared with its
// format strings (nmap.c and osscan.c; 2.05 prints the same ones):
//
//	getpts():        "The first port is %d, and the last one is %d\n"
//	pos_scan():      "Starting pos_scan\n", "Packet capture filter: %s\n" (SYN),
//	                 "Moving port %hu to the potentially firewalled list\n",
//	                 "Preparing for retry, nonresponsive port %d noted\n",
//	                 "Done with round %d\n"
//	super_scan():    "Starting super_scan\n", "Packet capture filter: %s\n",
//	                 "Preparing for retry, open port %d noted\n", "Done with round %d\n",
//	                 "Lost a packet, decreasing window to %d\n"
//	get_fingerprint(): "Wait time is %d\n", "Packet capture filter: %s\n"
//	main():          "OS Fingerprint:\n%s\n" (o.debugging || o.verbose > 1),
//	                 "Final times for host: srtt: %d rttvar: %d  to: %d\n"
//
// -d is also a -v (case 'd': o.debugging++; o.verbose++).
var _ = Describe("Debugging output (-d)", func() {
	h := labnet.Host{Addr: victim, OpenTCP: []uint16{22, 80}, FilteredTCP: []uint16{23}}

	It("prints pos_scan's lines for a connect scan, rounds and all", func() {
		run := runNmap("-d -sT -P0 -p20-23 victim", 8, simnet.Config{Seed: 3}, h)
		Expect(run.nmap.Output()).To(HavePrefix("\nStarting nmap V. 2.02 by Fyodor (fyodor@dhp.com, www.insecure.org/nmap/)\n" +
			"The first port is 20, and the last one is 23\n" +
			"Starting pos_scan\n" +
			"Initiating TCP connect() scan against victim (198.18.1.2)\n" +
			"Adding TCP port 22 (state Open).\n" +
			"Moving port 23 to the potentially firewalled list\n" +
			"Preparing for retry, nonresponsive port 23 noted\n" +
			"Done with round 1\n" +
			"Moving port 23 to the potentially firewalled list\n" +
			"Done with round 2\n" +
			"The TCP connect scan took 0 seconds to scan 4 ports.\n"))
		Expect(run.nmap.Output()).To(MatchRegexp(`\n\nFinal times for host: srtt: \d+ rttvar: \d+  to: \d+\nNmap run completed`))
	})

	It("prints the SYN scan's capture filter and each -p range", func() {
		run := runNmap("-d -sS -P0 -p20-23,80 victim", 8, simnet.Config{Seed: 3}, h)
		Expect(run.nmap.Output()).To(ContainSubstring("The first port is 20, and the last one is 23\n" +
			"The first port is 80, and the last one is 80\n" +
			"Starting pos_scan\n" +
			"Packet capture filter: (icmp and dst host 198.18.0.2) or (tcp and src host 198.18.1.2 and dst host 198.18.0.2)\n" +
			"Initiating SYN half-open stealth scan against victim (198.18.1.2)\n"))
	})

	It("prints super_scan's lines, its open list from the head", func() {
		run := runNmap("-d -sF -P0 -p20-23 victim", 8, simnet.Config{Seed: 3}, h)
		m := int(run.nmap.Magic())
		Expect(run.nmap.Output()).To(ContainSubstring("Starting super_scan\n" +
			"Packet capture filter: (icmp and dst host 198.18.0.2) or (tcp and src host 198.18.1.2 and dst host 198.18.0.2 and ( dst port " +
			strconv.Itoa(m) + " or dst port " + strconv.Itoa(m+1) + "))\n" +
			"Initiating FIN,NULL, UDP, or Xmas stealth scan against victim (198.18.1.2)\n" +
			"Preparing for retry, open port 23 noted\n" +
			"Preparing for retry, open port 22 noted\n" +
			"Done with round 0\n" +
			// round 1 sent 23 first (the list's head), so 22 went silent last
			"Preparing for retry, open port 22 noted\n" +
			"Preparing for retry, open port 23 noted\n" +
			"Done with round 1\n"))
	})

	It("prints OS detection's wait time and filter per attempt, and the fingerprint without -v -v", func() {
		linux := labnet.Host{Addr: victim, Stack: labnet.Personality("linux-2.0.35"), OpenTCP: []uint16{22}}
		run := runNmap("-d -O -sS -P0 -p21-23 victim", 8, simnet.Config{Seed: 3}, linux)
		out := run.nmap.Output()
		Expect(out).To(ContainSubstring("Wait time is 200\n" +
			"Packet capture filter: (icmp and dst host 198.18.0.2) or (tcp and src host 198.18.1.2 and dst host 198.18.0.2)\n" +
			"For OSScan assuming that port 22 is open and port "))
		Expect(out).To(MatchRegexp(`Remote operating system guess: [^\n]+\nOS Fingerprint:\nTSeq\(`))
	})

	It("leaves the output alone without -d", func() {
		run := runNmap("-v -sT -P0 -p20-23 victim", 8, simnet.Config{Seed: 3}, h)
		for _, l := range []string{"Starting pos_scan", "The first port is", "Done with round", "Final times for host", "Moving port"} {
			Expect(run.nmap.Output()).NotTo(ContainSubstring(l))
		}
	})
})

var _ = Describe("-d and -I on the command line", func() {
	It("counts -d as a -v too, and takes both clustered", func() {
		o, err := generator.ParseOptions([]string{"-vddI", "-p22", "victim"})
		Expect(err).NotTo(HaveOccurred())
		Expect(o.Debug).To(Equal(2))
		Expect(o.Verbose).To(Equal(3))
		Expect(o.Ident).To(BeTrue())
	})
})
