package psad_test

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/external/psad"
	"github.com/siglab/siglab/netns/netnstest"
)

func TestPsad(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "external/psad")
}

// Every spec leaves no lab, no temporary directory of this process and
// no psad or ulogd it started.
var _ = AfterSuite(func() {
	netnstest.ExpectNoLeftovers()
	left, _ := filepath.Glob(filepath.Join(os.TempDir(), psad.TempPrefix+strconv.Itoa(os.Getpid())+"-*"))
	Expect(left).To(BeEmpty(), "temporary directories left behind")
})
