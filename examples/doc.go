// Package examples is a detection team's suite as they would write it
// against siglab: Ginkgo specs that run catalogue scenarios and state, with
// siglab's Gomega matchers, what their detector must conclude. It has no
// code of its own; `go test ./examples/` runs it.
package examples
