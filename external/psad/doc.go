// Package psad puts psad, the Port Scan Attack Detector (Debian's psad
// 2.4.6), under test: it writes the firewall log psad reads, runs psad
// on it with a private configuration, reads what psad reports into
// external.Records, and explains from a capture what psad's rules make
// of it.
//
// Two ways to the log lines, which a spec shows agree on a live run:
//
//   - LogLines and FormatLog compute them from a capture: the lines a
//     logging rule on the INPUT chain of each target would have written,
//     in the kernel's LOG format (Dialect Kernel, nf_log_syslog's field
//     order and flags) or in ulogd2's (Dialect ULOG). Needs nothing.
//   - StartNFLOG logs a live lab host for real: an NFLOG rule in the
//     host's namespace (nftables over netlink) and ulogd2 started inside
//     that namespace. The kernel's LOG target cannot be used there: it
//     is silent outside the initial namespace unless the host-wide sysctl
//     net.netfilter.nf_log_all_netns is set, which siglab never changes.
//
// Analyze runs `psad -A --stdin` on lines; Format and Parse read its
// output; Explain emulates psad's counting (IGNORE_CONNTRACK_BUG_PKTS,
// DANGER_LEVEL1-5, PORT_RANGE_SCAN_THRESHOLD) and signature matching from
// a capture and says why.
//
// Containment: psad runs with --log-server (it neither lists nor changes
// a firewall), no syslog, mail, whois, DNS or netstat, every path of its
// configuration inside a temporary directory "siglab-psad-<pid>-*" (the
// host's /etc/psad is only read and /var/log/psad never written); never
// as Debian's service. ulogd2 runs with its own configuration in such a
// directory, in the lab host's namespace, on an NFLOG group unique to the
// run, and dies with siglab (PR_SET_PDEATHSIG). The NFLOG rule lives in a
// table of its own in the lab host's namespace.
//
// Ownership: Analyze owns its directory and psad process for the length
// of the call and removes both. An NFLOG owns its rule table, ulogd2
// process and directory until Stop, which removes all three; the
// namespace stays the caller's. Clean removes what a killed siglab left:
// the directories of dead pids and the psad and ulogd2 processes whose
// command lines name them. Records and lines returned are the caller's.
//
// Per-OS files: NFLOG and the process part of Clean are Linux's
// (nflog_linux.go, clean_linux.go); elsewhere StartNFLOG returns
// ErrUnsupported, which wraps errors.ErrUnsupported.
package psad
