#!/usr/bin/env bash
# Regenerates docs/rules/reference.md, the rule lab's reference table:
# each classic nmap rule (rules/classic.rules) against each nmap 2.02
# technique of the catalogue (generated offline) and against today's
# nmap, captured live here in siglab test networks (root only; installs
# nmap with apt-get when it is missing). Every packet stays inside the
# lab. Usage: scripts/rules-table.sh [siglab binary]
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "scripts/rules-table.sh: needs root (today's nmap is captured live)" >&2; exit 2; }
export PATH="$PATH:/usr/local/go/bin:/usr/sbin:/sbin"
command -v nmap >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q nmap; }
bin=${1:-bin/siglab}
[ -x "$bin" ] || CGO_ENABLED=0 go build -o "$bin" ./cmd/siglab
work=$(mktemp -d /tmp/siglab-rules-table.XXXXXX)
trap 'rm -rf "$work"' EXIT
version=$(nmap --version | sed -n 's/^Nmap version \([0-9.]*\).*/\1/p')
args=()
# cap FLAGS SCENARIO NMAP-ARGS...: one live capture of today's nmap.
cap() {
  local flags=$1 scenario=$2 file
  shift 2
  file="$work/$(echo "$flags" | tr -c 'a-zA-Z0-9' _).pcap"
  echo "rules-table: nmap $version $flags" >&2
  "$bin" capture --scenario "$scenario" -o "$file" -- nmap "$@" >/dev/null 2>&1
  args+=(--capture "nmap $version $flags=$file")
}
cap "-sS" fig2-syn -n -sS -Pn -p1-100 '{victim}'
cap "-sF" fig2-syn -n -sF -Pn -p1-100 '{victim}'
cap "-sN" fig2-syn -n -sN -Pn -p1-100 '{victim}'
cap "-sX" fig2-syn -n -sX -Pn -p1-100 '{victim}'
cap "-sA" fig2-syn -n -sA -Pn -p1-100 '{victim}'
cap "-sn -PA80 (ACK ping)" fig2-syn -n -sn -PA80 '{victim}'
cap "-sn -PE (echo ping)" fig2-syn -n -sn -PE '{victim}'
cap "-f -sS" fig2-syn -n -f -sS -Pn -p1-100 '{victim}'
cap "-O" fig2-syn -n -O -Pn -p1-100 '{victim}'
mkdir -p docs/rules
"$bin" rules table "${args[@]}" --out docs/rules/reference.md
echo "rules-table: wrote docs/rules/reference.md" >&2
