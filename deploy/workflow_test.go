package deploy_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"go.yaml.in/yaml/v3"
)

const workflowPath = "../.github/workflows/siglab-sharded.yml"

var errWorkflow = errors.New("workflow")

// workflow is the part of GitHub Actions' workflow syntax the example
// uses; decoding refuses any other key, so a misspelt one fails.
type workflow struct {
	Name string `yaml:"name"`
	On   struct {
		WorkflowDispatch *struct{} `yaml:"workflow_dispatch"`
		Push             *struct {
			Branches []string `yaml:"branches"`
		} `yaml:"push"`
		PullRequest *struct {
			Branches []string `yaml:"branches"`
		} `yaml:"pull_request"`
	} `yaml:"on"`
	Permissions map[string]string `yaml:"permissions"`
	Env         map[string]string `yaml:"env"`
	Jobs        map[string]job    `yaml:"jobs"`
}

type job struct {
	Name           string   `yaml:"name"`
	Needs          []string `yaml:"needs"`
	If             string   `yaml:"if"`
	RunsOn         string   `yaml:"runs-on"`
	TimeoutMinutes int      `yaml:"timeout-minutes"`
	Strategy       *struct {
		FailFast *bool `yaml:"fail-fast"`
		Matrix   struct {
			Shard []int `yaml:"shard"`
		} `yaml:"matrix"`
	} `yaml:"strategy"`
	Env   map[string]string `yaml:"env"`
	Steps []step            `yaml:"steps"`
}

type step struct {
	Name  string            `yaml:"name"`
	ID    string            `yaml:"id"`
	If    string            `yaml:"if"`
	Uses  string            `yaml:"uses"`
	With  map[string]string `yaml:"with"`
	Run   string            `yaml:"run"`
	Shell string            `yaml:"shell"`
	Env   map[string]string `yaml:"env"`
}

func decodeWorkflow(text string) (*workflow, error) {
	dec := yaml.NewDecoder(strings.NewReader(text))
	dec.KnownFields(true)
	var w workflow
	if err := dec.Decode(&w); err != nil {
		return nil, fmt.Errorf("%w: %w", errWorkflow, err)
	}
	return &w, nil
}

func badW(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errWorkflow}, args...)...)
}

// expr replaces the expressions the run lines use with their values for
// one shard; any other expression left is an error.
func expr(s string, shard, n int) (string, error) {
	out := strings.NewReplacer("${{ matrix.shard }}", strconv.Itoa(shard), "${{ env.SHARDS }}", strconv.Itoa(n)).Replace(s)
	if strings.Contains(out, "${{") {
		return "", badW("unknown expression in %q", s)
	}
	return out, nil
}

func usesAction(s step, action string) bool { return strings.HasPrefix(s.Uses, action+"@") }

func findRun(steps []step, words string) *step {
	for i := range steps {
		if strings.Contains(steps[i].Run, words) {
			return &steps[i]
		}
	}
	return nil
}

// shardRuns checks the shard job for each matrix value and returns the
// artifact name each shard uploads.
func shardRuns(w *workflow) (n int, artifacts []string, err error) {
	n, err = strconv.Atoi(w.Env["SHARDS"])
	if err != nil || n < 1 {
		return 0, nil, badW("env SHARDS %q is not a shard count", w.Env["SHARDS"])
	}
	j, ok := w.Jobs["shard"]
	if !ok || j.Strategy == nil {
		return 0, nil, badW("no shard job with a matrix")
	}
	got := slices.Sorted(slices.Values(j.Strategy.Matrix.Shard))
	want := make([]int, n)
	for i := range want {
		want[i] = i + 1
	}
	if !slices.Equal(got, want) {
		return 0, nil, badW("matrix.shard %v does not cover 1..%d once each", j.Strategy.Matrix.Shard, n)
	}
	if j.Strategy.FailFast == nil || *j.Strategy.FailFast {
		return 0, nil, badW("fail-fast is not false: one failed shard would cancel the others")
	}
	if s := findRun(j.Steps, "scripts/install-deps.sh"); s == nil || strings.TrimSpace(s.Run) != "sudo scripts/install-deps.sh demo" {
		return 0, nil, badW("the shard job does not install the demo detectors (sudo scripts/install-deps.sh demo)")
	}
	if findRun(j.Steps, "make build") == nil {
		return 0, nil, badW("the shard job does not build siglab")
	}
	run := findRun(j.Steps, "bin/siglab")
	if run == nil {
		return 0, nil, badW("the shard job never runs bin/siglab")
	}
	for _, k := range j.Strategy.Matrix.Shard {
		name, err := shardRun(j, run, k, n)
		if err != nil {
			return 0, nil, err
		}
		if slices.Contains(artifacts, name) {
			return 0, nil, badW("shard %d uploads %s like an earlier shard", k, name)
		}
		artifacts = append(artifacts, name)
	}
	return n, artifacts, nil
}

func shardRun(j job, run *step, k, n int) (string, error) {
	line, err := expr(strings.TrimSpace(run.Run), k, n)
	if err != nil {
		return "", err
	}
	words := strings.Fields(line)
	if len(words) < 2 || words[0] != "sudo" || words[1] != "bin/siglab" {
		return "", badW("shard %d runs %q: want sudo bin/siglab (a live lab needs root)", k, line)
	}
	inv, err := parseSiglab(words[2:])
	if err != nil {
		return "", err
	}
	if inv.command != "run" || inv.cli.Run.Offline {
		return "", badW("shard %d runs %q, want a live siglab run", k, line)
	}
	if kk, nn, _ := parseShard(inv.cli.Run.Shard); kk != k || nn != n {
		return "", badW("shard %d runs --shard %q, want %d/%d", k, inv.cli.Run.Shard, k, n)
	}
	report := path.Clean(inv.cli.Run.Report)
	for _, s := range j.Steps {
		if !usesAction(s, "actions/upload-artifact") {
			continue
		}
		p, err1 := expr(s.With["path"], k, n)
		name, err2 := expr(s.With["name"], k, n)
		if err := errors.Join(err1, err2); err != nil {
			return "", err
		}
		if path.Clean(p) == report && report != "." {
			return name, nil
		}
	}
	return "", badW("shard %d: no upload-artifact step uploads its report %s", k, report)
}

func checkWorkflow(w *workflow) error {
	n, artifacts, err := shardRuns(w)
	if err != nil {
		return err
	}
	j, ok := w.Jobs["merge"]
	if !ok {
		return badW("no merge job")
	}
	if !slices.Contains(j.Needs, "shard") {
		return badW("the merge job needs %v, not the shard job", j.Needs)
	}
	var dirs []string
	for _, s := range j.Steps {
		if !usesAction(s, "actions/download-artifact") {
			continue
		}
		for _, a := range artifacts {
			if ok, _ := path.Match(s.With["pattern"], a); ok {
				dirs = append(dirs, path.Join(s.With["path"], a))
			}
		}
	}
	if len(dirs) != len(artifacts) {
		return badW("the merge job downloads %d of the %d shard reports", len(dirs), len(artifacts))
	}
	if findRun(j.Steps, "make build") == nil {
		return badW("the merge job does not build siglab")
	}
	inv, err := workflowMerge(j, n)
	if err != nil {
		return err
	}
	if got := inv.cli.Report.Merge.Dirs; !slices.Equal(got, dirs) {
		return badW("the merge reads %v, the shards' reports download to %v", got, dirs)
	}
	if slices.Contains(dirs, path.Clean(inv.cli.Report.Merge.Out)) {
		return badW("the merge writes into a shard's report %s", inv.cli.Report.Merge.Out)
	}
	return nil
}

// workflowMerge runs the merge job's siglab step with a recording siglab
// and parses what it was given.
func workflowMerge(j job, n int) (*invocation, error) {
	run := findRun(j.Steps, "bin/siglab")
	if run == nil {
		return nil, badW("the merge job never runs bin/siglab")
	}
	return recordMerge(run.Run, []string{"SHARDS=" + strconv.Itoa(n)}, badW, "the merge job")
}

var _ = Describe("the CI workflow example", func() {
	var text string
	BeforeEach(func() {
		b, err := os.ReadFile(workflowPath)
		Expect(err).NotTo(HaveOccurred())
		text = string(b)
	})

	It("decodes strictly, runs shards 1..SHARDS once each and merges them all", func() {
		w, err := decodeWorkflow(text)
		Expect(err).NotTo(HaveOccurred())
		Expect(checkWorkflow(w)).To(Succeed())
		n, artifacts, err := shardRuns(w)
		Expect(err).NotTo(HaveOccurred())
		Expect(n).To(Equal(4))
		Expect(artifacts).To(Equal([]string{"report-1", "report-2", "report-3", "report-4"}))
	})

	It("takes a new shard count when SHARDS and the matrix change together", func() {
		t := strings.Replace(strings.Replace(text, "SHARDS: 4", "SHARDS: 6", 1), "shard: [1, 2, 3, 4]", "shard: [1, 2, 3, 4, 5, 6]", 1)
		w, err := decodeWorkflow(t)
		Expect(err).NotTo(HaveOccurred())
		Expect(checkWorkflow(w)).To(Succeed())
	})

	DescribeTable("rejects a copy with the field broken",
		func(want, old, new string) {
			Expect(bytes.Count([]byte(text), []byte(old))).To(Equal(1), "the workflow must hold %q once", old)
			w, err := decodeWorkflow(strings.Replace(text, old, new, 1))
			if err == nil {
				err = checkWorkflow(w)
			}
			Expect(err).To(MatchError(ContainSubstring(want)))
		},
		Entry("a misspelt key", "field runs_on not found", "  merge:\n    needs: [shard]\n", "  merge:\n    runs_on: x\n    needs: [shard]\n"),
		Entry("a shard missing from the matrix", "does not cover", "shard: [1, 2, 3, 4]", "shard: [1, 2, 4]"),
		Entry("a shard twice", "does not cover", "shard: [1, 2, 3, 4]", "shard: [1, 2, 2, 3, 4]"),
		Entry("a shard 0", "does not cover", "shard: [1, 2, 3, 4]", "shard: [0, 1, 2, 3]"),
		Entry("SHARDS not the matrix's length", "does not cover", "SHARDS: 4", "SHARDS: 5"),
		Entry("fail-fast", "fail-fast", "fail-fast: false", "fail-fast: true"),
		Entry("no detectors installed", "demo detectors", "run: sudo scripts/install-deps.sh demo", "run: sudo scripts/install-deps.sh test"),
		Entry("no build", "does not build", "      - name: build\n        run: make build\n      - name: run shard", "      - name: run shard"),
		Entry("a fixed --shard", "want 2/4", "--shard ${{ matrix.shard }}/", "--shard 1/"),
		Entry("a misspelt flag", "siglab command line", "--shard ${{ matrix.shard }}/", "--shards ${{ matrix.shard }}/"),
		Entry("not as root", "want sudo bin/siglab", "run: sudo bin/siglab run", "run: bin/siglab run"),
		Entry("the report not uploaded", "no upload-artifact step", "          path: report-${{ matrix.shard }}\n", "          path: report\n"),
		Entry("every shard the same artifact", "like an earlier shard", "          name: report-${{ matrix.shard }}\n", "          name: report\n"),
		Entry("a merge that does not need the shards", "not the shard job", "needs: [shard]", "needs: []"),
		Entry("a download of other artifacts", "downloads 0 of the 4", "pattern: report-*", "pattern: logs-*"),
		Entry("a merge off by one", "the merge reads", `$(seq 1 "$SHARDS")`, `$(seq 2 "$SHARDS")`),
		Entry("a merge from elsewhere", "the merge reads", `dirs="$dirs reports/report-$k"`, `dirs="$dirs report-$k"`),
		Entry("a merge that is not report merge", "siglab command line", "bin/siglab report merge merged", "bin/siglab merge merged"),
	)
})
