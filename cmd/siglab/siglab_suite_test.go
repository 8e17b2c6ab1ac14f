package main_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestSiglab(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "siglab command")
}

// bin is the siglab binary built for the suite, in a directory any user
// can read, so specs can run it unprivileged.
var bin string

var _ = BeforeSuite(func() {
	dir, err := os.MkdirTemp("", "siglab-e2e-")
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(os.RemoveAll, dir)
	Expect(os.Chmod(dir, 0o755)).To(Succeed())
	bin = filepath.Join(dir, "siglab")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0") // static, as `make build` builds it
	out, err := build.CombinedOutput()
	Expect(err).NotTo(HaveOccurred(), string(out))
})
