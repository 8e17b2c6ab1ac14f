#!/usr/bin/env bash
# The side-by-side benchmarks of issues 7, 17 and 19 (`make bench` runs
# it as root): siglab against masscan, today's nmap, p0f, tcpdump, the ip
# command and a hello-world Go binary built in the same run, the tools
# alternated, medians per tool. Every target is a ratio to a tool
# measured in the same run (issue 19: an absolute rate means something
# else on every machine, and on a shared one from hour to hour); the
# absolute figures are printed beside the ratios for information, each
# target with PASS or MISS. Writes bench/results.json and
# bench/results.md (the table the README quotes) and, for missed
# targets, profiles under bench/profiles/. Needs root (test networks);
# installs masscan, nmap, p0f, tcpdump and time with apt-get when
# missing. Every packet stays in the lab: targets are 198.18.1.x in
# siglab's namespaces.
#
# Sections (BENCH_ONLY=startup,generate runs only the named ones; unset,
# all of them):
#   live         full-range SYN scans, siglab against masscan and nmap 7
#   liveceiling  the live path's ceiling: scripts/bench-live.sh, when it
#                exists (a hook: that script judges its own runs)
#   startup      siglab --help, scenarios and detect (one packet) against
#                a hello-world Go binary, beside the floors (siglab's
#                packages linked, main exits at once, with and without
#                gonum/plot); BENCH_STARTUP_RUNS (default 15)
#   generate     siglab generate against tcpdump -r X -w Y copying the
#                same packets; BENCH_GEN_RUNS (default 11)
#   detect       detection of the full-range and a 10 M-packet capture,
#                siglab against p0f and tcpdump
#   detect1m     the same on 10 M SYNs from 1 M spoofed sources (memory)
#   lab          the lab life cycle: the library, the CLI
#                (scripts/lab-cycle.sh) and the ip commands
# BENCH_RUNS (default 3) is the runs per tool of the other sections.
# A partial run must not overwrite the full run's bench/results.*: it
# writes results.raw.tsv, results.json, results.md and profiles/ to
# BENCH_OUT (default: a new /tmp/siglab-bench.* directory, printed at the
# end), and the targets it did not measure say NOT RUN.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "bench: needs root (test networks)" >&2; exit 2; }
export PATH="$PATH:/usr/local/go/bin:/usr/sbin:/sbin"
runs=${BENCH_RUNS:-3}
startup_runs=${BENCH_STARTUP_RUNS:-15}
gen_runs=${BENCH_GEN_RUNS:-11}
for v in "BENCH_RUNS=$runs" "BENCH_STARTUP_RUNS=$startup_runs" "BENCH_GEN_RUNS=$gen_runs"; do
  [[ ${v#*=} =~ ^[1-9][0-9]*$ ]] || { echo "bench: ${v%%=*}: '${v#*=}' is not a positive whole number" >&2; exit 2; }
done
only=${BENCH_ONLY:-}
sections="live, liveceiling, startup, generate, detect, detect1m, lab"
for s in ${only//,/ }; do
  case $s in live | liveceiling | startup | generate | detect | detect1m | lab) ;;
  *) echo "bench: BENCH_ONLY: unknown section '$s' ($sections)" >&2; exit 2 ;;
  esac
done
# section NAME: whether this run measures NAME.
section() { [ -z "$only" ] || [[ ",$only," == *",$1,"* ]]; }
if [ -n "$only" ]; then out=${BENCH_OUT:-$(mktemp -d /tmp/siglab-bench.XXXXXX)}; else out=${BENCH_OUT:-bench}; fi
mkdir -p "$out"

need=()
for t in masscan nmap p0f tcpdump; do command -v "$t" >/dev/null || need+=("$t"); done
[ -x /usr/bin/time ] || need+=(time)
command -v taskset >/dev/null || need+=(util-linux)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}"
fi
make -s build # bin/siglab as users build it
go build -o bin/benchreport ./bench/benchreport
go build -o bin/spoofcap ./bench/spoofcap

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
raw=$work/raw.tsv
: >"$raw"
victim=198.18.1.2             # bench/fullrange.yaml's only host
open="22,80,443,3306,8080,31337,65000" # and its open ports, sorted

# put SECTION SUBJECT TOOL RUN METRIC VALUE: one raw measurement.
put() { printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$raw"; }
note() { put note - - - - "$(printf '%s' "$*" | tr '\n\t' '  ')"; }
# version CMD PATTERN: the first match of PATTERN in CMD's output; some
# tools exit non-zero on their help or version flag.
version() { { $1 2>&1 || true; } | grep -m1 -oE "$2" || echo "${1%% *} (version unknown)"; }
now() { date +%s%N; }
# msec FROM TO: the microseconds between two readings of bash's clock
# (${EPOCHREALTIME/./}, read without starting a process: a fork and exec
# costs about as much as a Go binary's whole start-up), as milliseconds.
msec() { awk -v d=$(($2 - $1)) 'BEGIN{printf "%.2f", d / 1000}'; }
say() { echo "bench: $*" >&2; }

# live TOOL RUN: one full-range SYN scan of the kernel host, unpaced.
# packets/s is the probes the sensor saw over the time from the first to
# the last of them; wall time is the whole command, lab build and removal
# included (the same ~40 ms for every tool).
live() {
  local tool=$1 i=$2 pcap=$work/live-$1.pcap out=$work/live-$1.txt start end found
  start=$(now)
  case $tool in
  siglab) bin/siglab scan --scenario bench/fullrange.yaml --pcap "$pcap" -sS -P0 -p1-65535 victim >"$out" 2>&1 ;;
  # masscan reads no routing table: name the scanner namespace's uplink
  # and its router; --wait 0 so it does not idle 10 s after sending.
  masscan) bin/siglab capture --scenario bench/fullrange.yaml -o "$pcap" -- masscan '{victim}' -p1-65535 \
    --rate 10000000 --wait 0 --interface siglab-up0 --router-ip 198.19.0.2 >"$out" 2>&1 ;;
  nmap7) bin/siglab capture --scenario bench/fullrange.yaml -o "$pcap" -- nmap -n -Pn -sS -T5 -p1-65535 '{victim}' >"$out" 2>&1 ;;
  esac
  end=$(now)
  case $tool in
  siglab) found=$(grep -E '^[0-9]+ +open ' "$out" | awk '{print $1}') ;;
  masscan) found=$(grep -oE 'Discovered open port [0-9]+' "$out" | awk '{print $4}') ;;
  nmap7) found=$(grep -E '^[0-9]+/tcp +open ' "$out" | cut -d/ -f1) ;;
  esac
  found=$(echo "$found" | sort -n | paste -sd, -)
  local packets probes span_s
  read -r packets probes span_s _ <<<"$(bin/benchreport pcapstat "$pcap" "$victim" | sed 's/[a-z_]*=//g')"
  put live fullrange "$tool" "$i" wall_ms $(((end - start) / 1000000))
  put live fullrange "$tool" "$i" probes "$probes"
  put live fullrange "$tool" "$i" pps "$(awk -v p="$probes" -v s="$span_s" 'BEGIN{printf "%.0f", (s > 0 ? p / s : 0)}')"
  put live fullrange "$tool" "$i" exact "$([ "$found" = "$open" ] && echo 1 || echo 0)"
  [ "$found" = "$open" ] || note "live run $i: $tool found open ports [$found], want [$open]"
  if [ "$tool" = masscan ]; then # what masscan believes it sent, against what the sensor saw
    note "live run $i: masscan's own status line peaked at $(grep -oE 'rate: *[0-9.]+-kpps' "$out" | awk -F'[: -]+' '{print $2}' | sort -g | tail -1) kpps"
  fi
  say "live $tool run $i: $probes probes in ${span_s}s, $(((end - start) / 1000000)) ms wall, found [$found]"
}

# generate RUN: the offline full-range scan with OS detection, to pcap,
# then tcpdump copying the capture siglab wrote in the first, unmeasured
# run (the same packets): issue 19's "generation faster than a copy". -Z
# root: tcpdump would otherwise drop to its own user and could not write
# into the work directory. Times from bash's clock, no process started to
# read it.
generate() {
  local i=$1 t0 t1 t2 packets
  t0=${EPOCHREALTIME/./}
  bin/siglab generate bench/fullrange.yaml -o "$work/gen.pcap" >/dev/null 2>"$work/gen.err"
  t1=${EPOCHREALTIME/./}
  tcpdump -Z root -r "$work/gen0.pcap" -w "$work/copy.pcap" 2>/dev/null
  t2=${EPOCHREALTIME/./}
  cmp -s "$work/gen.pcap" "$work/gen0.pcap" || note "generate run $i: the capture differs from the first run's"
  packets=$(grep -oE 'wrote [0-9]+ packets' "$work/gen.err" | awk '{print $2}')
  put generate fullrange siglab "$i" wall_ms "$(msec "$t0" "$t1")"
  put generate fullrange siglab "$i" packets "$packets"
  put generate fullrange siglab "$i" pps "$(awk -v p="$packets" -v us=$((t1 - t0)) 'BEGIN{printf "%.0f", p / (us / 1e6)}')"
  put generate fullrange tcpdump "$i" wall_ms "$(msec "$t1" "$t2")"
  put generate fullrange tcpdump "$i" packets "$packets"
  put generate fullrange tcpdump "$i" pps "$(awk -v p="$packets" -v us=$((t2 - t1)) 'BEGIN{printf "%.0f", p / (us / 1e6)}')"
  say "generate run $i: siglab $(msec "$t0" "$t1") ms, tcpdump's copy $(msec "$t1" "$t2") ms, $packets packets"
}

# startup TOOL RUN: one process that does next to nothing, timed from
# bash's clock: siglab's --help, its scenario list, detect on a
# one-packet capture, and the hello-world Go binary built in this run.
# Run 0 is not recorded: it brings the binaries into the page cache.
startup() {
  local tool=$1 i=$2 t0 t1
  t0=${EPOCHREALTIME/./}
  case $tool in
  help) bin/siglab --help >/dev/null ;;
  scenarios) bin/siglab scenarios >/dev/null ;;
  detect) bin/siglab detect "$work/one.pcap" >/dev/null ;;
  floor | floor-noplot) "$work/$tool/$tool" ;;
  hello) "$work/hello/hello" >/dev/null ;;
  esac
  t1=${EPOCHREALTIME/./}
  [ "$i" = 0 ] || put startup cli "$tool" "$i" wall_ms "$(msec "$t0" "$t1")" # run 0 warms the caches
}

# initfloor NAME PKG...: builds $work/NAME/NAME, a program that links
# every non-standard package PKG... link (theirs and their
# dependencies') and exits as main starts: what those packages cost a
# process before it does anything (the runtime's start and their init
# functions). It is built through an overlay, so nothing is written to
# the tree; CGO_ENABLED=0 as bin/siglab is.
initfloor() {
  local name=$1 dir=$work/$1
  shift
  mkdir -p "$dir"
  {
    printf 'package main\n\nimport (\n\t"os"\n\n'
    go list -deps "$@" | grep '^[^/]*\.' | grep -v -e '/internal/' -e '/internal$' -e '/cmd/siglab$' |
      sed 's/.*/\t_ "&"/'
    printf ')\n\nfunc main() { os.Exit(0) }\n'
  } >"$dir/main.go"
  printf '{"Replace":{"%s/cmd/siglab-%s/main.go":"%s/main.go"}}' "$PWD" "$name" "$dir" >"$dir/overlay.json"
  CGO_ENABLED=0 go build -overlay "$dir/overlay.json" -o "$dir/$name" "./cmd/siglab-$name"
}

# detect SUBJECT PCAP TOOL RUN PACKETS [SOURCES]: one tool reading one
# capture; wall time in nanoseconds around the command (/usr/bin/time's
# %e has 10 ms steps, a fifth of a small capture's run) and peak RSS from
# /usr/bin/time. tcpdump runs with -S: its relative sequence numbers keep
# a per-connection table that makes it take minutes on millions of flows,
# which is not the decoding being compared.
# Every tool is pinned to one CPU (taskset): p0f and tcpdump are single
# threaded, and siglab's garbage collector would otherwise borrow the
# second core; issue 5's throughput target is one core's.
detect() {
  local subject=$1 pcap=$2 tool=$3 i=$4 packets=$5 sources=${6:-} t=$work/time.txt start end
  start=$(date +%s%N)
  case $tool in
  siglab) /usr/bin/time -o "$t" -f '%M' taskset -c 1 bin/siglab detect "$pcap" >/dev/null ;;
  p0f) /usr/bin/time -o "$t" -f '%M' taskset -c 1 p0f -r "$pcap" >/dev/null ;;
  tcpdump) /usr/bin/time -o "$t" -f '%M' taskset -c 1 tcpdump -n -S -r "$pcap" >/dev/null 2>&1 ;;
  esac
  end=$(date +%s%N)
  local ns=$((end - start)) kb
  read -r kb <"$t"
  put detect "$subject" "$tool" "$i" wall_ms "$(awk -v ns="$ns" 'BEGIN{printf "%.1f", ns / 1e6}')"
  put detect "$subject" "$tool" "$i" rss_kb "$kb"
  put detect "$subject" "$tool" "$i" packets "$packets"
  put detect "$subject" "$tool" "$i" pps "$(awk -v p="$packets" -v ns="$ns" 'BEGIN{printf "%.0f", (ns > 0 ? p / (ns / 1e9) : 0)}')"
  [ -z "$sources" ] || put detect "$subject" "$tool" "$i" sources "$sources"
  say "detect $subject $tool run $i: $((ns / 1000000)) ms, ${kb} KB"
}

# gobench PATTERN PKG METRIC SECTION SUBJECT TOOL ARGS...: a Go
# benchmark's custom metric, one raw value per -count run.
gobench() {
  local pattern=$1 pkg=$2 metric=$3 section=$4 subject=$5 tool=$6 i=0 v
  shift 6
  for v in $(go test -run '^$' -bench "$pattern" -count "$runs" "$@" "$pkg" | awk -v m="$metric" '{for (f = 2; f <= NF; f++) if ($f == m) print $(f-1)}'); do
    i=$((i + 1))
    put "$section" "$subject" "$tool" "$i" "${metric//-/_}" "$v"
  done
}

if section live; then
  say "live full-range SYN scans, $runs runs each, tools alternated"
  for i in $(seq "$runs"); do
    for tool in siglab masscan nmap7; do live "$tool" "$i"; done
  done
fi

# ---- HOOK: the live path's ceiling (issue 19, item 3) --------------------
# scripts/bench-live.sh (another part of issue 19) measures the lab
# path's own ceiling with a raw packet blaster against siglab's and
# masscan's live scans, judges its runs itself and exits 0 (PASS), 1
# (MISS) or 3 (INCONCLUSIVE: drops). This section runs it when it exists,
# records its verdict as the "live ceiling" target and puts its table
# under ours; without the script the target says NOT RUN.
live_table=$work/live-ceiling.md
if section liveceiling; then
  if [ -x scripts/bench-live.sh ]; then
    say "live ceiling: scripts/bench-live.sh"
    code=0
    BENCH_RUNS=$runs BENCH_OUT=$work/live-ceiling scripts/bench-live.sh >"$live_table" || code=$?
    if [ "$code" = 2 ]; then
      note "scripts/bench-live.sh refused to run (exit 2): the live ceiling is NOT RUN"
    else
      put liveceiling fullrange bench-live 1 exit "$code"
    fi
  else
    note "scripts/bench-live.sh is absent: the live ceiling is NOT RUN"
  fi
fi
# ---- end of the hook -----------------------------------------------------

if section startup; then
  say "start-up: siglab against a hello-world Go binary, $startup_runs runs each, alternated"
  mkdir -p "$work/hello"
  printf 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hello, world") }\n' >"$work/hello/main.go"
  go build -o "$work/hello/hello" "$work/hello/main.go" # the toolchain and settings bin/siglab was built with
  # The floors: siglab's packages alone, and without the two that draw
  # and check pictures (gonum/plot, chromedp). Their start is the least
  # any siglab command can take.
  initfloor floor ./cmd/siglab
  initfloor floor-noplot $(go list -deps ./cmd/siglab | grep '^github.com/siglab/siglab/' |
    grep -v -e '/cmd/siglab$' -e '/picture$' -e '/htmlreport$' -e '/reportmerge$')
  # its imports are every package it links: none may be plot's or chromedp's
  if grep -q -e gonum.org/v1/plot -e chromedp "$work/floor-noplot/main.go"; then
    note "the floor without pictures still links gonum/plot or chromedp: its row is not what it says"
  fi
  bin/siglab generate fig2-syn -o "$work/small.pcap" >/dev/null 2>&1
  tcpdump -Z root -r "$work/small.pcap" -c 1 -w "$work/one.pcap" 2>/dev/null
  tools="help scenarios detect floor floor-noplot hello"
  for t in $tools; do startup "$t" 0; done
  for i in $(seq "$startup_runs"); do
    for t in $tools; do startup "$t" "$i"; done
  done
fi

if section generate; then
  say "offline generation against tcpdump's copy, $gen_runs runs each, alternated"
  # the copied capture: siglab's, written once unmeasured (which also
  # warms the page cache for both)
  bin/siglab generate bench/fullrange.yaml -o "$work/gen0.pcap" >/dev/null 2>&1
  for i in $(seq "$gen_runs"); do generate "$i"; done
  go test -run '^$' -bench 'GenerateFullRange$' -benchtime 3x -count "$runs" ./generator/ |
    awk '$0 ~ /packets\/s/ {for (f = 2; f <= NF; f++) if ($f == "packets/s") print $(f-1)}' |
    { i=0; while read -r v; do i=$((i + 1)); put generate fullrange engine "$i" pps "$v"; done; }
fi

if section detect; then
  say "detection: the offline full-range capture and a 10-million-packet one"
  # the generate section's capture, unmeasured when that section was skipped
  [ -f "$work/gen.pcap" ] || bin/siglab generate bench/fullrange.yaml -o "$work/gen.pcap" >/dev/null 2>&1
  start=$(now)
  bin/siglab generate bench/detect10m.yaml -o "$work/big.pcap" >/dev/null 2>&1
  end=$(now)
  note "the 10M capture (bench/detect10m.yaml) took $(((end - start) / 1000000)) ms to generate with siglab generate"
  for subject in fullrange 10m; do
    pcap=$work/gen.pcap
    [ "$subject" = 10m ] && pcap=$work/big.pcap
    packets=$(bin/benchreport pcapstat "$pcap" "$victim" | sed 's/^packets=\([0-9]*\).*/\1/')
    for i in $(seq "$runs"); do
      for tool in siglab p0f tcpdump; do detect "$subject" "$pcap" "$tool" "$i" "$packets"; done
    done
  done
  rm -f "$work/big.pcap"
fi

# The memory target's capture: 10 M SYNs from 2^20 spoofed sources taking
# turns (bench/spoofcap; the addresses are only bytes in the file), the
# worst case for per-source state. Its packet and source counts are
# pcapstat's reading of the file, not spoofcap's word. tcpdump runs only
# BENCH_TCPDUMP_1M_RUNS times (default 1): one run takes over ten minutes
# here, because even under -n it caches every address's string in a
# 4096-bucket hash with chained lists (addrtoname.c, getname()), 256 deep
# for a million sources.
spoofed=$work/spoofed.pcap
if section detect1m; then
  say "detection: 10 million SYNs from 1 million sources"
  start=$(now)
  bin/spoofcap -o "$spoofed" 2>/dev/null
  end=$(now)
  note "the spoofed-sources capture (bench/spoofcap) took $(((end - start) / 1000000)) ms to write"
  read -r packets sources <<<"$(bin/benchreport pcapstat "$spoofed" "$victim" | sed -E 's/^packets=([0-9]+) .* sources=([0-9]+)$/\1 \2/')"
  tcpdump_runs=${BENCH_TCPDUMP_1M_RUNS:-1}
  [ "$tcpdump_runs" -ge "$runs" ] || note "tcpdump ran $tcpdump_runs of $runs times on the spoofed-sources capture (BENCH_TCPDUMP_1M_RUNS): its address cache makes one run take minutes"
  for i in $(seq "$runs"); do
    for tool in siglab p0f tcpdump; do
      [ "$tool" != tcpdump ] || [ "$i" -le "$tcpdump_runs" ] || continue
      detect spoofed1m "$spoofed" "$tool" "$i" "$packets" "$sources"
    done
  done
fi

if section lab; then
  say "lab life cycle, 3 hosts"
  gobench 'Lab3Hosts$' ./netns/ median-ms lab 3hosts siglab -benchtime 30x
  gobench 'IPCommands3Hosts$' ./netns/ median-ms lab 3hosts ip -benchtime 30x
  # issue 17's CLI cycle: each run is scripts/lab-cycle.sh's median of 10
  for i in $(seq "$runs"); do
    SIGLAB=bin/siglab scripts/lab-cycle.sh 10 >"$work/cycle.txt"
    put lab 3hosts cli "$i" up_ms "$(grep -oP 'lab up --detach .*median \K[0-9.]+' "$work/cycle.txt")"
    put lab 3hosts cli "$i" down_ms "$(grep -oP 'lab down: median \K[0-9.]+' "$work/cycle.txt")"
    put lab 3hosts cli "$i" median_ms "$(grep -oP 'CLI lab cycle.*: median \K[0-9.]+' "$work/cycle.txt")"
    say "lab cycle run $i: $(tail -1 "$work/cycle.txt")"
  done
fi

note "versions: $(version 'masscan --version' 'version [0-9.]+') (masscan), $(version 'nmap --version' 'Nmap version [0-9.]+'), $(version 'p0f -h' 'p0f [0-9.]+[a-z]*'), $(version 'tcpdump --version' 'tcpdump version [0-9.]+')"
cp "$raw" "$out/results.raw.tsv"
bin/benchreport report "$raw" "$out/results.json" "$out/results.md"

# A missed target keeps its issue open with a profile of the path.
prof=$out/profiles
rm -rf "$prof"
missed() { grep -q "^| $1 |.*\*\*MISS\*\*" "$out/results.md"; }
if missed 'offline generation'; then
  mkdir -p "$prof"
  # siglab generate's own path (scenario, engine, verdict, pcap written),
  # CPU and allocations, as bench/benchreport's BenchmarkGenerateCLI runs it.
  go test -run '^$' -bench 'GenerateCLI$' -benchtime 3x -cpuprofile "$prof/generate.cpu.pprof" \
    -memprofile "$prof/generate.mem.pprof" -o "$prof/benchreport.test" ./bench/benchreport/ >/dev/null
  go tool pprof -top -nodecount 30 "$prof/benchreport.test" "$prof/generate.cpu.pprof" >"$prof/generate.cpu.txt" 2>/dev/null
  go tool pprof -top -sample_index=alloc_space -nodecount 20 "$prof/benchreport.test" "$prof/generate.mem.pprof" >"$prof/generate.alloc.txt" 2>/dev/null
  rm -f "$prof/benchreport.test"
fi
if missed 'detection memory'; then
  mkdir -p "$prof"
  # Where the detector's state is allocated (the heap left at the end of
  # a Go benchmark is empty, so allocated space is what shows it), and
  # the real process's heap after each collection against the collector's
  # goal: what is live, and what is garbage the goal lets through.
  go test -run '^$' -bench 'SpoofedSources10M$' -benchtime 1x -memprofile "$prof/detect.mem.pprof" \
    -o "$prof/detector.test" ./detector/ >"$prof/detect.bench.txt"
  go tool pprof -top -sample_index=alloc_space -nodecount 20 "$prof/detector.test" "$prof/detect.mem.pprof" >"$prof/detect.alloc.txt" 2>/dev/null
  rm -f "$prof/detector.test"
  GODEBUG=gctrace=1 bin/siglab detect "$spoofed" 2>&1 >/dev/null | grep '^gc ' >"$prof/detect.gctrace.txt" || true
fi
if [ -s "$live_table" ]; then # the hook's table, under ours
  printf '\n**Live ceiling (scripts/bench-live.sh)**\n\n' >>"$out/results.md"
  cat "$live_table" >>"$out/results.md"
fi
cat "$out/results.md"
[ "$out" = bench ] || say "partial run (BENCH_ONLY=$only): results in $out"
