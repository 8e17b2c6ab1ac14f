package netns_test

import (
	"os"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/netns"
	"github.com/siglab/siglab/netns/netnstest"
)

// What CheckLive refuses (no root, no capability, no TUN, a read-only
// /run) is specified end to end in the siglab command's suite, where
// each bad environment is made in a private mount namespace or by
// setpriv; here, that a machine able to build labs passes.
var _ = Describe("CheckLive", func() {
	It("passes where labs can be built, and CheckStateDir too", Label("root"), func() {
		netnstest.RequireRoot()
		Expect(netns.CheckLive()).To(Succeed())
		Expect(netns.CheckStateDir()).To(Succeed())
		info, err := os.Stat(netns.StateDir)
		Expect(err).NotTo(HaveOccurred())
		Expect(info.IsDir()).To(BeTrue())
	})
})
