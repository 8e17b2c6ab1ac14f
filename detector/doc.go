// Package detector is siglab's reference detector: it reads IPv4 and IPv6
// packets in
// capture order and turns what each source did into findings labelled with
// the product's vocabulary, each with the evidence an analyst would write
// down:
//
//   - port scans: scan.tcp-syn, scan.tcp-connect, scan.tcp-fin,
//     scan.tcp-xmas, scan.tcp-null, scan.tcp-ack, scan.udp, and
//     scan.ftp-bounce (read from the FTP control connection's PORT
//     commands and the server's replies);
//   - today's other scan types (scantypes.go, ipproto.go, sctp.go):
//     scan.tcp-maimon (FIN|ACK), scan.tcp-custom (--scanflags, attr
//     flags), scan.ip-protocol (-sO), scan.sctp-init (-sY) and
//     scan.sctp-cookie (-sZ); scan.tcp-window is reserved, as -sW's
//     probes are -sA's (scan.tcp-ack says what the RSTs' windows read);
//   - host discovery: sweep.icmp-echo, sweep.tcp-ack;
//   - host discovery of today and horizontal scans (hostsweep.go):
//     sweep.tcp-syn, sweep.udp, sweep.icmp-timestamp, sweep.icmp-netmask,
//     sweep.sctp-init, sweep.ip-protocol (nmap -PS -PU -PP -PM -PY -PO;
//     zmap or masscan -p80 over a range; a scan of many ports across
//     many hosts is scan.tcp-syn and sweep.tcp-syn), with attrs targets
//     and ports (protocols for -PO);
//   - OS detection: osdetect, one finding per target, with attrs
//     generation (nmap-1: nmap 2.0x's T1-T7+PU; nmap-2: today's battery),
//     outcome (fingerprinted, no-open-port, retried) and attempts; and
//     seqprobe (runs of SYNs with consecutive ISNs to one port);
//   - evasion: evasion.fragment (tiny first fragments, rebuilt to read
//     the probe inside), evasion.decoy (the same probes from several
//     sources; attr real_source when one alone answers SYN/ACKs);
//   - idle scans: scan.idle (nmap -sI, idle.go), the SYN/ACK probes of a
//     zombie's IP ID (over IPv6 its Fragment-header identification)
//     paired with the SYNs spoofed from it in between,
//     reported under the real scanner with attrs zombie and real_source;
//     the zombie's address gets no scan.tcp-syn (nor tool label) for those
//     SYNs, which it never sent: when no prober is on the wire they stay a
//     SYN scan from it, as nothing tells them apart;
//   - campaigns (campaign.go), the FAQ's shapes across probes and
//     processes: campaign.random-scan (one process, one sport and ISN,
//     scattered ports in shuffled order, then OS detection),
//     campaign.exploits-plus (several processes, each its own sport and
//     ISN, at much-exploited ports, ending in OS detection) and
//     campaign.sweep-then-scan (a scan of sweep responders that starts
//     before the sweep ends);
//   - service probing: service.version-probe (nmap -sV's probes by
//     their names in nmap-service-probes, matched on each connection's
//     first segment, and the NULL probe's silent wait) and
//     service.script (NSE's User-Agent and requests naming a script);
//   - tools: tool.nmap-2.0x, tool.nmap-modern, tool.other (attr name:
//     masscan, zmap, hping3, unicornscan, or unknown with attr features,
//     the fixed non-OS fields seen), each from the features its packet
//     builder keeps constant or varies. The rules are written so that
//     today's nmap never passes for nmap 2.0x (it sends MSS on SYNs, a
//     random seq on FIN probes, a new TTL per packet), nor the reverse;
//   - small scans (smallscan.go): SYNs to one to four ports of one host
//     are a scan.tcp-syn, with the tool label, when every probe carries
//     a known scanner's template and the source completed no handshake.
//
// # IPv6
//
// Every label reads IPv6 as it reads IPv4 (decode6.go): addresses are
// ipAddr, 16 bytes with IPv4 stored IPv4-mapped (addr.go), printed as
// the dotted quad for IPv4 and in RFC 5952 form for IPv6; up to 8
// extension headers are walked to the transport header (AH and ESP end
// the walk); fragment headers go to the IPv4 fragments' table, keyed by
// their 32-bit identification, so evasion.fragment holds on IPv6; the
// hop limit is the TTL, the traffic class the TOS, and lengths read as
// IPv4's (20 plus what follows the fixed header). ICMPv6 echo and
// destination unreachable are read as their ICMP counterparts (port
// unreachable closed, administratively prohibited filtered), parameter
// problem's unrecognised next header as protocol unreachable; neighbour
// discovery, MLD and router messages are passed over, as ARP is, so an
// on-link ND sweep is not seen. IPv6 has no IP ID: the IP ID templates
// do not apply to it (the idle scan reads the zombie's Fragment-header
// identifications instead, idle.go), and nmap 2.0x, IPv4 only, is never
// named on it. Today's nmap over IPv6 sends hop limit 255 instead of a
// new TTL per packet and no timestamp requests (modern6.go reads those
// instead). No rule reads an address prefix: sweeps count addresses, on
// IPv6 as on IPv4.
//
// # Sweeps and monitoring: the thresholds
//
// A probe to one host is not a sweep; the same probe to many is. A
// sweep needs Config.MinSweepHosts (default 5) distinct addresses probed
// the same way with what ordinary clients never send to fresh hosts: one
// ICMP query type, ACKs to one port, another IP protocol. SYNs, UDP
// datagrams and SCTP INITs, which clients do send, need
// Config.MinPortSweepHosts (default 8) addresses on one port, each port
// on its own: a scan of 150 ports of 5 hosts stays a port scan, ports
// 20-30 of a /28 are a port scan and a sweep. Only addresses probed at
// most Config.MaxSweepProbes times one way (default 4: a try and its
// retransmissions; nmap sends one or two, two payloads each to UDP 53
// and 161, zmap and masscan one) count. That is the line between a
// sweep and a monitoring system: a monitor pinging ten hosts every
// second, or connecting to port 22 of each every minute, comes back to
// the same hosts again and again, and from its fifth round on none of
// them counts. A monitor seen for fewer rounds than that, over enough
// hosts, looks like a sweep and is reported as one: the wire cannot tell
// them apart yet; nor can Expire, which forgets a source quiet for its
// idle time: give it an idle time longer than the monitors' interval,
// or each of their rounds starts afresh. Conversations never count: a
// SYN whose connection carried data or a FIN (a browser, a mail server,
// a monitor's connect check), a UDP request with payload that got a
// datagram back (a resolver asking its servers).
//
// # Ownership and lifetimes
//
// A Detector owns all of its state. It is not safe for concurrent use: one
// goroutine feeds it with Packet, in capture order, and may call Findings
// or Stats at any point between packets. Packet never retains the slice it
// is given; it copies the few header fields it needs (a fragment's first
// bytes go to a fixed table), so the caller may reuse its read buffer at
// once. Findings returns fresh values the caller owns and changes no
// state.
//
// Live callers use Expire instead of Findings: it returns the findings
// of sources quiet long enough and forgets them (see "Slow scans"). Output: WriteText,
// WriteJSONLines, and WriteEVE (Suricata eve.json alerts; each label's
// signature_id, 9000001.., is fixed in labels.go and never reused).
//
// # State and its bounds
//
// State is kept per source address, created only when the source sends a
// packet that can be a probe: a bare SYN, a FIN/Xmas/Null probe, an ACK,
// FIN|ACK or other flag set that belongs to no connection the detector
// knows, a UDP datagram that answers nobody, an ICMP echo, timestamp or
// address mask request, an SCTP INIT or COOKIE ECHO, a packet of another
// IP protocol, or an OS-detection probe. A host that merely answers never
// gets any. Per source:
//   - a flow table records for each (target, port, technique) the first
//     probe as sent (flags, seq, ack, sport, window, TTL, IP ID and length,
//     option class, payload length), how many probes went there, and what
//     came back (SYN/ACK, RST, ICMP unreachable, a reply), then what the
//     source did with a connection (reset half-open, completed and reset,
//     sent data or FIN);
//   - OS-detection probes (recognised by their option lists) go to a list
//     of attempts instead, at most 32, so that T2 (no flags) or T4 (ACK)
//     are never taken for a Null or ACK scan;
//   - a sequence-run tracker keeps the current run of consecutive-ISN SYNs
//     and at most 8 finished runs (allocated with the first);
//   - at most 16 decoy peers (room for two allocated with the first,
//     grown on demand), fragment counters, and FTP bounce state;
//   - service probing (allocated when the source first completes a
//     handshake): the last 8 connections that have sent nothing yet
//     (where each one's first segment will start), and for at most 32
//     ports the set of nmap's service probes and scripts whose bytes
//     started a connection there (svcprobe.go); no payload is kept.
//
// The flow table stores flows in chunks that are never copied as it
// grows (a full-range scan reaches 65535 flows) and finds them through
// an open-addressing index (flowindex.go); a recycled source keeps its
// small allocations, so a flood of spoofed sources allocates nothing
// once the cap is reached. Classification runs in linear time on such
// tables: value counts in a reused open-addressing tally (tally.go),
// a radix sort by target and port (flowsort.go), sets of flows and
// ports as bitmaps (sets.go).
//
// Sources are capped at Config.MaxSources with least-recently-seen
// eviction, flows at Config.MaxFlowsPerSource per source and
// Config.MaxFlows overall, so a flood of spoofed sources or ports cannot
// exhaust memory. Eviction takes sources with at most one flow first
// (the probation list); sources with two flows or more (the protected
// list) only while they fill more than three quarters of MaxSources.
// Detector-wide, a 256-slot table rebuilds fragments, a 4096-slot table
// remembers recent probes for decoy pairing, and a ghost table keeps
// the one flow of the last 32768 evicted one-flow sources (ghost.go: a
// ring found through 8192 sets of 4 and a 32 kB filter, about 4 MB,
// allocated with the first such eviction); all overwrite on collision.
// An idle-scan table of 128 entries (32 sets of 4 by zombie address,
// allocated with the first unasked-for SYN/ACK) follows idle scans; an
// entry reading an idle scan in progress is not overwritten for a minute.
// An evicted source's state, and the findings it would have given, are
// gone, but for a ghost flow its address may claim back with its next
// probe; Stats counts evictions and lost fragments.
//
// # Slow scans
//
// No threshold is a rate: a scan of a hundred ports at nmap -T0 (one
// probe every 5 minutes, more than 8 hours) counts its ports as a fast
// one does, as long as the source's state lasts between probes (slow.go):
//   - Findings forgets nothing by time. Between two probes a slow
//     scanner sits at the quiet end of its recency list; from its second
//     flow on it is protected from floods of one-packet sources, and
//     before that its first flow survives eviction as a ghost, through
//     thousands of other evictions (a ghost is pushed out by the fourth
//     later ghost in its set: 5000 later evictions spare it with odds
//     above 99%, 32768 with odds of about 2 in 5).
//   - Expire lets a quiet source with findings go after the longer of
//     its idle and four times the source's longest gap between new
//     probes, at most Config.SlowHorizon (default 6 h); a source with
//     nothing to report yet, or fewer than two flows, after SlowHorizon,
//     as its scan may have only begun. That is the
//     horizon: probes up to SlowHorizon apart make one finding, reported
//     once after the scan ends; longer gaps cut the scan into pieces that
//     may each fall below the thresholds. Held sources count against the
//     caps like any other: the horizon bounds time, not memory.
//
// Port scan and sweep findings whose new probes came a median of a second
// or more apart (slower than any nmap template down to -T2) carry attrs
// median_gap and span (Go durations) and an evidence line "N probes over
// 3 h 12 min, one every 5 min".
//
// # Adding a technique
//
// Per-packet tracking (tcp.go, udpicmp.go, osprobe.go, seqrun.go,
// decoy.go, ftp.go, frag.go) is separate from classification (analyze.go
// and one file per label family). A new label adds, where it needs new
// facts, a probe kind or a field to source with its tracking hook, and an
// analyzer to the analyzers list; analyzers run in order on one source and
// may build on an earlier analyzer's result, as the tool labels build on
// the techniques.
package detector
