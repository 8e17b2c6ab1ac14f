# siglab: an nmap 2.02 signature lab. `make demo` runs the catalogue,
# `make test` runs every suite (live specs need root and run for real).
GO      ?= go
BIN     := bin/siglab
FUZZTIME ?= 20s

.PHONY: build test demo bench fuzz clean vet chaos cross matrix soak flake rules-table bench-rules

# Static (CGO_ENABLED=0): no dynamic loader at every start (#19); siglab
# needs no C library (pure-Go DNS resolver, no os/user).
build:
	CGO_ENABLED=0 $(GO) build -o $(BIN) ./cmd/siglab

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || { gofmt -l .; echo "gofmt needed"; exit 1; }
	$(GO) vet ./...

# The offline commands build for macOS and Windows too: the live packages
# (netns, netns/nsthread, sensor) have stubs there that return
# ErrUnsupported. test runs this after vet, so CI checks it.
cross:
	GOOS=darwin GOARCH=arm64 $(GO) build ./...
	GOOS=windows GOARCH=amd64 $(GO) build ./...

# -p 1: suites that build and clean labs must not see each other's.
# -v so each Ginkgo suite prints its "Ran N of M Specs ... Skipped" line:
# the live end-to-end specs must show as run, not skipped.
# The verifier's suite (most of the live specs: 585 s in one process,
# about 310 s in two) and the users'-suite package (siglabtest) run
# under the Ginkgo CLI with two parallel processes, each on its own test
# networks (lab names carry the process id; leftovers are checked per
# process).
test: vet cross
	@if [ "$$(id -u)" != 0 ]; then echo "*** not root: live (Label root) specs will be SKIPPED ***"; fi
	$(GO) test -p 1 -count=1 -timeout 20m -v $$($(GO) list ./... | grep -v -e /siglabtest$$ -e /verifier$$)
	$(GO) tool ginkgo --procs=2 --timeout=30m ./verifier ./siglabtest

# As root, first the detectors under test the catalogue checks (p0f,
# scanlogd, psad, ulogd2) and the TUN node, when missing.
demo: build
	@if [ "$$(id -u)" = 0 ]; then \
		scripts/install-deps.sh demo && ./$(BIN) run; \
	else \
		echo "note: not root, so the catalogue runs offline against the simulated network (live runs need CAP_NET_ADMIN)"; \
		./$(BIN) run --offline; \
	fi

# The Go benchmarks (hot paths, allocations), the rule lab's targets
# (bench/rules.md), then as root the side-by-side comparisons, every
# target a ratio to a tool of the same run
# (scripts/bench.sh: bench/results.md).
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...
	scripts/bench-rules.sh
	scripts/bench-scale.sh
	@if [ "$$(id -u)" = 0 ]; then \
		scripts/bench.sh; \
	else \
		echo "*** not root: the side-by-side benchmarks (scripts/bench.sh: live scans, detection, lab life cycle) are NOT RUN ***"; \
	fi

# The chaos harness (cmd/siglab/chaos_test.go): siglab killed at random
# moments, 200 seeded iterations (make test runs 20). CHAOS_SEED picks
# the loop.
CHAOS_ITERATIONS ?= 200
CHAOS_SEED ?= 1
chaos:
	@[ "$$(id -u)" = 0 ] || { echo "*** make chaos needs root: it builds and kills live labs ***"; exit 1; }
	SIGLAB_CHAOS_ITERATIONS=$(CHAOS_ITERATIONS) SIGLAB_CHAOS_SEED=$(CHAOS_SEED) \
		$(GO) test -count=1 -v -timeout 60m ./cmd/siglab -ginkgo.label-filter=chaos

# The coverage matrix of the whole catalogue (every detector on every
# scenario, live), into docs/matrix/ and the README.
matrix: build
	scripts/matrix.sh $(BIN)

# Issue 14's reference table (docs/rules/reference.md): the classic nmap
# rules against nmap 2.02's techniques and today's nmap, captured live
# (root).
rules-table: build
	scripts/rules-table.sh $(BIN)

# Issue 14's speed targets (bench/rules.md): the rule lab's Go
# benchmarks on one core, medians of BENCH_RUNS runs.
bench-rules:
	scripts/bench-rules.sh

# Issue 12's soak (bench/soak): the live catalogue SOAK_RUNS times in one
# process and in SOAK_RUNS processes (descriptors, goroutines, memory,
# verdicts), then the stress scenarios (drops, inconclusive, exit 3, time,
# peak memory); writes bench/soak.json and bench/soak.md.
SOAK_RUNS ?= 20
SOAK_STRESS_RUNS ?= 3
soak: build
	@[ "$$(id -u)" = 0 ] || { echo "*** make soak needs root: it runs the live catalogue and the stress scenarios in real test networks ***"; exit 1; }
	$(GO) run ./bench/soak -runs $(SOAK_RUNS) -stress-runs $(SOAK_STRESS_RUNS) -siglab $(BIN) -json bench/soak.json -md bench/soak.md

# The live suites' flake rate (scripts/flake.sh): each FLAKE_RUNS times;
# FLAKE_SUITES picks some of siglabtest, verifier, netns, cmd/siglab.
FLAKE_RUNS ?= 10
FLAKE_SUITES ?= siglabtest verifier netns cmd/siglab
flake:
	@[ "$$(id -u)" = 0 ] || { echo "*** make flake needs root: the live suites it measures skip without it ***"; exit 1; }
	FLAKE_RUNS=$(FLAKE_RUNS) FLAKE_SUITES="$(FLAKE_SUITES)" GO=$(GO) scripts/flake.sh

fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./scenarios/
	$(GO) test -run '^$$' -fuzz '^FuzzParseDetectors$$' -fuzztime $(FUZZTIME) ./scenarios/
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./wire/
	$(GO) test -run '^$$' -fuzz '^FuzzPacket$$' -fuzztime $(FUZZTIME) ./detector/
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./generator/fingerprint/
	$(GO) test -run '^$$' -fuzz '^FuzzAnswer$$' -fuzztime $(FUZZTIME) ./personality/
	$(GO) test -run '^$$' -fuzz '^FuzzOpen$$' -fuzztime $(FUZZTIME) ./capture/
	$(GO) test -run '^$$' -fuzz '^FuzzP0fLine$$' -fuzztime $(FUZZTIME) ./verifier/
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./external/psad/
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./external/formats/
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./external/scanlogd/
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./rules/
	$(GO) test -run '^$$' -fuzz '^FuzzEvaluate$$' -fuzztime $(FUZZTIME) ./rulelab/

clean:
	rm -rf bin reports
	-@[ "$$(id -u)" = 0 ] && $(GO) run ./cmd/siglab lab clean || true
