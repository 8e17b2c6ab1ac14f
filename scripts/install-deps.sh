#!/usr/bin/env bash
# Installs the Debian packages siglab's live runs and tests use, the ones
# missing only, with no package service started on the host. Root only.
#   scripts/install-deps.sh test   everything the suites use (.ci/run)
#   scripts/install-deps.sh demo   the detectors under test the catalogue
#                                  checks (make demo, as root)
set -euo pipefail
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
export DEBIAN_FRONTEND=noninteractive
what=${1:-test}
case "$what" in test|demo) ;; *) echo "install-deps: unknown set $what (test or demo)" >&2; exit 2 ;; esac
[ "$(id -u)" = 0 ] || { echo "install-deps: needs root (apt-get)" >&2; exit 2; }

need=()
if [ "$what" = test ]; then
  # iproute2: `ip netns`/`ip link` that the cleanup specs compare against;
  # util-linux and mount: setpriv, to prove offline runs work as an
  # unprivileged user and live ones refuse it (and root without
  # CAP_NET_ADMIN), unshare and mount for the bad-environment specs
  # (no /dev/net/tun, a read-only /run, a full report directory, each in a
  # private mount namespace);
  # tshark: the report spec opens the pcapng and reads its probe comments;
  command -v ip >/dev/null || need+=(iproute2)
  command -v setpriv >/dev/null || need+=(util-linux)
  command -v unshare >/dev/null || need+=(util-linux)
  command -v mount >/dev/null || need+=(mount)
  command -v tshark >/dev/null || need+=(tshark)
  # nmap, masscan, zmap, hping3: today's scanners, captured in a lab at
  # test time (the detector must name them and never call them nmap 2.0x).
  command -v nmap >/dev/null || need+=(nmap)
  command -v masscan >/dev/null || need+=(masscan)
  command -v zmap >/dev/null || need+=(zmap)
  command -v hping3 >/dev/null || need+=(hping3)
  # curl, dig, ping: ordinary clients in a lab (a monitor pings its
  # hosts), whose traffic must give no finding; ping -6 also in the lab's
  # IPv6 specs (netns, verifier).
  command -v curl >/dev/null || need+=(curl)
  command -v dig >/dev/null || need+=(dnsutils)
  command -v ping >/dev/null || need+=(iputils-ping)
  # chromium-headless-shell: the HTML report's spec opens the report in
  # a real browser (htmlreport, through chromedp); any of the names
  # htmlreport.FindBrowser tries will do.
  command -v chromium-headless-shell >/dev/null || command -v chromium >/dev/null || need+=(chromium-headless-shell)
fi
# p0f: the first external detector; scenarios with a p0f: section run it.
command -v p0f >/dev/null || need+=(p0f)
# psad and ulogd2 (binary ulogd): detectors under test; external/psad runs
# psad -A on firewall log lines with a private configuration, and ulogd2
# in a lab host's namespace to log what an NFLOG rule there matches.
command -v psad >/dev/null || need+=(psad)
command -v ulogd >/dev/null || need+=(ulogd2)
# scanlogd: Debian's port scan detector, which siglab runs itself in lab
# namespaces (external/scanlogd); its package's init script must not start
# it on the host, hence the policy-rc.d below.
command -v scanlogd >/dev/null || [ -x /usr/sbin/scanlogd ] || need+=(scanlogd)
if [ ${#need[@]} -gt 0 ]; then
  # No service a package ships may start on the host (scanlogd's would
  # watch the host's own traffic, psad's touch its iptables and syslog,
  # ulogd2's bind NFLOG group 0): a policy-rc.d that denies every start
  # for the install, unless the machine has one already.
  policy=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    policy=/usr/sbin/policy-rc.d
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    trap 'rm -f "$policy"' EXIT
  fi
  apt-get update -q
  apt-get install -y -q "${need[@]}"
  if [ -n "$policy" ]; then
    rm -f "$policy"
    trap - EXIT
  fi
fi

# The live runs write to TUN devices.
if [ ! -c /dev/net/tun ]; then
  modprobe tun 2>/dev/null || { mkdir -p /dev/net && mknod /dev/net/tun c 10 200; }
fi
