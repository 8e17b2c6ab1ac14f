#!/usr/bin/env bash
# Captures today's scanners (Debian's nmap, masscan, zmap, hping3) in siglab test
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
command -v zmap >/dev/null || need+=(zmap)
command -v curl >/dev/null || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}"
fi
out=${1:-detector/testdata/real}
mkdir -p "$out"
CGO_ENABLED=0 go build -o bin/siglab ./cmd/siglab

# ZMAP_SWEEP is zmap -p80 over 198.18.1.0/24 in the scanner namespace
# (verifier/detect_catalogue_test.go runs the same command live).
ZMAP_SWEEP='bl=$(mktemp) al=$(mktemp); echo 198.18.1.0/24 >"$al"
echo >/dev/udp/198.19.0.2/9; sleep 0.2
gw=$(ip neigh show 198.19.0.2 dev siglab-up0 | awk "{print \$3}")
zmap -q -p 80 -b "$bl" -w "$al" -i siglab-up0 -G "$gw" -r 1000 -c 1; rc=$?
rm -f "$bl" "$al"; exit $rc'

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
# Today's other scan types. -sW's ACKs are -sA's (the capture shows it);
# the lab's kernel hosts run no SCTP (no sctp module), so -sY, -sZ and
# -sO's SCTP probe get ICMP protocol unreachable, rate-limited.
cap nmap-maimon fig2-syn nmap -n -sM -Pn -p1-100 '{victim}'
cap nmap-window fig2-syn nmap -n -sW -Pn -p1-100 '{victim}'
cap nmap-scanflags-synfin fig2-syn nmap -n --scanflags SYNFIN -Pn -p1-100 '{victim}'
cap nmap-scanflags-all fig2-syn nmap -n --scanflags URGACKPSHRSTSYNFIN -Pn --max-retries 0 -p1-100 '{victim}'
cap nmap-ipproto fig2-syn nmap -n -sO -Pn '{victim}'
cap nmap-sctp-init fig2-syn nmap -n -sY -Pn -p1-100 '{victim}'
cap nmap-sctp-cookie fig2-syn nmap -n -sZ -Pn -p1-100 '{victim}'
# -sI needs a zombie with a global, incremental IP ID: the lab file (not a
# catalogue scenario: 2.02 has no -sI) puts emulated IRIX 6.2 and Windows
# NT 4 (IP ID + 256) beside the target. -b logs in to tech-ftp-bounce's FTP server with a user of its own.
cap nmap-idle verifier/testdata/idle-scan.yaml nmap -n -Pn -sI '{zombie}' -p20-30,80 '{victim}'
cap nmap-idle-nt verifier/testdata/idle-scan.yaml nmap -n -Pn -sI '{ntzombie}:139' -p20-30,80 '{victim}'
cap nmap-bounce tech-ftp-bounce nmap -n -Pn -b 'siglab:secret@{ftp}' -p20-30,80 '{victim}'
# Service probing and scripts against the lab's line servers: every -sV
# probe draws a line nmap cannot match, so the default battery (about 30
# probes a port, 5 s each) takes two and a half minutes.
cap nmap-sv tech-connect nmap -n -sV -Pn -p22,80,443 '{victim}'
cap nmap-sv-light tech-connect nmap -n -sV --version-light -Pn -p1-100 '{victim}'
# --version-all: every probe, about 100 on one port (8.5 minutes).
cap nmap-sv-all tech-connect nmap -n -sV --version-all -Pn -p80 '{victim}'
cap nmap-connect-sv tech-connect nmap -n -sT -sV --version-light -Pn -p1-100 '{victim}'
cap nmap-sc tech-connect nmap -n -sC -Pn -p80 '{victim}'
# masscan needs the scanner namespace's interface and its router (the sensor
# end of the veth) spelled out: it reads no routing table of its own.
cap masscan fig2-syn masscan '{victim}' -p1-100 --rate 1000 --wait 1 --interface siglab-up0 --router-ip 198.19.0.2
cap hping3-syn fig2-syn hping3 -S -p ++1 -c 50 -i u2000 '{victim}'
# Small scans of one host, one to four ports: the probes name the tool.
cap nmap-syn-1port fig2-syn nmap -n -sS -Pn -p22 '{victim}'
cap nmap-syn-3ports fig2-syn nmap -n -sS -p22,80,443 '{victim}'
cap masscan-1port fig2-syn masscan '{victim}' -p80 --rate 100 --wait 1 --interface siglab-up0 --router-ip 198.19.0.2
cap masscan-open fig2-syn masscan '{victim}' -p22 --rate 100 --wait 1 --interface siglab-up0 --router-ip 198.19.0.2
# zmap reads no ARP of its own: it is given the MAC of the sensor's end of
# the veth (198.19.0.2, read from the peer namespace), an empty blocklist
# in place of /etc/zmap/blacklist.conf (which lists 198.18.0.0/15) and the
# one lab host as its only target.
zmap_lab='ns=$(ip -o link show siglab-up0 | sed -n "s/.*link-netns \([^ ]*\).*/\1/p")
peer=$(ip -o link show siglab-up0 | sed -n "s/^[0-9]*: siglab-up0@if\([0-9]*\):.*/\1/p")
mac=$(ip -n "$ns" -o link show | awk -v i="$peer" -F": " "\$1==i" | sed -n "s/.*link\/ether \([0-9a-f:]*\).*/\1/p")
[ -n "$mac" ] || { echo "zmap: no gateway MAC for siglab-up0" >&2; exit 2; }
exec zmap -i siglab-up0 -G "$mac" -b /dev/null "$@"'
cap zmap-1port fig2-syn sh -c "$zmap_lab" zmap -p 80 '{victim}/32'
cap zmap-open fig2-syn sh -c "$zmap_lab" zmap -p 22 '{victim}/32'
cap hping3-1port fig2-syn hping3 -S -p 80 -c 3 '{victim}'
cap hping3-open fig2-syn hping3 -S -p 22 -c 3 '{victim}'
# hping3 away from its defaults (window 8192, IP ID 4321): tool.other
# name=unknown, with the features seen.
cap hping3-custom fig2-syn hping3 -S -p ++1 -c 12 -i u20000 -w 8192 -N 4321 '{victim}'
# Ordinary clients, which must give no finding: a browser-like burst of
# connections to three ports of one host, and nc -z-like connects.
cap benign-burst benign-web-dns sh -c 'for i in 1 2 3; do curl -s --http0.9 --max-time 0.3 -o /dev/null http://{www}/ & curl -sk --max-time 0.3 -o /dev/null https://{www}/ & curl -s --max-time 0.3 -o /dev/null http://{www}:8080/ & wait; done; true'
cap benign-connect benign-web-dns bash -c 'for p in 80 443 22; do timeout 1 bash -c ": >/dev/tcp/{www}/$p" || true; done; true'
# Host discovery of today's nmap, one probe type each, over a /28 of
# tech-ping-sweep's routed /24 (three hosts up).
cap nmap-ping-echo tech-ping-sweep nmap -n -sn -PE 198.18.1.0/28
cap nmap-ping-timestamp tech-ping-sweep nmap -n -sn -PP 198.18.1.0/28
cap nmap-ping-netmask tech-ping-sweep nmap -n -sn -PM 198.18.1.0/28
cap nmap-ping-syn tech-ping-sweep nmap -n -sn -PS22,80 198.18.1.0/28
cap nmap-ping-ack tech-ping-sweep nmap -n -sn -PA80 198.18.1.0/28
cap nmap-ping-udp tech-ping-sweep nmap -n -sn -PU53 198.18.1.0/28
cap nmap-ping-sctp tech-ping-sweep nmap -n -sn -PY 198.18.1.0/28
cap nmap-ping-proto tech-ping-sweep nmap -n -sn -PO 198.18.1.0/28
# Horizontal and block scans: one port across a /24 (zmap, masscan), two
# UDP ports and eleven TCP ports across a /28.
cap nmap-udp-sweep tech-ping-sweep nmap -n -sU -Pn -p53,161 198.18.1.0/28
cap nmap-block tech-ping-sweep nmap -n -sS -Pn -p20-30 198.18.1.0/28
cap masscan-sweep tech-ping-sweep masscan -p80 198.18.1.0/24 --rate 1000 --wait 1 --interface siglab-up0 --router-ip 198.19.0.2
# zmap reads its gateway's MAC from the neighbour table: one datagram to
# the router (the sensor end of the veth) fills it. Its own blocklist
# (the default one lists 198.18.0.0/15) is empty; the allowlist is the
# /24 alone, and no other target is given.
cap zmap-sweep tech-ping-sweep bash -c "$ZMAP_SWEEP"
# -T1 waits 15 s between probes: about 3 minutes for 12 ports.
cap nmap-slow-t1 fig2-syn nmap -n -sS -Pn -T1 -p1-12 '{victim}'
chmod 644 "$out"/*.pcap
ls -l "$out"
