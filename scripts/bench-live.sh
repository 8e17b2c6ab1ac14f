#!/usr/bin/env bash
# Issue 19's live ceiling (run as root; scripts/bench.sh may call it):
# the lab path's own ceiling, measured by bench/tunblast (pre-built SYNs
# written into the lab's TUN by one writer as fast as it can, through
# the same namespaces and the same sensor as a scan), against siglab's
# live full-range SYN scan and masscan's, on the same scenario
# (bench/fullrange.yaml), BENCH_RUNS times each (default 3), all
# alternated so that the machine's load falls on all of them alike. A
# second blaster run keeps at most 150 SYNs unanswered, as nmap 2.02's
# window does: the ceiling of a scanner paced by its answers, shown for
# information (the verdict uses the open ceiling).
# Packets/s are the probes the sensor saw over the time from the first
# to the last of them (benchreport pcapstat), for every tool.
#
# Prints one table and a verdict: PASS when siglab's median reaches 2x
# masscan's, or (when the path cannot carry that) 90% of the path's
# ceiling, with every open port found and no drops in each of siglab's
# runs; MISS otherwise. A run with drops makes the verdict INCONCLUSIVE.
# Exit 0 on PASS, 1 on MISS, 3 on INCONCLUSIVE, 2 on bad use. With
# BENCH_OUT=DIR it also writes DIR/live-ceiling.tsv (tool, run, metric,
# value). Every packet stays in the lab: the target is 198.18.1.2 in
# siglab's namespaces.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "bench-live: needs root (test networks)" >&2; exit 2; }
export PATH="$PATH:/usr/local/go/bin:/usr/sbin:/sbin"
runs=${BENCH_RUNS:-3}
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "bench-live: BENCH_RUNS must be a positive whole number, not '$runs'" >&2; exit 2; }
command -v masscan >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q masscan; }
CGO_ENABLED=0 go build -o bin/siglab ./cmd/siglab
go build -o bin/benchreport ./bench/benchreport
go build -o bin/tunblast ./bench/tunblast

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
raw=$work/raw.tsv
: >"$raw"
scenario=bench/fullrange.yaml
victim=198.18.1.2                      # the scenario's only host
open="22,80,443,3306,8080,31337,65000" # and its open ports, sorted
say() { echo "bench-live: $*" >&2; }
put() { printf '%s\t%s\t%s\t%s\n' "$@" >>"$raw"; }

# one TOOL RUN: one full-range run of TOOL with the sensor capturing.
one() {
  local tool=$1 i=$2 pcap=$work/$1.pcap out=$work/$1.txt found="" dropped=0
  case $tool in
  blaster) bin/tunblast -scenario "$scenario" -o "$pcap" >"$out" 2>&1 || say "$tool run $i exited $?"
    dropped=$(grep -oE 'dropped=[0-9]+' "$out" | cut -d= -f2) ;;
  # the same with nmap 2.02's window: at most 150 SYNs unanswered
  window) bin/tunblast -scenario "$scenario" -window 150 -o "$pcap" >"$out" 2>&1 || say "$tool run $i exited $?"
    dropped=$(grep -oE 'dropped=[0-9]+' "$out" | cut -d= -f2) ;;
  siglab) bin/siglab scan --scenario "$scenario" --pcap "$pcap" -sS -P0 -p1-65535 victim >"$out" 2>&1 || say "$tool run $i exited $?"
    found=$(grep -E '^[0-9]+ +open ' "$out" | awk '{print $1}')
    dropped=$(grep -oE 'sensor dropped [0-9]+' "$out" | awk '{print $3}' || true) ;;
  # masscan reads no routing table: name the scanner namespace's uplink
  # and its router; --wait 0 so it does not idle 10 s after sending.
  masscan) bin/siglab capture --scenario "$scenario" -o "$pcap" -- masscan '{victim}' -p1-65535 \
    --rate 10000000 --wait 0 --interface siglab-up0 --router-ip 198.19.0.2 >"$out" 2>&1 || say "$tool run $i exited $?"
    found=$(grep -oE 'Discovered open port [0-9]+' "$out" | awk '{print $4}')
    dropped=$(grep -oE '\([0-9]+ dropped\)' "$out" | tr -dc 0-9) ;;
  esac
  found=$(echo "$found" | sort -n | paste -sd, -)
  local packets probes span_s
  read -r packets probes span_s _ <<<"$(bin/benchreport pcapstat "$pcap" "$victim" | sed 's/[a-z_]*=//g')"
  local pps
  pps=$(awk -v p="$probes" -v s="$span_s" 'BEGIN{printf "%.0f", (s > 0 ? p / s : 0)}')
  put "$tool" "$i" pps "$pps"
  put "$tool" "$i" probes "$probes"
  put "$tool" "$i" dropped "${dropped:-0}"
  [[ $tool == blaster || $tool == window ]] || put "$tool" "$i" exact "$([ "$found" = "$open" ] && echo 1 || echo 0)"
  say "$tool run $i: $probes probes in ${span_s}s = $pps packets/s at the sensor, ${dropped:-0} dropped${found:+, found [$found]}"
}

say "live ceiling: $runs runs each of the blaster (open and windowed), siglab scan and masscan, alternated"
for i in $(seq 1 "$runs"); do
  for tool in blaster window siglab masscan; do one "$tool" "$i"; done
done

# col TOOL METRIC: that metric of every run of TOOL, one a line.
col() { awk -F'\t' -v t="$1" -v m="$2" '$1 == t && $3 == m {print $4}' "$raw"; }
median() { sort -g | awk '{v[NR] = $1} END {if (NR % 2) print v[(NR + 1) / 2]; else printf "%.0f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
sum() { awk '{s += $1} END {print s + 0}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", (b > 0 ? a / b : 0)}'; }
ceiling=$(col blaster pps | median)
windowed=$(col window pps | median)
siglab=$(col siglab pps | median)
masscan=$(col masscan pps | median)
vs_masscan=$(ratio "$siglab" "$masscan")
vs_ceiling=$(ratio "$siglab" "$ceiling")
masscan_ceiling=$(ratio "$masscan" "$ceiling")
exact=$(col siglab exact | sum)
drops=$(col siglab dropped | sum)
blaster_drops=$(col blaster dropped | sum)
window_drops=$(col window dropped | sum)

printf '\n| run set (%d runs, medians) | packets/s at the sensor | ÷ path ceiling | found exactly the open ports | sensor drops |\n' "$runs"
printf '|---|---:|---:|---:|---:|\n'
printf '| path ceiling (bench/tunblast, one writer) | %s | 1.00 | n/a | %s |\n' "$ceiling" "$blaster_drops"
printf '| the same, at most 150 SYNs unanswered (tunblast -window 150) | %s | %s | n/a | %s |\n' "$windowed" "$(ratio "$windowed" "$ceiling")" "$window_drops"
printf '| siglab scan -sS -P0 -p1-65535 | %s | %s | %s/%s runs | %s |\n' "$siglab" "$vs_ceiling" "$exact" "$runs" "$drops"
printf '| masscan --rate 10000000 | %s | %s | %s/%s runs | %s |\n\n' "$masscan" "$masscan_ceiling" "$(col masscan exact | sum)" "$runs" "$(col masscan dropped | sum)"

verdict=MISS
if [ "$drops" -gt 0 ] || [ "$blaster_drops" -gt 0 ]; then
  verdict=INCONCLUSIVE
elif [ "$exact" = "$runs" ] && awk -v m="$vs_masscan" -v c="$vs_ceiling" 'BEGIN{exit !(m >= 2 || c >= 0.9)}'; then
  verdict=PASS
fi
echo "live ceiling: siglab ${vs_masscan}x masscan (target 2x), ${vs_ceiling}x the path's ceiling (target 0.90x when the path cannot carry 2x masscan): $verdict"
if [ -n "${BENCH_OUT:-}" ]; then
  mkdir -p "$BENCH_OUT" && cp "$raw" "$BENCH_OUT/live-ceiling.tsv"
fi
case $verdict in PASS) exit 0 ;; MISS) exit 1 ;; *) exit 3 ;; esac
