package netns

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/siglab/siglab/netns/nsthread"
)

// runDir is where named namespaces are pinned (as iproute2 does; see
// pins_linux.go).
const runDir = "/run/netns"

// sysctl is one /proc/sys setting, path relative to /proc/sys.
type sysctl struct{ path, value string }

// quiet applies in every lab namespace: IPv6 off (no router
// solicitations or DAD noise on the TUN and in captures) and no
// reverse-path filter (spoofed and decoy sources must pass). Set before
// any link exists, so the "default" values are what every link inherits;
// the veths that carry the lab's IPv6 turn it on one by one (ipv6On).
var quiet = []sysctl{
	{"net/ipv6/conf/all/disable_ipv6", "1"},
	{"net/ipv6/conf/default/disable_ipv6", "1"},
	{"net/ipv4/conf/all/rp_filter", "0"},
	{"net/ipv4/conf/default/rp_filter", "0"},
}

// icmpUnlimited lifts Linux's per-destination ICMP error rate limit on
// target hosts: with it, a UDP scan sees six port unreachables and then
// one a second, and calls the silent ports open. 1998's targets answered
// a lab's few dozen probes in full, and a scenario must be stable.
var icmpUnlimited = sysctl{"net/ipv4/icmp_ratelimit", "0"}

// forwarding makes a namespace a router.
var forwarding = sysctl{"net/ipv4/ip_forward", "1"}

// proxyARP lets the sensor answer ARP for hosts on other links, so two
// hosts sharing a /24 reach each other through it (FTP bounce).
var proxyARP = sysctl{"net/ipv4/conf/default/proxy_arp", "1"}

// proxyNow answers proxied ARP on link at once; by default Linux waits up
// to 0.8 s (proxy_delay 80 jiffies), which stalls the first host-to-host
// connection of a run. It is per link: a new namespace has no "default".
func proxyNow(link string) sysctl {
	return sysctl{"net/ipv4/neigh/" + link + "/proxy_delay", "0"}
}

// setSysctls writes settings from a thread inside ns: /proc/sys/net shows
// the namespace of the thread that opens it. A missing IPv6 tree (kernel
// without IPv6) is fine: there is no IPv6 to silence then.
func setSysctls(ns nsthread.Handle, settings ...sysctl) error {
	return nsthread.Do(ns, func() error {
		for _, s := range settings {
			err := os.WriteFile(filepath.Join("/proc/sys", s.path), []byte(s.value), 0)
			if errors.Is(err, os.ErrNotExist) && strings.HasPrefix(s.path, "net/ipv6/") {
				continue
			}
			if err != nil {
				return fmt.Errorf("sysctl %s=%s: %w", s.path, s.value, err)
			}
		}
		return nil
	})
}
