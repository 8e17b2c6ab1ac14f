#!/usr/bin/env bash
# Captures today's scanners (Debian's nmap, masscan, hping3) in siglab test
# networks, one pcap per technique, into detector/testdata/real/ (or the
# directory given as $1). The detector's specs read these files to check
# that real scanners' traffic gets the right labels and that today's nmap is
# never called nmap 2.0x. Needs root (test networks); installs the tools
# with apt-get when they are missing. Every packet stays inside the lab:
# the scanner namespace routes nothing but 198.18.0.0/15.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "capture-real-scanners: needs root (test networks)" >&2; exit 2; }
export PATH="$PATH:/usr/local/go/bin:/usr/sbin:/sbin"
need=()
command -v nmap >/dev/null || need+=(nmap)
command -v masscan >/dev/null || need+=(masscan)
command -v hping3 >/dev/null || need+=(hping3)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}"
fi
out=${1:-detector/testdata/real}
mkdir -p "$out"
go build -o bin/siglab ./cmd/siglab

# cap NAME SCENARIO TOOL ARGS...: one capture, the tool's output kept beside
# it so a reader can see what the tool itself concluded.
cap() {
  local name=$1 scenario=$2
  shift 2
  echo "capture-real-scanners: $name: $*" >&2
  bin/siglab capture --scenario "$scenario" -o "$out/$name.pcap" -- "$@" >"$out/$name.txt" 2>&1
}

cap nmap-syn fig2-syn nmap -n -sS -Pn -p1-100 '{victim}'
cap nmap-connect fig2-syn nmap -n -sT -Pn -p1-100 '{victim}'
cap nmap-fin fig2-syn nmap -n -sF -Pn -p1-100 '{victim}'
cap nmap-xmas fig2-syn nmap -n -sX -Pn -p1-100 '{victim}'
cap nmap-null fig2-syn nmap -n -sN -Pn -p1-100 '{victim}'
cap nmap-ack fig2-syn nmap -n -sA -Pn -p1-100 '{victim}'
cap nmap-udp tech-udp nmap -n -sU -Pn -p1-100 '{victim}'
cap nmap-os fig2-syn nmap -n -O -Pn -p1-100 '{victim}'
cap nmap-os-irix fig2-syn-os-irix nmap -n -O -Pn -p1-25 '{victim}'
cap nmap-frag fig2-syn nmap -n -f -sS -Pn -p1-100 '{victim}'
cap nmap-decoy fig2-syn nmap -n -sS -Pn -D 198.18.0.7,ME -p1-100 '{victim}'
cap nmap-sweep tech-ping-sweep nmap -n -sn 198.18.1.0/28
# Service probing and scripts against the lab's line servers: every -sV
# probe draws a line nmap cannot match, so the default battery (about 30
# probes a port, 5 s each) takes two and a half minutes.
cap nmap-sv tech-connect nmap -n -sV -Pn -p22,80,443 '{victim}'
cap nmap-sv-light tech-connect nmap -n -sV --version-light -Pn -p1-100 '{victim}'
# --version-all: every probe, about 100 on one port (8.5 minutes).
cap nmap-sv-all tech-connect nmap -n -sV --version-all -Pn -p80 '{victim}'
cap nmap-sc tech-connect nmap -n -sC -Pn -p80 '{victim}'
# masscan needs the scanner namespace's interface and its router (the sensor
# end of the veth) spelled out: it reads no routing table of its own.
cap masscan fig2-syn masscan '{victim}' -p1-100 --rate 1000 --wait 1 --interface siglab-up0 --router-ip 198.19.0.2
cap hping3-syn fig2-syn hping3 -S -p ++1 -c 50 -i u2000 '{victim}'
chmod 644 "$out"/*.pcap
ls -l "$out"
