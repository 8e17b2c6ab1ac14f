package generator_test

import (
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	_ "github.com/onsi/gomega"

	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/simnet"
)

var _ = Describe("Ident scan (-I)", func() {
	identHost := labnet.Host{Addr: victim, OpenTCP: []uint16{22, 80, 113},
		Identd: &labnet.Identd{Owners: map[uint16]string{22: "root", 80: "nobody"}}}

	It("DEBUG", func() {
		run := runNmap("-d -d -v -I -sT -P0 -p20-25,80,113 victim", 8, simnet.Config{Seed: 3}, identHost)
		for _, w := range run.wire {
			if w.tcp != nil {
				fmt.Printf("%v %d -> %d %s seq=%d ack=%d %q\n", w.t.Format("05.000"), w.tcp.SrcPort, w.tcp.DstPort, flags(w), w.tcp.Seq, w.tcp.Ack, w.tcp.Payload)
			}
		}
		fmt.Print(run.nmap.Output())
		fmt.Print(run.nmap.MachineOutput())
	})
})
