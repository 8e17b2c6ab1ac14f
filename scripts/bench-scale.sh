#!/usr/bin/env bash
# Issue 18's measured scale: scenarios a minute offline and live, and N
# shards run as N concurrent processes giving one run's verdicts. Prints
# the figures and writes them to SCALE_OUT (default bench/scale.md);
# `make bench` calls it. Offline it runs the 1,008-point example matrix
# (scenarios/matrix/technique-matrix.yaml) whole, as one process and as
# SCALE_SHARDS (default 4) concurrent shards, and about 10 of its points
# with --report (what a cluster's pods write; --report runs every
# detector, p0f, scanlogd and psad too, for the coverage matrix). Live (root only) it runs
# scenarios/matrix/live-sample.yaml, 30 points: kept small on purpose,
# since the machine is shared; every packet stays in siglab's own
# namespaces (198.18.0.0/15). SCALE_PARALLEL (default 4) is --parallel.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin:/usr/sbin:/sbin"
par=${SCALE_PARALLEL:-4}
shards=${SCALE_SHARDS:-4}
out=${SCALE_OUT:-bench/scale.md}
matrix=scenarios/matrix/technique-matrix.yaml
live=scenarios/matrix/live-sample.yaml
mkdir -p bin "$(dirname "$out")"
CGO_ENABLED=0 go build -o bin/siglab ./cmd/siglab
tmp=$(mktemp -d /tmp/siglab-scale.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

now() { date +%s.%N; }
# rate N SECONDS: scenarios a minute.
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n * 60 / s }'; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
# verdicts FILE...: each scenario's checks and verdict, sorted, without times.
verdicts() { awk '($2 == "offline" || $2 == "live") && NF >= 6 { print $1, $4, $NF }' "$@" | sort; }
# run NAME ARGS...: runs siglab, keeping its table; a failed scenario is
# a figure, not an error of the script.
run() { local name=$1; shift; bin/siglab "$@" >"$tmp/$name.txt" 2>"$tmp/$name.err" || true; }

n=$(bin/siglab scenarios --expand "$matrix" | wc -l)

t0=$(now); run one run --offline --parallel "$par" "$matrix"; t1=$(now)
one_s=$(secs "$t0" "$t1")
one_pass=$(verdicts "$tmp/one.txt" | awk '$3 == "pass"' | wc -l)

t0=$(now)
for k in $(seq 1 "$shards"); do
  run "shard$k" run --offline --parallel "$par" --shard "$k/$shards" "$matrix" &
done
wait
t1=$(now)
sh_s=$(secs "$t0" "$t1")
verdicts "$tmp/one.txt" >"$tmp/one.v"
verdicts "$tmp"/shard*.txt >"$tmp/shards.v"
if cmp -s "$tmp/one.v" "$tmp/shards.v"; then same=yes; else same=NO; fi

t0=$(now); run rep run --offline --parallel "$par" --shard 1/100 --report "$tmp/report" "$matrix"; t1=$(now)
rep_n=$(verdicts "$tmp/rep.txt" | wc -l)
rep_s=$(secs "$t0" "$t1")

if [ "$(id -u)" = 0 ]; then
  live_n=$(bin/siglab scenarios --expand "$live" | wc -l)
  t0=$(now); run live run --parallel "$par" "$live"; t1=$(now)
  live_s=$(secs "$t0" "$t1")
  live_pass=$(verdicts "$tmp/live.txt" | awk '$3 == "pass"' | wc -l)
  live_line="| live, $live (--parallel $par) | $live_n | $live_s s | $(rate "$live_n" "$live_s") | $live_pass of $live_n pass |"
else
  live_line="| live | NOT RUN (needs root) | | | |"
fi

{
  echo "Measured $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores (shared), siglab $(git describe --always --dirty 2>/dev/null || echo '?')."
  echo
  echo "| run | scenarios | wall time | scenarios/minute | verdicts |"
  echo "|---|---|---|---|---|"
  echo "| offline, $matrix, one process (--parallel $par) | $n | $one_s s | $(rate "$n" "$one_s") | $one_pass of $n pass |"
  echo "| offline, the same as $shards concurrent shards (--shard K/$shards) | $n | $sh_s s | $(rate "$n" "$sh_s") | same as one run: $same |"
  echo "| offline with --report, every detector run for the coverage matrix (shard 1/100) | $rep_n | $rep_s s | $(rate "$rep_n" "$rep_s") | |"
  echo "$live_line"
} | tee "$out"
[ "$same" = yes ] || { echo "bench-scale: the shards' verdicts differ from one run's (diff $tmp/one.v $tmp/shards.v)" >&2; trap - EXIT; exit 1; }
