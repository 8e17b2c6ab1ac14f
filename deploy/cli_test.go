package deploy_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/alecthomas/kong"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// contractCLI is the part of siglab's command line the deployments use,
// with the names agreed for issue 18 (run --shard K/N, run --report DIR,
// report merge OUT DIR..., scenarios --expand FILE), parsed by kong as
// cmd/siglab parses its own. It is the contract the manifests and the
// workflow are checked against; "the real CLI" below checks the built
// binary knows every flag they use.
type contractCLI struct {
	Run struct {
		Shard     string   `placeholder:"K/N"`
		Report    string   `placeholder:"DIR"`
		Offline   bool     ``
		Parallel  int      ``
		Progress  bool     ``
		Detectors string   ``
		Timings   string   ``
		Paths     []string `arg:"" optional:""`
	} `cmd:""`
	Report struct {
		Merge struct {
			Out  string   `arg:""`
			Dirs []string `arg:""`
		} `cmd:""`
	} `cmd:""`
	Scenarios struct {
		Expand string `placeholder:"FILE"`
	} `cmd:""`
}

var errCLI = errors.New("siglab command line")

// invocation is one parsed siglab command line.
type invocation struct {
	command string // "run", "report merge", "scenarios"
	cli     contractCLI
	flags   []string // the long flags given, for the help check
}

// parseSiglab parses argv (without the program name) with kong; a
// --shard must be K/N with K in 1..N.
func parseSiglab(argv []string) (*invocation, error) {
	var inv invocation
	p, err := kong.New(&inv.cli, kong.Name("siglab"), kong.Writers(io.Discard, io.Discard),
		kong.Exit(func(int) { panic("kong exit") }))
	if err != nil {
		return nil, err
	}
	ctx, err := p.Parse(argv)
	if err != nil {
		return nil, fmt.Errorf("%w: %q: %w", errCLI, argv, err)
	}
	inv.command = strings.TrimSpace(strings.NewReplacer("<out>", "", "<dirs>", "", "<paths>", "").Replace(ctx.Command()))
	inv.command = strings.Join(strings.Fields(inv.command), " ")
	for _, a := range argv {
		if strings.HasPrefix(a, "--") {
			inv.flags = append(inv.flags, strings.SplitN(a, "=", 2)[0])
		}
	}
	if s := inv.cli.Run.Shard; s != "" {
		if _, _, err := parseShard(s); err != nil {
			return nil, err
		}
	}
	return &inv, nil
}

// parseShard reads K/N, K in 1..N.
func parseShard(s string) (k, n int, err error) {
	ks, ns, ok := strings.Cut(s, "/")
	k, err1 := strconv.Atoi(ks)
	n, err2 := strconv.Atoi(ns)
	if !ok || err1 != nil || err2 != nil || n < 1 || k < 1 || k > n {
		return 0, 0, fmt.Errorf("%w: --shard %q is not K/N with K in 1..N", errCLI, s)
	}
	return k, n, nil
}

// expandK8s expands $(VAR) in s as the kubelet expands a container's
// command and args: from the container's env, $$ for a literal $, and an
// undefined $(VAR) left as it is (the specs then see the literal text).
func expandK8s(s string, env map[string]string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		switch s[i+1] {
		case '$':
			b.WriteByte('$')
			i++
			continue
		case '(':
			if end := strings.IndexByte(s[i:], ')'); end > 0 {
				name := s[i+2 : i+end]
				if v, ok := env[name]; ok {
					b.WriteString(v)
					i += end
					continue
				}
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// recordSiglab runs a shell script as the manifests and the workflow do,
// with a recording siglab in its place (on PATH and as bin/siglab in the
// working directory), and returns the argv the script gave it.
func recordSiglab(script string, env []string) ([]string, error) {
	dir, err := os.MkdirTemp("", "deploy-spec-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	rec := filepath.Join(dir, "argv")
	fake := "#!/bin/sh\nfor a; do printf '%s\\0' \"$a\"; done >" + rec + "\n"
	if err := os.MkdirAll(filepath.Join(dir, "bin"), 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "bin", "siglab"), []byte(fake), 0o755); err != nil {
		return nil, err
	}
	cmd := exec.Command("/bin/sh", "-c", script)
	cmd.Dir = dir
	cmd.Env = append([]string{"PATH=" + filepath.Join(dir, "bin") + ":/usr/bin:/bin"}, env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("script: %w: %s", err, stderr.String())
	}
	b, err := os.ReadFile(rec)
	if err != nil {
		return nil, fmt.Errorf("script never ran siglab: %w", err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\x00"), "\x00"), nil
}

// recordMerge runs a merge step's script with a recording siglab
// (recordSiglab) and parses what it was given, which must be `siglab
// report merge`; fail makes the error that says it is not, naming the
// manifest's or the workflow's sentinel.
func recordMerge(script string, env []string, fail func(string, ...any) error, who string) (*invocation, error) {
	argv, err := recordSiglab(script, env)
	if err != nil {
		return nil, err
	}
	inv, err := parseSiglab(argv)
	if err != nil {
		return nil, err
	}
	if inv.command != "report merge" {
		return nil, fail("%s runs %q, want siglab report merge", who, argv)
	}
	return inv, nil
}

// deployInvocations are every siglab command line the manifests and the
// workflow give, parsed.
func deployInvocations() ([]*invocation, error) {
	files, err := readDir(kubeDir)
	if err != nil {
		return nil, err
	}
	m, err := load(files)
	if err != nil {
		return nil, err
	}
	_, invs, err := shardReports(m)
	if err != nil {
		return nil, err
	}
	merge, err := mergeInvocation(mustContainer(m.jobs[mergeJob], mergeName))
	if err != nil {
		return nil, err
	}
	invs = append(invs[:1], merge)
	b, err := os.ReadFile(workflowPath)
	if err != nil {
		return nil, err
	}
	w, err := decodeWorkflow(string(b))
	if err != nil {
		return nil, err
	}
	n, _, err := shardRuns(w)
	if err != nil {
		return nil, err
	}
	j := w.Jobs["shard"]
	line, err := expr(strings.TrimSpace(findRun(j.Steps, "bin/siglab").Run), 1, n)
	if err != nil {
		return nil, err
	}
	run, err := parseSiglab(strings.Fields(line)[2:])
	if err != nil {
		return nil, err
	}
	wmerge, err := workflowMerge(w.Jobs["merge"], n)
	if err != nil {
		return nil, err
	}
	return append(invs, run, wmerge), nil
}

// flagDefined matches the line of kong's help that defines flag (not a
// mention of it in another flag's help): "  -x, --flag=PH  help".
func flagDefined(flag string) string {
	return `(?m)^\s+(-\w, )?` + regexp.QuoteMeta(flag) + `(=|\s|$)`
}

var _ = Describe("the real CLI", Ordered, func() {
	var bin string
	BeforeAll(func() {
		bin = filepath.Join(GinkgoT().TempDir(), "siglab")
		out, err := exec.Command("go", "build", "-o", bin, "../cmd/siglab").CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), "%s", out)
	})
	help := func(args ...string) string {
		out, err := exec.Command(bin, append(args, "--help")...).CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), "siglab %s --help: %s", strings.Join(args, " "), out)
		return string(out)
	}

	It("gathers every command line: the Job's and the workflow's runs and merges", func() {
		invs, err := deployInvocations()
		Expect(err).NotTo(HaveOccurred())
		var got []string
		for _, inv := range invs {
			got = append(got, inv.command+" "+strings.Join(inv.flags, " "))
		}
		Expect(got).To(Equal([]string{"run --report", "report merge ", "run --shard --report", "report merge "}))
	})

	// The binary checks what it knows: until issue 18's CLI (run --shard,
	// report merge, scenarios --expand) is in this branch, the command
	// lines that use it are checked against the agreed names only, and
	// the spec says so by skipping after checking the rest.
	It("knows every command and flag the deployments give it", func() {
		invs, err := deployInvocations()
		Expect(err).NotTo(HaveOccurred())
		hasShards := strings.Contains(help("run"), "--shard")
		unchecked := 0
		for _, inv := range invs {
			if !hasShards && (inv.command == "report merge" || slices.Contains(inv.flags, "--shard")) {
				unchecked++
				continue
			}
			text := help(strings.Fields(inv.command)...)
			for _, f := range inv.flags {
				Expect(text).To(MatchRegexp(flagDefined(f)), "siglab %s --help", inv.command)
			}
		}
		if !hasShards {
			Skip(fmt.Sprintf("*** this siglab has no run --shard (issue 18's CLI is not in this branch): "+
				"%d of %d command lines NOT checked against the binary, only against the agreed names ***", unchecked, len(invs)))
		}
		Expect(help("scenarios")).To(MatchRegexp(flagDefined("--expand")))
	})
})
