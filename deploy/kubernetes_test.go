package deploy_test

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
)

const (
	shardJob   = "siglab-shards"
	shardName  = "siglab" // the shard Job's container
	mergeJob   = "siglab-merge"
	mergeName  = "merge"
	tunPath    = "/dev/net/tun"
	shardsEnv  = "SIGLAB_SHARDS"
	indexEnv   = "JOB_COMPLETION_INDEX"
	privileged = "privileged"
)

var errManifest = errors.New("manifest")

func bad(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errManifest}, args...)...)
}

// check is one property the issue names, on the rendered kustomization.
type check func(*manifests) error

func checkNamespace(m *manifests) error {
	if len(m.namespaces) != 1 {
		return bad("want one Namespace, got %d", len(m.namespaces))
	}
	ns := m.namespaces[0]
	for _, mode := range []string{"enforce", "audit", "warn"} {
		key := "pod-security.kubernetes.io/" + mode
		if got := ns.Labels[key]; got != privileged {
			return bad("Namespace %s: label %s is %q, want %q", ns.Name, key, got, privileged)
		}
	}
	for _, o := range m.pvcs {
		if o.Namespace != ns.Name {
			return bad("PVC %s in namespace %q, want %q", o.Name, o.Namespace, ns.Name)
		}
	}
	for _, j := range m.jobs {
		if j.Namespace != ns.Name {
			return bad("Job %s in namespace %q, want %q", j.Name, j.Namespace, ns.Name)
		}
	}
	return nil
}

// shards is the shard count: the shard Job's completions.
func shards(m *manifests) (*batchv1.Job, int, error) {
	j := m.jobs[shardJob]
	if j == nil {
		return nil, 0, bad("no Job %s", shardJob)
	}
	if j.Spec.Completions == nil || *j.Spec.Completions < 1 {
		return nil, 0, bad("Job %s: completions unset", shardJob)
	}
	return j, int(*j.Spec.Completions), nil
}

// shardContainer is the shard Job, its shard count and its siglab
// container.
func shardContainer(m *manifests) (*batchv1.Job, int, *corev1.Container, error) {
	j, n, err := shards(m)
	if err != nil {
		return nil, 0, nil, err
	}
	c, err := container(j, shardName)
	return j, n, c, err
}

func container(j *batchv1.Job, name string) (*corev1.Container, error) {
	for i := range j.Spec.Template.Spec.Containers {
		if c := &j.Spec.Template.Spec.Containers[i]; c.Name == name {
			return c, nil
		}
	}
	return nil, bad("Job %s: no container %s", j.Name, name)
}

func envValue(c *corev1.Container, name string) (string, bool) {
	for _, e := range c.Env {
		if e.Name == name && e.ValueFrom == nil {
			return e.Value, true
		}
	}
	return "", false
}

func checkIndexed(m *manifests) error {
	j, n, err := shards(m)
	if err != nil {
		return err
	}
	s := j.Spec
	switch {
	case s.CompletionMode == nil || *s.CompletionMode != batchv1.IndexedCompletion:
		return bad("completionMode is not Indexed")
	case s.Parallelism == nil || int(*s.Parallelism) != n:
		return bad("parallelism is not the shard count %d", n)
	case s.BackoffLimitPerIndex == nil:
		return bad("backoffLimitPerIndex unset")
	case s.MaxFailedIndexes == nil || int(*s.MaxFailedIndexes) != n:
		return bad("maxFailedIndexes is not the shard count %d (every shard runs to its verdict)", n)
	case s.Template.Spec.RestartPolicy != corev1.RestartPolicyNever:
		return bad("restartPolicy %q: backoffLimitPerIndex needs Never", s.Template.Spec.RestartPolicy)
	}
	if p := s.PodFailurePolicy; p != nil {
		for _, r := range p.Rules {
			if r.OnExitCodes != nil && r.OnExitCodes.ContainerName != nil && *r.OnExitCodes.ContainerName != shardName {
				return bad("podFailurePolicy names container %q", *r.OnExitCodes.ContainerName)
			}
		}
	}
	for _, jc := range []struct{ job, container string }{{shardJob, shardName}, {mergeJob, mergeName}} {
		job := m.jobs[jc.job]
		if job == nil {
			return bad("no Job %s", jc.job)
		}
		c, err := container(job, jc.container)
		if err != nil {
			return err
		}
		if v, ok := envValue(c, shardsEnv); !ok || v != strconv.Itoa(n) {
			return bad("Job %s: %s is %q, want the shard count %d", jc.job, shardsEnv, v, n)
		}
	}
	return nil
}

// wantCaps are exactly the capabilities the lab needs beyond the defaults.
var wantCaps = []string{"NET_ADMIN", "NET_RAW", "SYS_ADMIN"}

func checkSecurity(m *manifests) error {
	_, _, c, err := shardContainer(m)
	if err != nil {
		return err
	}
	sc := c.SecurityContext
	if sc == nil || sc.Capabilities == nil {
		return bad("no capabilities")
	}
	if sc.Privileged != nil && *sc.Privileged {
		return bad("privileged: capabilities must do")
	}
	if sc.RunAsUser == nil || *sc.RunAsUser != 0 {
		return bad("not root: namespaces need root")
	}
	var got []string
	for _, c := range sc.Capabilities.Add {
		got = append(got, string(c))
	}
	slices.Sort(got)
	if !slices.Equal(got, wantCaps) {
		return bad("capabilities added %v, want exactly %v", got, wantCaps)
	}
	return nil
}

// mountOf is the volume mounted at path in c, and its volume.
func mountOf(j *batchv1.Job, c *corev1.Container, at string) (*corev1.Volume, error) {
	for _, vm := range c.VolumeMounts {
		if vm.MountPath != at {
			continue
		}
		for i := range j.Spec.Template.Spec.Volumes {
			if v := &j.Spec.Template.Spec.Volumes[i]; v.Name == vm.Name {
				return v, nil
			}
		}
		return nil, bad("Job %s: mount %s names no volume %s", j.Name, at, vm.Name)
	}
	return nil, bad("Job %s: nothing mounted at %s", j.Name, at)
}

func checkTun(m *manifests) error {
	j, _, c, err := shardContainer(m)
	if err != nil {
		return err
	}
	v, err := mountOf(j, c, tunPath)
	if err != nil {
		return err
	}
	hp := v.HostPath
	if hp == nil || hp.Path != tunPath || hp.Type == nil || *hp.Type != corev1.HostPathCharDev {
		return bad("%s is not the hostPath CharDevice %s", v.Name, tunPath)
	}
	return nil
}

// resultsMount is the PVC-backed mount the reports go to: the mount whose
// volume is one of the manifests' PVCs.
func resultsMount(m *manifests, j *batchv1.Job, c *corev1.Container) (string, error) {
	for _, vm := range c.VolumeMounts {
		v, err := mountOf(j, c, vm.MountPath)
		if err != nil {
			return "", err
		}
		if v.PersistentVolumeClaim == nil {
			continue
		}
		for _, p := range m.pvcs {
			if p.Name == v.PersistentVolumeClaim.ClaimName {
				return vm.MountPath, nil
			}
		}
		return "", bad("Job %s: claim %s is not in the manifests", j.Name, v.PersistentVolumeClaim.ClaimName)
	}
	return "", bad("Job %s: no results volume", j.Name)
}

// shardReports runs the shard container's command line for each index as
// the kubelet would expand it, parses it with the siglab CLI and returns
// each index's report directory.
func shardReports(m *manifests) ([]string, []*invocation, error) {
	j, n, c, err := shardContainer(m)
	if err != nil {
		return nil, nil, err
	}
	if len(c.Command) != 0 {
		return nil, nil, bad("shard container overrides the image's entrypoint")
	}
	results, err := resultsMount(m, j, c)
	if err != nil {
		return nil, nil, err
	}
	var dirs []string
	var invs []*invocation
	for i := range n {
		env := map[string]string{}
		for _, e := range c.Env {
			if e.ValueFrom == nil {
				env[e.Name] = e.Value
			} else if e.Name == indexEnv && e.ValueFrom.FieldRef != nil &&
				strings.Contains(e.ValueFrom.FieldRef.FieldPath, "batch.kubernetes.io/job-completion-index") {
				env[e.Name] = strconv.Itoa(i)
			}
		}
		if _, ok := env[indexEnv]; !ok {
			return nil, nil, bad("%s is not taken from the pod's completion index", indexEnv)
		}
		var argv []string
		for _, a := range c.Args {
			argv = append(argv, expandK8s(a, env))
		}
		inv, err := parseSiglab(argv)
		if err != nil {
			return nil, nil, err
		}
		if inv.command != "run" || inv.cli.Run.Offline {
			return nil, nil, bad("index %d runs %q, want a live siglab run", i, argv)
		}
		if inv.cli.Run.Shard != "" {
			return nil, nil, bad("index %d gives --shard: the Job's index and %s must choose the shard", i, shardsEnv)
		}
		dir := path.Clean(inv.cli.Run.Report)
		if !strings.HasPrefix(dir, results+"/") {
			return nil, nil, bad("index %d writes its report to %q, not under the results volume %s", i, dir, results)
		}
		if slices.Contains(dirs, dir) {
			return nil, nil, bad("index %d writes to %s like an earlier index", i, dir)
		}
		dirs = append(dirs, dir)
		invs = append(invs, inv)
	}
	return dirs, invs, nil
}

func checkShardCommand(m *manifests) error {
	_, _, err := shardReports(m)
	return err
}

func checkMerge(m *manifests) error {
	dirs, _, err := shardReports(m)
	if err != nil {
		return err
	}
	j := m.jobs[mergeJob]
	if j == nil {
		return bad("no Job %s", mergeJob)
	}
	if j.Spec.Suspend == nil || !*j.Spec.Suspend {
		return bad("Job %s is not suspended: it would merge before the shards finish", mergeJob)
	}
	c, err := container(j, mergeName)
	if err != nil {
		return err
	}
	results, err := resultsMount(m, j, c)
	if err != nil {
		return err
	}
	if shardResults, _ := resultsMount(m, m.jobs[shardJob], mustContainer(m.jobs[shardJob], shardName)); shardResults != results {
		return bad("merge mounts the results at %s, the shards at %s", results, shardResults)
	}
	inv, err := mergeInvocation(c)
	if err != nil {
		return err
	}
	if got := inv.cli.Report.Merge.Dirs; !slices.Equal(got, dirs) {
		return bad("merge reads %v, the shards write %v", got, dirs)
	}
	if out := path.Clean(inv.cli.Report.Merge.Out); !strings.HasPrefix(out, results+"/") || slices.Contains(dirs, out) {
		return bad("merge writes %s: want its own directory on the results volume", out)
	}
	return nil
}

// mergeInvocation runs the merge container's script with a recording
// siglab and parses what it was given.
func mergeInvocation(c *corev1.Container) (*invocation, error) {
	var env []string
	for _, e := range c.Env {
		env = append(env, e.Name+"="+e.Value)
	}
	if !slices.Equal(c.Command, []string{"/bin/sh", "-c"}) || len(c.Args) != 1 {
		return nil, bad("merge command %q %q is not /bin/sh -c SCRIPT", c.Command, c.Args)
	}
	return recordMerge(c.Args[0], env, bad, "merge")
}

func mustContainer(j *batchv1.Job, name string) *corev1.Container {
	c, err := container(j, name)
	if err != nil {
		return &corev1.Container{}
	}
	return c
}

// checks are every property, by name, for the tables.
var checks = map[string]check{
	"namespace":     checkNamespace,
	"indexed":       checkIndexed,
	"security":      checkSecurity,
	"tun":           checkTun,
	"shard command": checkShardCommand,
	"merge":         checkMerge,
}

func checkAll(m *manifests) error {
	var errs []error
	for _, name := range []string{"namespace", "indexed", "security", "tun", "shard command", "merge"} {
		if err := checks[name](m); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
		}
	}
	return errors.Join(errs...)
}

// edit is one text replacement in one file of a copy of the manifests.
type edit struct{ file, old, new string }

func mutated(edits ...edit) map[string]string {
	files, err := readDir(kubeDir)
	Expect(err).NotTo(HaveOccurred())
	for _, e := range edits {
		Expect(strings.Count(files[e.file], e.old)).To(Equal(1), "%s must hold %q once", e.file, e.old)
		files[e.file] = strings.Replace(files[e.file], e.old, e.new, 1)
	}
	return files
}

var _ = Describe("the Kubernetes manifests", func() {
	var m *manifests
	BeforeEach(func() {
		files, err := readDir(kubeDir)
		Expect(err).NotTo(HaveOccurred())
		m, err = load(files)
		Expect(err).NotTo(HaveOccurred())
	})

	DescribeTable("decode strictly and have",
		func(name string) { Expect(checks[name](m)).To(Succeed()) },
		Entry("the Namespace labelled privileged (enforce, audit, warn), every object in it", "namespace"),
		Entry("an Indexed Job: completions = parallelism = maxFailedIndexes = SIGLAB_SHARDS, backoffLimitPerIndex", "indexed"),
		Entry("root, not privileged, exactly NET_ADMIN, SYS_ADMIN and NET_RAW added", "security"),
		Entry("/dev/net/tun as a hostPath CharDevice", "tun"),
		Entry("siglab run --report per index on the results volume", "shard command"),
		Entry("a suspended merge Job running siglab report merge on every shard's report", "merge"),
	)

	It("has 4 shards, each writing /results/shard-INDEX", func() {
		dirs, invs, err := shardReports(m)
		Expect(err).NotTo(HaveOccurred())
		Expect(dirs).To(Equal([]string{"/results/shard-0", "/results/shard-1", "/results/shard-2", "/results/shard-3"}))
		Expect(invs[0].flags).To(Equal([]string{"--report"}))
	})

	It("keeps the shard count in one place: a new spec.completions reaches every field", func() {
		m, err := load(mutated(edit{"shards-job.yaml", "completions: 4", "completions: 7"}))
		Expect(err).NotTo(HaveOccurred())
		Expect(checkAll(m)).To(Succeed())
		dirs, _, err := shardReports(m)
		Expect(err).NotTo(HaveOccurred())
		Expect(dirs).To(HaveLen(7))
		Expect(dirs[6]).To(Equal("/results/shard-6"))
	})

	DescribeTable("reject a copy with the field broken",
		func(want string, edits ...edit) {
			m, err := load(mutated(edits...))
			if err == nil {
				err = checkAll(m)
			}
			Expect(err).To(MatchError(ContainSubstring(want)))
		},
		Entry("a misspelt field", "unknown field", edit{"shards-job.yaml", "completionMode: Indexed", "completionmode: Indexed"}),
		Entry("a field twice", "already set", edit{"shards-job.yaml", "  completions: 4\n", "  completions: 4\n  completions: 4\n"}),
		Entry("a number as a string", "strict decoding", edit{"shards-job.yaml", "backoffLimitPerIndex: 1", `backoffLimitPerIndex: "1"`}),
		Entry("an unknown kind", "unknown kind", edit{"results-pvc.yaml", "kind: PersistentVolumeClaim", "kind: PersistentVolume"}),
		Entry("a misspelt kustomization field", "unknown field", edit{"kustomization.yaml", "replacements:", "replacement:"}),
		Entry("enforce baseline", "enforce", edit{"namespace.yaml", "enforce: privileged", "enforce: baseline"}),
		Entry("no warn label", "warn", edit{"namespace.yaml", "    pod-security.kubernetes.io/warn: privileged\n", ""}),
		Entry("a Job in another namespace", "in namespace", edit{"merge-job.yaml", "namespace: siglab", "namespace: default"}),
		Entry("completionMode NonIndexed", "Indexed", edit{"shards-job.yaml", "completionMode: Indexed", "completionMode: NonIndexed"}),
		Entry("parallelism no longer copied from completions", "parallelism",
			edit{"kustomization.yaml", "          - spec.parallelism\n", ""},
			edit{"shards-job.yaml", "parallelism: 4", "parallelism: 2"}),
		Entry("SIGLAB_SHARDS no longer copied", "SIGLAB_SHARDS",
			edit{"kustomization.yaml", "          - spec.template.spec.containers.[name=siglab].env.[name=SIGLAB_SHARDS].value\n", ""},
			edit{"shards-job.yaml", `value: "4"`, `value: "3"`}),
		Entry("the merge without SIGLAB_SHARDS", "SIGLAB_SHARDS",
			edit{"kustomization.yaml", "[name=merge].env.[name=SIGLAB_SHARDS]", "[name=merge].env.[name=SHARDS]"},
			edit{"merge-job.yaml", "- name: SIGLAB_SHARDS", "- name: SHARDS"}),
		Entry("no backoffLimitPerIndex", "backoffLimitPerIndex", edit{"shards-job.yaml", "  backoffLimitPerIndex: 1\n", ""}),
		Entry("no maxFailedIndexes", "maxFailedIndexes",
			edit{"kustomization.yaml", "          - spec.maxFailedIndexes\n", ""},
			edit{"shards-job.yaml", "  maxFailedIndexes: 4\n", ""}),
		Entry("podFailurePolicy on another container", "podFailurePolicy", edit{"shards-job.yaml", "containerName: siglab", "containerName: sensor"}),
		Entry("the replacements' source renamed", "kustomize", edit{"shards-job.yaml", "name: siglab-shards", "name: siglab-shard"}),
		Entry("restartPolicy OnFailure", "restartPolicy", edit{"shards-job.yaml", "restartPolicy: Never", "restartPolicy: OnFailure"}),
		Entry("NET_RAW missing", "capabilities", edit{"shards-job.yaml", "add: [NET_ADMIN, SYS_ADMIN, NET_RAW]", "add: [NET_ADMIN, SYS_ADMIN]"}),
		Entry("a capability too many", "capabilities", edit{"shards-job.yaml", "add: [NET_ADMIN, SYS_ADMIN, NET_RAW]", "add: [NET_ADMIN, SYS_ADMIN, NET_RAW, SYS_PTRACE]"}),
		Entry("privileged", "privileged", edit{"shards-job.yaml", "privileged: false", "privileged: true"}),
		Entry("not root", "root", edit{"shards-job.yaml", "            runAsUser: 0\n            runAsNonRoot: false\n", "            runAsUser: 1000\n"}),
		Entry("tun as a Directory", "CharDevice", edit{"shards-job.yaml", "type: CharDevice", "type: Directory"}),
		Entry("tun from another host path", "CharDevice", edit{"shards-job.yaml", "path: /dev/net/tun", "path: /dev/tun"}),
		Entry("tun mounted elsewhere", "/dev/net/tun", edit{"shards-job.yaml", "mountPath: /dev/net/tun", "mountPath: /dev/tun"}),
		Entry("one report directory for every index", "like an earlier index", edit{"shards-job.yaml", "/results/shard-$(JOB_COMPLETION_INDEX)", "/results/shard"}),
		Entry("an escaped $$(JOB_COMPLETION_INDEX)", "like an earlier index", edit{"shards-job.yaml", "$(JOB_COMPLETION_INDEX)]", "$$(JOB_COMPLETION_INDEX)]"}),
		Entry("reports off the results volume", "not under the results volume", edit{"shards-job.yaml", "/results/shard-$(", "/tmp/shard-$("}),
		Entry("the results volume not mounted", "results volume", edit{"shards-job.yaml", "            - name: results\n              mountPath: /results\n", ""}),
		Entry("a misspelt flag", "siglab command line", edit{"shards-job.yaml", "args: [run, --report,", "args: [run, --reports,"}),
		Entry("another command", "want a live siglab run", edit{"shards-job.yaml", "args: [run, --report,", "args: [run, --offline, --report,"}),
		Entry("a fixed --shard", "--shard", edit{"shards-job.yaml", "args: [run, --report,", "args: [run, --shard, 1/4, --report,"}),
		Entry("the index not from the pod", "JOB_COMPLETION_INDEX is not taken", edit{"shards-job.yaml", "batch.kubernetes.io/job-completion-index", "batch.kubernetes.io/job-index"}),
		Entry("a merge that is not suspended", "suspended", edit{"merge-job.yaml", "suspend: true", "suspend: false"}),
		Entry("a merge of a glob", "merge reads", edit{"merge-job.yaml", "exec siglab report merge /results/merged $dirs", "exec siglab report merge /results/merged /results/shard-0"}),
		Entry("a merge off by one", "merge reads", edit{"merge-job.yaml", "i=0", "i=1"}),
		Entry("a merge that is not report merge", "siglab command line", edit{"merge-job.yaml", "exec siglab report merge", "exec siglab merge"}),
		Entry("a merge into a shard's directory", "merge writes", edit{"merge-job.yaml", "report merge /results/merged", "report merge /results/shard-0"}),
		Entry("a merge on another claim", "not in the manifests", edit{"merge-job.yaml", "claimName: siglab-results", "claimName: other"}),
	)
})
