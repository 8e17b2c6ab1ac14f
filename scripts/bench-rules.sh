#!/usr/bin/env bash
# The rule lab's speed targets (issue 14), measured in one run on this
# machine: the Go benchmarks of cmd/siglab/rules_bench_test.go on one
# core (-cpu 1), each -count times (default 3), medians written to
# bench/rules.md (or $1). No privileges needed.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
out=${1:-bench/rules.md}
runs=${BENCH_RUNS:-3}
raw=$(mktemp)
trap 'rm -f "$raw"' EXIT
go test -run '^$' -bench 'Rules' -cpu 1 -count "$runs" ./cmd/siglab/ | tee "$raw" >&2
# median NAME: the median packets/s of benchmark NAME (exact match).
median() {
  awk -v n="$1" '$1 == n { for (f = 2; f <= NF; f++) if ($f == "packets/s") print $(f-1) }' "$raw" |
    sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) { print 0; exit } print v[int((NR + 1) / 2)] }'
}
classic=$(median BenchmarkRulesClassicFullRange)
why=$(median BenchmarkRulesClassicFullRangeWhy)
g10=$(median BenchmarkRulesGenerated/rules=10)
g100=$(median BenchmarkRulesGenerated/rules=100)
g1000=$(median BenchmarkRulesGenerated/rules=1000)
g10000=$(median BenchmarkRulesGenerated/rules=10000)
a10=$(median BenchmarkRulesGeneratedAnyPort/rules=10)
a1000=$(median BenchmarkRulesGeneratedAnyPort/rules=1000)
verdict() { awk -v v="$1" -v goal="$2" 'BEGIN { print (v >= goal ? "**PASS**" : "**FAIL**") }'; }
fmt() { awk -v v="$1" 'BEGIN { s = sprintf("%.0f", v); n = length(s); o = ""; for (i = 1; i <= n; i++) { o = o substr(s, i, 1); if ((n - i) % 3 == 0 && i < n) o = o "," } print o }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
cpu=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)
{
  echo "Measured $(date -u +%Y-%m-%d) on $cpu ($(nproc) CPUs), $(go version | awk '{print $3}'), one core (-cpu 1); medians of $runs runs, all in one run of \`make bench-rules\` (scripts/bench-rules.sh)."
  echo
  echo "The capture is bench/fullrange.yaml's (nmap 2.02 -sS -P0 -O -p1-65535 against one host, 131,182 packets), generated offline and held in memory as IPv4 packets, so the figures are the engine's: each packet decoded, fragments rebuilt, flows tracked, every rule that can match evaluated, alerts kept."
  echo
  echo "| target | goal | measured | verdict |"
  echo "|---|---|---|---|"
  echo "| classic set (17 rules) on the full-range capture | >= 3,000,000 packets/s | $(fmt "$classic") packets/s | $(verdict "$classic" 3000000) |"
  echo "| 1,000 generated header-only rules | >= 1,000,000 packets/s | $(fmt "$g1000") packets/s | $(verdict "$g1000" 1000000) |"
  echo "| 1,000 generated header-only rules, all on any port | >= 1,000,000 packets/s | $(fmt "$a1000") packets/s | $(verdict "$a1000" 1000000) |"
  echo
  echo "**Cost against the number of rules** (generated header-only rules: most on one destination port or three, some on any port with flags, TTL and IP ID, a few UDP and ICMP; BenchmarkRulesGenerated)"
  echo
  echo "| rules | packets/s | time per packet vs 10 rules |"
  echo "|---:|---:|---:|"
  for pair in "10 $g10" "100 $g100" "1000 $g1000" "10000 $g10000"; do
    set -- $pair
    echo "| $1 | $(fmt "$2") | $(ratio "$g10" "$2")x |"
  done
  echo
  echo "All on any port (BenchmarkRulesGeneratedAnyPort: flags and one pinned value among window, ttl, IP ID and ack): $(fmt "$a10") packets/s with 10 rules, $(fmt "$a1000") with 1,000 ($(ratio "$a10" "$a1000")x the time per packet)."
  echo
  echo "Rules are grouped by IP protocol, TCP rules by the flag bytes their flags accept, rules with a few destination ports by port, and within a group by the header value they pin (window, ack, ttl, id...), so a thousandfold more rules costs far less than a thousandfold more time."
  echo
  echo "**The whole \`siglab rules check\` evaluation** (alerts, then the why pass over the capture for every silent rule): $(fmt "$why") packets/s with the classic set (BenchmarkRulesClassicFullRangeWhy)."
} >"$out"
echo "bench-rules: wrote $out" >&2
