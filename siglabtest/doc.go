// Package siglabtest lets users drive siglab from their own Ginkgo/Gomega suites:
// run a scenario (a catalogue name or a file) and assert on what the
// detector found with Gomega matchers.
//
//	It("classifies figure 2", func() {
//		Expect(siglabtest.Run("fig2-syn-os-irix")).To(siglabtest.HaveFinding("osdetect",
//			siglabtest.WithAttr("outcome", "fingerprinted")))
//		Expect(siglabtest.Run("fig2-syn-os-irix")).To(siglabtest.Pass())
//	})
//
// Run uses a live test network when the process is root on Linux and
// the simulated network otherwise (RunOffline forces the latter), so the
// same suite runs offline on macOS and Windows. Each call
// builds and removes its own network; networks are named after the
// process, so Ginkgo's parallel processes never share one. A Result is
// the caller's to keep; nothing in it refers to the network any more.
package siglabtest
