package siglab_test

import (
	"bytes"
	"debug/macho"
	"debug/pe"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// The offline commands build and work on macOS and Windows: the live
// packages (netns, netns/nsthread, sensor) keep their Linux code in
// _linux.go files and have stubs elsewhere. `make cross` builds the same
// before the suites run, so here the build cache is warm (a few seconds;
// some thirty cold).
var _ = Describe("The other systems", func() {
	DescribeTable("build every package and the siglab program, importing only down the chain",
		func(goos, goarch, program string, isProgram func(path string) error) {
			env := append(os.Environ(), "GOOS="+goos, "GOARCH="+goarch)
			dir := GinkgoT().TempDir()
			build := exec.Command("go", "build", "-o", dir+string(filepath.Separator), "./...")
			build.Env = env
			out, err := build.CombinedOutput()
			Expect(err).NotTo(HaveOccurred(), "GOOS=%s GOARCH=%s go build ./...\n%s", goos, goarch, out)
			Expect(isProgram(filepath.Join(dir, program))).To(Succeed())

			list := exec.Command("go", "list", "-json", "./...")
			list.Env = env
			out, err = list.Output()
			Expect(err).NotTo(HaveOccurred(), "GOOS=%s GOARCH=%s go list", goos, goarch)
			var pkgs []listed
			for dec := json.NewDecoder(bytes.NewReader(out)); dec.More(); {
				var p listed
				Expect(dec.Decode(&p)).To(Succeed())
				pkgs = append(pkgs, p)
			}
			Expect(upward(pkgs)).To(BeEmpty())
		},
		Entry("macOS on Apple silicon", "darwin", "arm64", "siglab", func(path string) error {
			f, err := macho.Open(path)
			if err == nil {
				defer f.Close()
				Expect(f.Cpu).To(Equal(macho.CpuArm64))
			}
			return err
		}),
		Entry("Windows on x86-64", "windows", "amd64", "siglab.exe", func(path string) error {
			f, err := pe.Open(path)
			if err == nil {
				defer f.Close()
				Expect(f.Machine).To(BeEquivalentTo(pe.IMAGE_FILE_MACHINE_AMD64))
			}
			return err
		}),
	)
})
