// Package deploy holds no code siglab runs: it is where the files that run
// siglab elsewhere live, and the specs that check them.
//
//   - kubernetes/: a Namespace for the privileged Pod Security level, a PVC
//     for the reports, an Indexed Job running one shard per index and a
//     suspended merge Job; kustomization.yaml copies the shard count
//     (siglab-shards' spec.completions) everywhere it must be equal.
//   - container/: the image (multi-stage Dockerfile: a static build on
//     golang, Debian slim with the detectors under test) and its
//     entrypoint, which makes /proc/sys writable for the lab's sysctls.
//   - ../.github/workflows/siglab-sharded.yml: the same suite on a CI
//     matrix, as an example.
//
// The specs (deploy_test) decode every manifest strictly into the k8s.io/api
// types, render the kustomization with kustomize's own library, parse the
// Dockerfile and the workflow, and check the command lines against the
// siglab CLI; every check has a mutation that must make it fail. Those
// libraries are test dependencies only: cmd/siglab imports none of them
// (a spec checks with go list). The files are owned by whoever changes
// siglab's CLI or the lab's needs (capabilities, devices, detectors):
// such a change must keep these specs green.
package deploy
