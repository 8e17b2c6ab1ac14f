package siglab_test

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

const module = "github.com/siglab/siglab/"

// stages is the chain, top to bottom: a package may import packages of
// its own stage or of a stage below it, never above. The verifier sits
// on top of the chain it runs (scenario -> plan -> engine -> link ->
// targets -> sensor -> detector), and the users' matchers and the
// commands on top of it; the leaves every layer shares are at the bottom.
// A new package gets a row here, or this spec fails.
var stages = [][]string{
	{"cmd/siglab", "examples", "bench/benchreport", "bench/spoofcap", "bench/soak", "bench/tunblast", "scripts/fieldsummary", "deploy"}, // programs; deploy: files that run siglab elsewhere, and their specs
	{"siglabtest", "htmlreport", "reportmerge"}, // users' Gomega matchers; the report as HTML pages, checked in a browser; shards' reports merged into one
	{"verifier"},  // runs the chain: expectations, verdict, report
	{"scenarios"}, // scenario files
	{"external", "external/formats", "external/psad", "external/scanlogd"}, // detectors under test: what they report, in their own words
	{"generator", "generator/fingerprint", "generator/traffic"},            // the scanner's programs: nmap 2.02, ordinary traffic
	{"generator/engine"},                        // the engine that runs them
	{"link", "simnet"},                          // the engine's link: TUN, simulated network
	{"netns", "personality", "netns/netnstest"}, // targets: live lab (kernel hosts), emulated stacks; the live specs' kit
	{"sensor", "picture"},                       // live capture; a capture drawn with its findings
	{"detector", "rulelab"},                     // reference detector; the rule lab's engine
	{"capture", "render"},                       // captures as files and as text
	{"wire", "labnet", "netns/nsthread", "ownedtemp", "wire/wiretest", "rules", "lazyre", "shard"}, // leaves: packets, address plan, entering a namespace; the specs' packet kit; rule text; regexps compiled on first use; a suite's share for one shard
}

// stageOf maps each package (relative to the module) to its stage.
func stageOf() map[string]int {
	m := map[string]int{}
	for i, pkgs := range stages {
		for _, p := range pkgs {
			m[p] = i
		}
	}
	return m
}

type listed struct {
	ImportPath string
	Imports    []string
}

// packages is `go list ./...` for the module: every package with the
// imports of its non-test files.
func packages() []listed {
	out, err := exec.Command("go", "list", "-json", "./...").Output()
	Expect(err).NotTo(HaveOccurred(), "go list")
	dec := json.NewDecoder(strings.NewReader(string(out)))
	var pkgs []listed
	for dec.More() {
		var p listed
		Expect(dec.Decode(&p)).To(Succeed())
		pkgs = append(pkgs, p)
	}
	return pkgs
}

var _ = Describe("The layers", func() {
	It("place every package of the module on the chain", func() {
		stage := stageOf()
		for _, p := range packages() {
			rel := strings.TrimPrefix(p.ImportPath, module)
			if rel == strings.TrimSuffix(module, "/") {
				continue // this spec's own directory has no package code
			}
			_, ok := stage[rel]
			Expect(ok).To(BeTrue(), "package %s has no stage in layers_test.go", rel)
		}
	})

	It("import only down the chain", func() {
		Expect(upward(packages())).To(BeEmpty())
	})

	It("are checked by a rule that can fail", func() {
		made := []listed{
			{ImportPath: module + "detector", Imports: []string{module + "generator", module + "wire", "fmt"}},
			{ImportPath: module + "simnet", Imports: []string{module + "link", module + "personality"}},
		}
		Expect(upward(made)).To(ConsistOf("detector (stage 11) imports generator (stage 6)"))
	})
})

// upward lists the imports of pkgs that point up the chain.
func upward(pkgs []listed) []string {
	stage := stageOf()
	var up []string
	for _, p := range pkgs {
		from, ok := stage[strings.TrimPrefix(p.ImportPath, module)]
		if !ok {
			continue
		}
		for _, imp := range p.Imports {
			rel, ours := strings.CutPrefix(imp, module)
			if !ours {
				continue
			}
			if to := stage[rel]; to < from {
				up = append(up, fmt.Sprintf("%s (stage %d) imports %s (stage %d)",
					strings.TrimPrefix(p.ImportPath, module), from+1, rel, to+1)) // numbered as in the README
			}
		}
	}
	return up
}
