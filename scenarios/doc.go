// Package scenarios reads scenario files: a test network, the nmap 2.02
// runs and ordinary traffic played into it, and what each detector must
// and must not report (the product contract, "Scenario files").
//
// Parse, LoadFile and Load turn YAML into *Scenario values and check them
// completely, so that later stages (generator, lab, verifier) never see a
// scenario that cannot run: every error is one line, `file:line: what is
// wrong`, and wraps ErrInvalid. Catalogue and Find serve the built-in
// scenarios, the *.yaml files next to this package, embedded at build time;
// Index lists their names and summaries without parsing them, from
// index_gen.go, which `go generate ./scenarios` writes from the catalogue
// (a spec fails when it is stale).
//
// A scenario may set `start:`, an RFC 3339 moment with its zone
// (1998-12-24T01:41:25.18024Z), where an offline run's virtual clock
// begins (Scenario.Start; simnet.Epoch when absent). nmap 2.02 takes its
// TTL from time(NULL) % 14 + 51 at a process's first packet and its
// SYNs' window from the TTL, 1024 * (TTL % 4 + 1), so the start fixes
// both: the FAQ scenarios start when their figures' runs did, on days
// whose second gives the figures' windows. Live runs use the real clock
// and ignore it.
//
// A scenario's expect: sections are read against a DetectorSet: the
// built-in detectors (reference, p0f, scanlogd, psad, and rules, siglab's
// own rule lab with the classic set) and the engines and native rule
// sets a detectors file declares (LoadDetectors; Load finds a
// detectors.yaml next to the scenario files). Sections of detectors
// whose output has fields (external.Format) name those fields, checked
// at load time. A native rule set's section names sids, each of which
// must be a rule's of its set, so a typo fails at load time:
//
//	expect:
//	  rules:
//	    present: [628, {signature_id: 1228, count: 3}]
//	    absent: [621]
//
// A detectors file declares a native set with its own rules and,
// optionally, variables:
//
//	detectors:
//	  local:
//	    native: true
//	    rules: local.rules
//	    vars: suricata.yaml
//
// Its rules and vars files are parsed (package rules) when the
// detectors file is loaded; DetectorSpec.RuleSet reads them again. A
// native set declared under the name rules replaces the classic set for
// the suite's rules: sections (the only built-in name a file may reuse).
//
// A matrix file (one with a matrix: key; ParseAll, Load) expands into
// one scenario per combination of its axes' values, named
// BASE[axis=value,...] in the file's axis order and seeded from that
// name (MatrixSeed), so both are the same on every run and machine. A
// value's variables replace ${axis.var} in the file's values (a value
// that is only a reference takes the variable's node, a list of ports
// say; text takes its text) and ${axis} is the value's name. Each
// point's expect: is the file's, plus the expect_by: table of every
// value it takes, plus every expect_when: case whose values it takes:
// lists add up, and every expectation is checked at load time with the
// line it is written on. scenarios/matrix/technique-matrix.yaml is the
// example (1,008 points, all of which run offline).
//
// Ownership: every call returns freshly parsed values; the caller owns
// them and may change them. The one thing shared is the built-in
// DetectorSet (Builtin), which nothing changes after package
// initialisation; a scenario's DetectorSet points at it or at its
// detectors file's set. Nothing here touches the network.
package scenarios
