package deploy_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	kjson "sigs.k8s.io/json"
	"sigs.k8s.io/kustomize/api/krusty"
	kusttypes "sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

// kubeDir is the kustomization the specs check, relative to this package.
const kubeDir = "kubernetes"

// errStrict is what strict decoding wraps: an unknown or duplicate field,
// a wrong type, an unknown kind.
var errStrict = errors.New("strict decoding")

// manifests is the decoded, rendered kustomization.
type manifests struct {
	namespaces []*corev1.Namespace
	pvcs       []*corev1.PersistentVolumeClaim
	jobs       map[string]*batchv1.Job
}

// readDir reads every file of dir (not recursive) into name -> text.
func readDir(dir string) (map[string]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	files := map[string]string{}
	for _, e := range ents {
		if e.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		files[e.Name()] = string(b)
	}
	return files, nil
}

// load decodes every file of the kustomization strictly (each YAML
// document of each file, the kustomization itself into kustomize's type),
// then renders it with kustomize and decodes the result strictly too.
func load(files map[string]string) (*manifests, error) {
	for name, text := range files {
		if !strings.HasSuffix(name, ".yaml") {
			continue
		}
		if name == "kustomization.yaml" {
			var k kusttypes.Kustomization
			if err := strictJSON([]byte(text), &k); err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			continue
		}
		if _, err := decodeAll(text); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	rendered, err := render(files)
	if err != nil {
		return nil, err
	}
	objs, err := decodeAll(rendered)
	if err != nil {
		return nil, fmt.Errorf("rendered kustomization: %w", err)
	}
	m := &manifests{jobs: map[string]*batchv1.Job{}}
	for _, o := range objs {
		switch o := o.(type) {
		case *corev1.Namespace:
			m.namespaces = append(m.namespaces, o)
		case *corev1.PersistentVolumeClaim:
			m.pvcs = append(m.pvcs, o)
		case *batchv1.Job:
			m.jobs[o.Name] = o
		}
	}
	return m, nil
}

// render runs kustomize (its library, as kubectl apply -k does) on files
// laid out in memory, so mutated copies never touch the repository.
func render(files map[string]string) (string, error) {
	fs := filesys.MakeFsInMemory()
	for name, text := range files {
		if err := fs.WriteFile(filepath.Join("/k", name), []byte(text)); err != nil {
			return "", err
		}
	}
	res, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(fs, "/k")
	if err != nil {
		return "", fmt.Errorf("kustomize: %w", err)
	}
	out, err := res.AsYaml()
	return string(out), err
}

// decodeAll splits text into its YAML documents and decodes each strictly
// into the k8s.io/api type its apiVersion and kind name.
func decodeAll(text string) ([]any, error) {
	r := utilyaml.NewYAMLReader(bufio.NewReader(strings.NewReader(text)))
	var objs []any
	for n := 1; ; n++ {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			return objs, nil
		}
		if err != nil {
			return nil, err
		}
		if len(bytes.TrimSpace(stripComments(doc))) == 0 {
			continue
		}
		o, err := decodeOne(doc)
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", n, err)
		}
		objs = append(objs, o)
	}
}

// stripComments drops comment-only lines, to tell an empty document.
func stripComments(doc []byte) []byte {
	var out []byte
	for _, l := range bytes.Split(doc, []byte("\n")) {
		if !bytes.HasPrefix(bytes.TrimSpace(l), []byte("#")) {
			out = append(append(out, l...), '\n')
		}
	}
	return out
}

func decodeOne(doc []byte) (any, error) {
	var tm struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
	}
	if err := yaml.Unmarshal(doc, &tm); err != nil {
		return nil, err
	}
	var o any
	switch tm.APIVersion + "/" + tm.Kind {
	case "v1/Namespace":
		o = &corev1.Namespace{}
	case "v1/PersistentVolumeClaim":
		o = &corev1.PersistentVolumeClaim{}
	case "batch/v1/Job":
		o = &batchv1.Job{}
	default:
		return nil, fmt.Errorf("%w: unknown kind %q", errStrict, tm.APIVersion+"/"+tm.Kind)
	}
	return o, strictJSON(doc, o)
}

// strictJSON is the API server's strict field validation, offline: YAML
// to JSON refusing duplicate keys, then JSON decoded as the API server
// decodes it (sigs.k8s.io/json: field names case-sensitive, unlike
// encoding/json) refusing unknown and duplicate fields.
func strictJSON(doc []byte, into any) error {
	j, err := yaml.YAMLToJSONStrict(doc)
	if err != nil {
		return fmt.Errorf("%w: %w", errStrict, err)
	}
	strict, err := kjson.UnmarshalStrict(j, into, kjson.DisallowDuplicateFields, kjson.DisallowUnknownFields)
	if err != nil {
		return fmt.Errorf("%w: %w", errStrict, err)
	}
	if len(strict) > 0 {
		return fmt.Errorf("%w: %w", errStrict, errors.Join(strict...))
	}
	return nil
}
