#!/usr/bin/env bash
# The live suites' flake rate (`make flake`, as root; issue 12): runs each
# suite FLAKE_RUNS times (default 10) one after another and counts the
# runs that failed. A live suite that fails now and then is a bug in the
# suite or in siglab: find its cause and fix it; never retry it.
#
# Suites (FLAKE_SUITES, default all four):
#   siglabtest   the catalogue as a users' suite runs it, under the Ginkgo
#                CLI with two parallel processes, as make test runs it
#   verifier, netns, cmd/siglab
#                their live specs only (Ginkgo label "root"; never
#                "chaos", which make chaos runs on its own)
#
# Writes FLAKE_OUT (default bench/flake.md): per suite the runs, the
# failed runs, the flake rate, the wall time per run and the specs that
# failed; the logs of failed runs stay in a temporary directory, whose
# name it prints.
set -uo pipefail
cd "$(dirname "$0")/.."

runs=${FLAKE_RUNS:-10}
suites=${FLAKE_SUITES:-siglabtest verifier netns cmd/siglab}
out=${FLAKE_OUT:-bench/flake.md}
GO=${GO:-go}

if [ "$(id -u)" != 0 ]; then
  echo "*** make flake needs root: the live suites it measures skip without it ***" >&2
  exit 1
fi
case "$runs" in '' | *[!0-9]* | 0) echo "flake.sh: FLAKE_RUNS=$runs: want a whole number above 0" >&2; exit 2 ;; esac

logs=$(mktemp -d /tmp/siglab-flake.XXXXXX)
declare -A failed elapsed specs
start_all=$(date +%s)
for i in $(seq 1 "$runs"); do
  for s in $suites; do
    log="$logs/$(echo "$s" | tr / -).$i.log"
    t0=$(date +%s%N)
    case "$s" in
      siglabtest) $GO tool ginkgo --no-color --procs=2 --timeout=20m ./siglabtest >"$log" 2>&1 ;;
      verifier | netns | cmd/siglab)
        $GO test -count=1 -timeout 20m "./$s" -ginkgo.no-color -ginkgo.label-filter='root && !chaos' >"$log" 2>&1 ;;
      *) echo "flake.sh: unknown suite $s (known: siglabtest verifier netns cmd/siglab)" >&2; exit 2 ;;
    esac
    rc=$?
    t1=$(date +%s%N)
    elapsed[$s]=$(( ${elapsed[$s]:-0} + (t1 - t0) / 1000000 ))
    if [ "$rc" = 0 ]; then
      echo "$(date +%T) run $i/$runs $s: ok ($(( (t1 - t0) / 1000000000 ))s)" >&2
      rm -f "$log"
      continue
    fi
    failed[$s]=$(( ${failed[$s]:-0} + 1 ))
    # Ginkgo's summary names each failed spec on a "[FAIL]" line.
    names=$(grep -E '^\s*\[(FAIL|PANICKED|TIMEDOUT)\]' "$log" | sed -E 's/^\s+//' | sort -u | paste -sd ';' -)
    [ -n "$names" ] || names="exit $rc without a failed spec (build error or timeout): see $log"
    specs[$s]="${specs[$s]:+${specs[$s]}; }run $i: $names"
    echo "$(date +%T) run $i/$runs $s: FAILED (exit $rc): $names; log $log" >&2
  done
done
total_s=$(( $(date +%s) - start_all ))

{
  echo "# Flake rate of the live suites (\`make flake\`)"
  echo
  echo "Measured $(date -u +%F) on $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //') ($(nproc) CPUs, Linux $(uname -r), $($GO env GOVERSION)); $runs runs of each suite one after another, $total_s s in all."
  echo
  echo "| suite | runs | failed runs | flake rate | mean wall s per run | failed specs |"
  echo "|---|---:|---:|---:|---:|---|"
  sum_runs=0 sum_failed=0
  for s in $suites; do
    f=${failed[$s]:-0}
    sum_runs=$((sum_runs + runs)) sum_failed=$((sum_failed + f))
    printf '| %s | %d | %d | %s | %.1f | %s |\n' "$s" "$runs" "$f" \
      "$(awk -v f="$f" -v n="$runs" 'BEGIN{printf "%.1f%%", 100*f/n}')" \
      "$(awk -v ms="${elapsed[$s]}" -v n="$runs" 'BEGIN{printf "%.1f", ms/n/1000}')" "${specs[$s]:-none}"
  done
  echo
  echo "All suites: $sum_failed failed runs of $sum_runs ($(awk -v f="$sum_failed" -v n="$sum_runs" 'BEGIN{printf "%.1f%%", 100*f/n}'))."
} >"$out.tmp" && mv "$out.tmp" "$out"
cat "$out"
if [ -n "$(ls -A "$logs")" ]; then
  echo "logs of the failed runs: $logs" >&2
else
  rmdir "$logs"
fi
