package lazyre_test

import (
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/lazyre"
)

var _ = Describe("New", func() {
	It("compiles once, on first use, and gives every caller the same regexp", func() {
		re := lazyre.New(`^a+b$`)
		var wg sync.WaitGroup
		got := make([]any, 8)
		for i := range got {
			wg.Go(func() { got[i] = re() })
		}
		wg.Wait()
		for _, g := range got {
			Expect(g).To(BeIdenticalTo(got[0]))
		}
		Expect(re().MatchString("aab")).To(BeTrue())
		Expect(re().MatchString("ba")).To(BeFalse())
	})

	It("panics on an invalid expression when it is first used, not when declared", func() {
		re := lazyre.New(`(`)
		Expect(func() { re() }).To(Panic())
	})
})
