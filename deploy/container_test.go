package deploy_test

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

const (
	dockerfilePath = "container/Dockerfile"
	installDeps    = "../scripts/install-deps.sh"
	goMod          = "../go.mod"
)

var errDockerfile = errors.New("Dockerfile")

// instruction is one Dockerfile instruction, continuations joined.
type instruction struct {
	line int    // where it starts, 1-based
	cmd  string // upper case: FROM, RUN...
	args string
}

// stage is one FROM and what follows it.
type stage struct {
	image, name string
	body        []instruction
}

// parseDockerfile reads a Dockerfile as BuildKit's parser does for the
// forms this one uses: comment lines (also inside a continuation),
// trailing-backslash continuations, one instruction a line. A heredoc or
// an escape directive it does not read is an error, not a misreading.
func parseDockerfile(text string) ([]stage, error) {
	var ins []instruction
	var cur *instruction
	sc := bufio.NewScanner(strings.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "#") || (line == "" && cur != nil) {
			if n == 1 && strings.Contains(strings.ToLower(line), "escape=") {
				return nil, fmt.Errorf("%w: line 1: escape directive not read", errDockerfile)
			}
			continue
		}
		if line == "" {
			continue
		}
		more := strings.HasSuffix(line, `\`)
		line = strings.TrimSpace(strings.TrimSuffix(line, `\`))
		if cur == nil {
			cmd, args, _ := strings.Cut(line, " ")
			cur = &instruction{line: n, cmd: strings.ToUpper(cmd), args: strings.TrimSpace(args)}
		} else {
			cur.args += " " + line
		}
		if strings.Contains(line, "<<") {
			return nil, fmt.Errorf("%w: line %d: heredoc not read", errDockerfile, n)
		}
		if !more {
			ins = append(ins, *cur)
			cur = nil
		}
	}
	if cur != nil {
		return nil, fmt.Errorf("%w: line %d: continuation at end of file", errDockerfile, cur.line)
	}
	var stages []stage
	for _, in := range ins {
		if in.cmd == "FROM" {
			f := strings.Fields(in.args)
			s := stage{image: f[0]}
			if len(f) == 3 && strings.EqualFold(f[1], "AS") {
				s.name = f[2]
			} else if len(f) != 1 {
				return nil, fmt.Errorf("%w: line %d: FROM %q", errDockerfile, in.line, in.args)
			}
			stages = append(stages, s)
			continue
		}
		if len(stages) == 0 {
			return nil, fmt.Errorf("%w: line %d: %s before FROM", errDockerfile, in.line, in.cmd)
		}
		stages[len(stages)-1].body = append(stages[len(stages)-1].body, in)
	}
	return stages, nil
}

// commands splits a RUN's shell line into its simple commands at && ; |
// and into words (no quoting needed by the lines checked).
func commands(run string) [][]string {
	var out [][]string
	for _, c := range regexp.MustCompile(`&&|\|\||;|\|`).Split(run, -1) {
		if f := strings.Fields(c); len(f) > 0 {
			out = append(out, f)
		}
	}
	return out
}

// demoPackages reads install-deps.sh's demo set: the packages it adds
// outside its `test`-only block.
func demoPackages() ([]string, error) {
	b, err := os.ReadFile(installDeps)
	if err != nil {
		return nil, err
	}
	need := regexp.MustCompile(`need\+=\(([a-z0-9.+-]+)\)`)
	var pkgs []string
	inTest := false
	for _, l := range strings.Split(string(b), "\n") {
		switch {
		case strings.HasPrefix(l, `if [ "$what" = test ]`):
			inTest = true
		case inTest && l == "fi":
			inTest = false
		case !inTest:
			for _, m := range need.FindAllStringSubmatch(l, -1) {
				pkgs = append(pkgs, m[1])
			}
		}
	}
	slices.Sort(pkgs)
	return slices.Compact(pkgs), nil
}

// interop are the image's packages beyond the demo set: ip for looking
// into a lab, tcpdump, today's nmap.
var interop = []string{"iproute2", "nmap", "tcpdump"}

var pinnedBuilder = regexp.MustCompile(`^golang:(\d+\.\d+)(\.\d+)?-(bookworm|trixie)$`)
var pinnedRuntime = regexp.MustCompile(`^debian:(bookworm|trixie)-slim$`)

func goVersion() (string, error) {
	b, err := os.ReadFile(goMod)
	if err != nil {
		return "", err
	}
	m := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(b)
	if m == nil {
		return "", fmt.Errorf("%s: no go directive", goMod)
	}
	return string(m[1]), nil
}

func bad2(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errDockerfile}, args...)...)
}

// checkDockerfile checks the structure issue 18 asks for.
func checkDockerfile(text string) error {
	stages, err := parseDockerfile(text)
	if err != nil {
		return err
	}
	if len(stages) != 2 {
		return bad2("%d stages, want a builder and a runtime", len(stages))
	}
	build, rt := stages[0], stages[1]
	m := pinnedBuilder.FindStringSubmatch(build.image)
	if m == nil || build.name == "" {
		return bad2("builder FROM %s AS %q: want a named golang:X.Y-bookworm|trixie stage", build.image, build.name)
	}
	if v, err := goVersion(); err != nil || m[1] != v {
		return bad2("builder Go %s, go.mod says %s (%v)", m[1], v, err)
	}
	if !pinnedRuntime.MatchString(rt.image) {
		return bad2("runtime FROM %s: want debian:bookworm-slim or trixie-slim", rt.image)
	}
	if err := checkStaticBuild(build); err != nil {
		return err
	}
	if err := checkRuntime(rt, build.name); err != nil {
		return err
	}
	return checkPackages(rt)
}

func checkStaticBuild(s stage) error {
	for _, in := range s.body {
		if in.cmd != "RUN" {
			continue
		}
		for _, c := range commands(in.args) {
			env, rest := c, []string(nil)
			for i, w := range c {
				if !strings.Contains(w, "=") {
					env, rest = c[:i], c[i:]
					break
				}
			}
			if len(rest) >= 2 && rest[0] == "go" && rest[1] == "build" && slices.Contains(rest, "./cmd/siglab") {
				if !slices.Contains(env, "CGO_ENABLED=0") {
					return bad2("line %d: go build of ./cmd/siglab without CGO_ENABLED=0", in.line)
				}
				return nil
			}
		}
	}
	return bad2("the builder never runs go build ./cmd/siglab")
}

func checkRuntime(s stage, builder string) error {
	var copied, entry bool
	for _, in := range s.body {
		f := strings.Fields(in.args)
		switch in.cmd {
		case "COPY":
			if len(f) == 3 && f[0] == "--from="+builder && f[2] == "/usr/local/bin/siglab" {
				copied = true
			}
		case "USER":
			if in.args != "root" && in.args != "0" {
				return bad2("line %d: USER %s: namespaces need root", in.line, in.args)
			}
		case "ENTRYPOINT":
			entry = strings.HasPrefix(in.args, `["/usr/local/bin/siglab-entrypoint"`)
		}
	}
	if !copied {
		return bad2("the runtime does not copy the builder's (%s) siglab to /usr/local/bin/siglab", builder)
	}
	if !entry {
		return bad2("ENTRYPOINT is not the exec form of /usr/local/bin/siglab-entrypoint")
	}
	return nil
}

func checkPackages(s stage) error {
	demo, err := demoPackages()
	if err != nil {
		return err
	}
	if len(demo) == 0 {
		return bad2("install-deps.sh has no demo set")
	}
	var got []string
	for _, in := range s.body {
		if in.cmd != "RUN" {
			continue
		}
		for _, c := range commands(in.args) {
			i := slices.Index(c, "install")
			if i < 1 || c[i-1] != "apt-get" {
				continue
			}
			for _, w := range c[i+1:] {
				if !strings.HasPrefix(w, "-") {
					got = append(got, w)
				}
			}
		}
	}
	slices.Sort(got)
	want := slices.Concat(demo, interop)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		return bad2("apt-get installs %v, want install-deps.sh's demo set %v and %v", got, demo, interop)
	}
	return nil
}

var _ = Describe("the container build", func() {
	var text string
	BeforeEach(func() {
		b, err := os.ReadFile(dockerfilePath)
		Expect(err).NotTo(HaveOccurred())
		text = string(b)
	})

	It("reads install-deps.sh's demo set", func() {
		Expect(demoPackages()).To(Equal([]string{"p0f", "psad", "scanlogd", "ulogd2"}))
	})

	It("is a static golang build on Debian slim with the demo detectors", func() {
		Expect(checkDockerfile(text)).To(Succeed())
		stages, err := parseDockerfile(text)
		Expect(err).NotTo(HaveOccurred())
		Expect(stages[0].image).To(HavePrefix("golang:1.26"))
	})

	It("copies an entrypoint that exists, is executable and execs siglab", func() {
		Expect(text).To(ContainSubstring("COPY deploy/container/siglab-entrypoint.sh /usr/local/bin/siglab-entrypoint"))
		fi, err := os.Stat("container/siglab-entrypoint.sh")
		Expect(err).NotTo(HaveOccurred())
		Expect(fi.Mode().Perm() & 0o111).NotTo(BeZero())
		b, err := os.ReadFile("container/siglab-entrypoint.sh")
		Expect(err).NotTo(HaveOccurred())
		Expect(string(b)).To(ContainSubstring(`exec /usr/local/bin/siglab "$@"`))
		Expect(exec.Command("/bin/sh", "-n", "container/siglab-entrypoint.sh").Run()).To(Succeed())
	})

	DescribeTable("rejects a copy with the field broken",
		func(want, old, new string) {
			Expect(strings.Count(text, old)).To(Equal(1), "Dockerfile must hold %q once", old)
			Expect(checkDockerfile(strings.Replace(text, old, new, 1))).To(MatchError(ContainSubstring(want)))
		},
		Entry("cgo on", "CGO_ENABLED=0", "RUN CGO_ENABLED=0 go build", "RUN CGO_ENABLED=1 go build"),
		Entry("cgo unset", "CGO_ENABLED=0", "RUN CGO_ENABLED=0 go build", "RUN go build"),
		Entry("another package built", "never runs go build", "./cmd/siglab\n", "./cmd/other\n"),
		Entry("golang:latest", "golang:X.Y", "FROM golang:1.26-bookworm AS build", "FROM golang:latest AS build"),
		Entry("an untagged golang", "golang:X.Y", "FROM golang:1.26-bookworm AS build", "FROM golang AS build"),
		Entry("another Go than go.mod's", "go.mod says", "FROM golang:1.26-bookworm AS build", "FROM golang:1.25-bookworm AS build"),
		Entry("an unnamed builder", "named", "FROM golang:1.26-bookworm AS build", "FROM golang:1.26-bookworm"),
		Entry("a runtime that is not Debian slim", "debian:bookworm-slim", "FROM debian:bookworm-slim AS runtime", "FROM ubuntu:24.04 AS runtime"),
		Entry("debian:latest", "debian:bookworm-slim", "FROM debian:bookworm-slim AS runtime", "FROM debian:latest AS runtime"),
		Entry("one stage", "stages", "FROM debian:bookworm-slim AS runtime", "# no runtime stage"),
		Entry("a detector missing", "demo set", "        psad \\\n", ""),
		Entry("a package too many", "demo set", "        nmap \\\n", "        nmap \\\n        curl \\\n"),
		Entry("the binary from another stage", "copy the builder's", "COPY --from=build", "COPY --from=other"),
		Entry("a non-root user", "need root", "USER root", "USER nobody"),
		Entry("a shell-form entrypoint", "ENTRYPOINT", `ENTRYPOINT ["/usr/local/bin/siglab-entrypoint"]`, `ENTRYPOINT /usr/local/bin/siglab-entrypoint`),
		Entry("a heredoc", "heredoc", "RUN go mod download", "RUN <<EOF go mod download"),
		Entry("a dangling continuation", "continuation at end", `CMD ["run"]`, `CMD ["run"] \`),
	)
})

var _ = Describe("the siglab binary's dependencies", func() {
	It("holds no Kubernetes or kustomize package (they are test-only)", func() {
		out, err := exec.Command("go", "list", "-deps", "../cmd/siglab").Output()
		Expect(err).NotTo(HaveOccurred())
		deps := strings.Fields(string(out))
		Expect(deps).To(ContainElement("github.com/alecthomas/kong"), "go list must list the real dependencies")
		for _, d := range deps {
			Expect(d).NotTo(Or(HavePrefix("k8s.io/"), HavePrefix("sigs.k8s.io/")), "cmd/siglab imports %s", d)
		}
	})
})

// goTool is the go command the specs run: the one building them.
var _ = BeforeSuite(func() {
	if _, err := exec.LookPath("go"); err != nil {
		goroot := filepath.Join(os.Getenv("GOROOT"), "bin")
		if goroot == "bin" {
			goroot = "/usr/local/go/bin"
		}
		Expect(os.Setenv("PATH", os.Getenv("PATH")+string(os.PathListSeparator)+goroot)).To(Succeed())
	}
})
