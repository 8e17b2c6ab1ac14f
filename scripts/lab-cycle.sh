#!/usr/bin/env bash
# The CLI lab cycle, as root: `siglab lab up --detach` on the benchmark
# topology (bench/lab3hosts.yaml: a kernel host and two personalities)
# until it returns, which is when the network answers, then `siglab lab
# down` until it returns, N times (default 20). Prints the median of each
# and of their sum, in ms, beside netns.Build + Close's
# (BenchmarkLab3Hosts) in the README. Times come from bash's
# EPOCHREALTIME, read without a subshell, so no process is started to
# read the clock (here a fork and exec alone costs about 20 ms).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${SIGLAB:-bin/siglab}
n=${1:-20}
[ "$(id -u)" = 0 ] || { echo "lab-cycle.sh: needs root" >&2; exit 2; }
[ -x "$bin" ] || { echo "lab-cycle.sh: no $bin (make build)" >&2; exit 2; }
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
ups=() downs=() totals=()
for _ in $(seq "$n"); do
	t0=${EPOCHREALTIME/./}
	"$bin" lab up --detach --scenario bench/lab3hosts.yaml >"$tmp"
	t1=${EPOCHREALTIME/./}
	read -r _ id _ <"$tmp" # "lab ID is up ..."
	t2=${EPOCHREALTIME/./}
	"$bin" lab down "$id" >/dev/null
	t3=${EPOCHREALTIME/./}
	ups+=($((t1 - t0))) downs+=($((t3 - t2))) totals+=($((t1 - t0 + t3 - t2)))
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.1f", m/1000}'; }
echo "siglab lab up --detach (until the network answers): median $(median "${ups[@]}") ms"
echo "siglab lab down: median $(median "${downs[@]}") ms"
echo "CLI lab cycle, up plus down, 3 hosts: median $(median "${totals[@]}") ms over $n cycles (target 100 ms; the library's netns.Build + Close is BenchmarkLab3Hosts' median-ms)"
