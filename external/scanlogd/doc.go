// Package scanlogd runs Debian's scanlogd (2.2.x, Solar Designer's
// port scan detector) as a detector under test, live in a lab's target
// namespace and offline on a capture, reads what it logs, and models its
// rules so that siglab can say why it did or did not log a scan.
//
// What scanlogd does (scanlogd.c and params.h of 2.2.8, checked against
// the daemon by this package's specs): it reads every inbound TCP packet
// of its machine from a raw socket (so only its own network namespace's
// traffic, after the kernel has reassembled fragments) and keeps one
// entry per source address. Each new destination port weighs 3 below
// 1024 and 1 from 1024 on; at weight 21 (Threshold) the source is
// logged, once, provided no more than 3 s (Delay) passed between its new
// ports. ACK or RST packets to a new port do not count, nor does an ACK
// from a source it has no current entry for. It logs to syslog (facility
// daemon, level alert, tag "scanlogd") one line per scan:
//
//	198.18.0.2:37807 to 198.18.1.2 ports 14, 6, 5, 15, 9, 17, ..., fSrpauxy, TOS 00, TTL 62 @01:41:25
//
// The port list never holds the port that crossed the threshold, always
// ends in "...", and is cut further to keep the line within 120 bytes;
// the source port, TOS and TTL appear only when they stayed the same
// (" and others," follows the target when other addresses were hit).
// More than 5 scans within 20 s and it logs "More possible port scans
// follow" and then nothing until 20 s pass quietly.
//
// The API:
//   - Start runs scanlogd in a network namespace (a live lab's host,
//     netns.Lab.HostNS), Stop ends it and returns its lines and Records.
//   - Replay shows a capture to a real scanlogd in a namespace of its own
//     (netns.BuildReplay), at the capture's pace.
//   - Parse and Format read scanlogd's lines as syslog delivers them, or
//     as a user's /var/log/syslog holds them, into external.Records keyed
//     by "source"; the field names are the man page's (see Fields).
//   - Simulate and Explain follow scanlogd's rules over a capture: the
//     weight each source reaches, its ports, the gaps between them, the
//     packets that did not count and why, and the lines it logs.
//   - Clean ends daemons a killed siglab process left (there should be
//     none; see below), StopAll the running ones of this process.
//
// Ownership and lifetimes: Start owns what it makes until Stop returns:
// a goroutine on a locked OS thread that entered the caller's network
// namespace and unshared a private mount namespace, with a tmpfs on /dev
// (/dev/null and siglab's /dev/log, a datagram socket it reads, so the
// host's syslog never sees the lines) and one on /run (/run/scanlogd/
// empty, where Debian's scanlogd chroots before dropping to user
// scanlogd); and, started from that thread in a PID namespace of its
// own, a shell that is that namespace's init and the daemon it starts.
// The shell has PDEATHSIG SIGKILL from that thread, so if siglab dies
// the kernel kills the shell and with it every process of its PID
// namespace: no daemon outlives siglab. Stop waits until the daemon has
// read what its raw socket holds, sends SIGTERM (SIGKILL 2 s later), ends
// the shell, and lets the thread die, which drops the mount namespace and
// its mounts; nothing was ever created in the host's file systems. The
// caller's namespace handle stays the caller's (keep it open until Stop
// returns). Replay owns its namespace and daemon for the length of the
// call. Parse, Simulate and Explain keep nothing of their input.
//
// Per-OS files: the daemon code is in *_linux.go; elsewhere
// scanlogd_other.go's Start, Replay and Clean return ErrUnsupported
// (which wraps errors.ErrUnsupported), while Parse, Simulate and Explain
// work on every system.
package scanlogd
