#!/bin/sh
# The image's entrypoint: siglab with the arguments given, after making
# /proc/sys writable when it is not. Container runtimes mount /proc/sys
# read-only in every container that is not privileged, and a live lab
# writes sysctls in the namespaces it builds (forwarding, proxy ARP, quiet
# IPv6: netns/namespace_linux.go). Those are per network namespace, but the
# mount is the container's, so siglab would stop at its first sysctl.
# Remounting needs CAP_SYS_ADMIN (granted to the shard Job) and an AppArmor
# profile that allows mount; without them this does nothing and an offline
# command (report merge, run --offline, scenarios) runs as it is.
# Note what it costs: with /proc/sys writable the pod can also change the
# node's sysctls that are not per namespace; the Job's pods are trusted.
set -eu
if [ ! -w /proc/sys/net ]; then
  mount -o remount,bind,rw /proc/sys 2>/dev/null || true
fi
exec /usr/local/bin/siglab "$@"
