#!/usr/bin/env bash
# Captures today's nmap over IPv6 in siglab test networks, one pcap per
# technique, into detector/testdata/real6/ (or the directory given as $1):
# the regression copies behind detector/realscanners6_test.go. {NAME6} is a host's IPv6 address (2001:2::/48, see the
# README's network section): the lab's kernel hosts and the scan namespace
# have one, derived from their IPv4 address. Needs root (test networks);
# installs nmap and ping (iputils-ping) with apt-get when they are missing. Every packet stays inside
# the lab: the scanner namespace routes nothing but 198.18.0.0/15 and
# 2001:2::/48 (plus its link's link-local and ff02:: neighbour discovery),
# and no namespace of the lab has an IPv6 default route.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "capture-real-scanners6: needs root (test networks)" >&2; exit 2; }
export PATH="$PATH:/usr/local/go/bin:/usr/sbin:/sbin"
need=()
command -v nmap >/dev/null || need+=(nmap)
command -v ping >/dev/null || need+=(iputils-ping)
command -v curl >/dev/null || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}"
fi
out=${1:-detector/testdata/real6}
mkdir -p "$out"
CGO_ENABLED=0 go build -o bin/siglab ./cmd/siglab

# cap NAME SCENARIO TOOL ARGS...: one capture, the tool's output kept beside
# it so a reader can see what the tool itself concluded.
cap() {
  local name=$1 scenario=$2
  shift 2
  echo "capture-real-scanners6: $name: $*" >&2
  bin/siglab capture --scenario "$scenario" -o "$out/$name.pcap" -- "$@" >"$out/$name.txt" 2>&1
}

cap nmap6-syn fig2-syn nmap -6 -n -sS -Pn -p1-100 '{victim6}'
cap nmap6-connect fig2-syn nmap -6 -n -sT -Pn -p1-100 '{victim6}'
cap nmap6-fin fig2-syn nmap -6 -n -sF -Pn -p1-100 '{victim6}'
cap nmap6-ack fig2-syn nmap -6 -n -sA -Pn -p1-100 '{victim6}'
cap nmap6-udp tech-udp nmap -6 -n -sU -Pn -p53,69,111,123,161,514 '{victim6}'
cap nmap6-os fig2-syn nmap -6 -n -O -Pn -p1-100 '{victim6}'
# nmap 7.93 refuses -f (and --mtu) with -6 ("fragmentation are not
# supported with IPv6"); IPv6 fragments come from the kernel instead: an
# echo request larger than the link's MTU (1500), cut with a Fragment
# header, and its reply, cut the same way by the target's kernel.
cap ping6-frag fig2-syn ping -6 -n -c2 -i0.2 -s3000 '{victim6}'
# Three hosts and two lab addresses nobody owns (the sensor drops what is
# sent to them): ICMPv6 echo, nmap's TCP pings, and neighbour discovery for
# the scan namespace's router.
cap nmap6-sweep tech-ping-sweep nmap -6 -n -sn '{alpha6}' '{bravo6}' '{charlie6}' 2001:2::c612:103 2001:2::c612:104
cap nmap6-xmas fig2-syn nmap -6 -n -sX -Pn -p1-100 '{victim6}'
cap nmap6-null fig2-syn nmap -6 -n -sN -Pn -p1-100 '{victim6}'
# A /124 (16 addresses, 198.18.1.0/28's IPv6 counterparts; three hosts):
# enough for the SYN and ACK sweeps too.
cap nmap6-sweep16 tech-ping-sweep nmap -6 -n -sn 2001:2::c612:100/124
cap nmap6-ping-echo tech-ping-sweep nmap -6 -n -sn -PE 2001:2::c612:100/124
cap nmap6-ping-syn tech-ping-sweep nmap -6 -n -sn -PS22,80 2001:2::c612:100/124
cap nmap6-block tech-ping-sweep nmap -6 -n -sS -Pn -p20-30 2001:2::c612:100/124
cap nmap6-sv tech-connect nmap -6 -n -sV -Pn -p22,80,443 '{victim6}'
cap nmap6-maimon fig2-syn nmap -6 -n -sM -Pn -p1-100 '{victim6}'
cap nmap6-scanflags-synfin fig2-syn nmap -6 -n --scanflags SYNFIN -Pn -p1-100 '{victim6}'
cap nmap6-ipproto fig2-syn nmap -6 -n -sO -Pn '{victim6}'
cap nmap6-sctp-init fig2-syn nmap -6 -n -sY -Pn -p1-100 '{victim6}'
# 2001:2::c612:7 is 198.18.0.7's twin: a lab address nobody holds.
cap nmap6-decoy fig2-syn nmap -6 -n -sS -Pn -D 2001:2::c612:7,ME -p1-100 '{victim6}'
# The idle scan over IPv6 (-sI): nmap reads the zombie's Fragment-header
# identification, after a Packet Too Big below 1280 makes it put one on
# everything (atomic fragments). The zombie is the emulated IPv6 stack of
# Windows Server 2003 (one global counter); a Linux host (a counter per
# destination, no atomic fragments) is refused: nmap 7.93 dies of it
# (segmentation fault) after its zombie test. The last is a near miss: SYNs
# under the zombie's address (a decoy) while another nmap probes the
# zombie with SYN/ACKs, whose RSTs carry no counter.
idle6=verifier/testdata/idle-scan6.yaml
cap nmap6-idle "$idle6" nmap -6 -n -Pn -sI '{zombie6}' -p20-30,80 '{victim6}'
cap nmap6-idle-one "$idle6" nmap -6 -n -Pn -sI '{zombie6}' -p22 '{victim6}'
cap nmap6-idle-linux "$idle6" sh -c 'nmap -6 -n -Pn -sI {victim6} -p20-30,80 {zombie6}; true'
cap nmap6-idle-decoy "$idle6" sh -c 'for i in 1 2 3 4 5 6; do nmap -6 -n -Pn --scanflags SYNACK -p80 {zombie6}; done & nmap -6 -n -sS -Pn -D {zombie6},ME -p20-30,80 {victim6}; wait'
# Ordinary IPv6 traffic, which must give no finding.
cap ping6 fig2-syn ping -6 -n -c8 -i0.2 '{victim6}'
cap benign6-curl benign-web-dns sh -c 'for i in 1 2 3; do curl -s --max-time 0.3 -o /dev/null "http://[{www6}]/" & curl -sk --max-time 0.3 -o /dev/null "https://[{www6}]/" & wait; done; true'
chmod 644 "$out"/*.pcap
ls -l "$out"
