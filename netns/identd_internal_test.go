//go:build linux

package netns

import (
	"io"
	"net"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/labnet"
)

var _ = Describe("the lab's identd", func() {
	It("answers nmap 2.0x's request, NUL and all, and closes", func() {
		srv, cli := net.Pipe()
		d := &labnet.Identd{Owners: map[uint16]string{22: "root"}}
		done := make(chan struct{})
		go func() { defer close(done); identdServer(srv, d, []uint16{22, 113}); srv.Close() }()
		_, err := cli.Write([]byte("22,1029\r\n\x00"))
		Expect(err).NotTo(HaveOccurred())
		got, err := io.ReadAll(cli)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(got)).To(Equal("22 , 1029 : USERID : UNIX : root\r\n"))
		Eventually(done).Should(BeClosed())
	})
})
