// Package netns builds and tears down siglab's live test networks: Linux
// network namespaces joined by veth pairs, a TUN device for the generator
// and real TCP listeners on the targets. With its leaf netns/nsthread it
// is the only package of siglab that imports vishvananda/netns and
// vishvananda/netlink; everyone else gets namespaces as [nsthread.Handle]
// and enters them with [nsthread.Do].
//
// Topology of one [Lab] (ID "<pid>-<seq>"):
//
//	generator ──TUN siglab-tun0── scan ns ──veth up0/dn0── sens ns ──veth h<i>/eth0── h<i> ns
//	(Scanner address,            198.18.0.1    198.19.0.1/30  198.19.0.2/30  gateway    host Addr/24
//	 e.g. 198.18.0.2)
//
// The scanner address lives behind the TUN: the generator is the scanner,
// the scan namespace's kernel only forwards. The sensor namespace is a
// router on the path; every scanner<->target packet crosses siglab-dn0,
// where the sensor captures. Addresses are all in 198.18.0.0/15; hosts
// may not use 198.18.0.0/24 (the scanner side, routed into the TUN as a
// whole so that replies to decoy sources come back to the generator) nor
// 198.19.0.0/16 (lab infrastructure). The sensor drops packets for lab
// addresses that no host owns (blackhole route), so absent hosts are
// silent as on a filtered network.
//
// IPv6: the veths (siglab-up0/dn0, the sensor's host links and the
// kernel hosts' siglab-eth0) carry IPv6 too, from RFC 5180's
// benchmarking block 2001:2::/48 (labnet.Range6), each address
// labnet.IPv6 of the IPv4 one (the IPv4 address in the last 32 bits of
// 2001:2::/96):
//
//	scan ns  siglab-up0   2001:2::c613:1/126   route 2001:2::/48 via 2001:2::c613:2
//	sens ns  siglab-dn0   2001:2::c613:2/126   blackhole 2001:2::/48
//	sens ns  siglab-h<i>  fe80::1/64           route <host6>/128 dev siglab-h<i>
//	h<i> ns  siglab-eth0  <host6>/128          route 2001:2::/48 via fe80::1
//
// e.g. host 198.18.1.2 is 2001:2::c612:102. As on the IPv4 side, the
// lab routes its own block and nothing else: there is no IPv6 default
// route in any namespace, so a tool run in the scan namespace cannot
// reach any other IPv6 address (ENETUNREACH, nothing sent), and the
// sensor drops lab addresses no host owns. Nothing configures itself:
// accept_ra, autoconf, accept_dad and router_solicitations are 0 on
// those links, addresses are added with IFA_F_NODAD (usable at once),
// and the scan and sensor namespaces drop the MLD reports their kernels
// would send (quietMLD), so a capture holds IPv6 only when something in
// the lab speaks it (then also the neighbour discovery it takes, to
// link-local and ff02:: multicast addresses). Every other link, the
// generator's TUN and the personas' TUNs included, keeps IPv6 off
// (disable_ipv6 stays 1 by default in every namespace): the generator
// and the emulated stacks are IPv4 only, and an emulated host's derived
// IPv6 address is silently dropped by the sensor. The exception is a
// persona whose stack speaks IPv6 (personality.Stack6, the idle-scan
// zombie windows-2003-ipv6): its TUN gets IPv6 (ipv6On, no address) and
// the sensor routes its derived /128 into it too. A host's open ports
// listen on both addresses; its firewall is one inet table, so filtered
// ports drop IPv6 too and prohibited ones answer ICMPv6 destination
// unreachable code 1. On a kernel without IPv6 the lab is IPv4 only
// (Lab.IPv6 reports false).
//
// Fidelity: IPv6 is off on the TUNs (no router solicitations there or
// in captures), reverse-path filtering is off (spoofed and decoy
// sources pass), transmit checksum offload is off on the veths whose
// kernels originate TCP (so captures hold correct checksums and
// MTU-sized segments, as a real wire would), and Build returns only once
// every link forwards (a veth end is usable a moment after it reports
// up; a SYN sent in that moment used to stall for a second) and every
// IPv6 address that neighbours ask for answers their solicitations (its
// solicited-node group is joined from a kernel work queue after the
// address is added: solicit_linux.go). Captured TTLs are the senders'
// minus CaptureHops.
//
// Ownership and lifetimes:
//   - Build returns a Lab that owns its namespaces (pinned by bind mounts
//     under /run/netns so that `ip netns exec` works, after making
//     /run/netns a shared mount of its own as iproute2 does, so that a
//     later `ip netns add` covers no pin), their handles, the TUN file
//     and the listener goroutines. Lab.Close releases all of it and may
//     be called any number of times from any goroutine; it removes pins
//     that another mount covers too (pins_linux.go).
//   - Lab.TUN's file belongs to the Lab: the generator reads and writes it
//     but never closes it.
//   - NsHandles returned by accessors stay valid until Close; callers must
//     not close them.
//   - A persistent lab (`siglab lab up`) hands its TUN over with
//     Lab.Detach: the device becomes persistent and the Lab keeps no file
//     of it; AttachTUN opens it from another process (one at a time) and
//     that caller closes its file; Close deletes the device. The owning
//     process describes the lab in StateDir/<id>.json (WriteState) for as
//     long as the lab is up; Down and CleanLab end it from outside.
//   - A lab's directory, LabDir(id) under StateDir/labs (labdir.go),
//     holds what a persistent lab keeps beside its state file: a detached
//     lab's log and an exercise's record. The lab's process removes it
//     before its state file; CleanLabDirs removes those of processes that
//     are gone, and the start logs of `lab up --detach` (".start-<pid>.log",
//     moved into LabDir once the background process knows its ID) whose
//     starter is gone.
//   - OpenLabNS opens a running lab's pinned namespace by name for
//     another process (`lab watch` captures in the sensor's); ExecIn
//     replaces the calling process with a program inside one (`lab
//     shell`), entering it from the calling thread, as `ip netns exec`
//     does.
//   - Every open Lab is in a process-wide registry so that CloseAll (the
//     CLI's signal handler) can remove them; Clean removes what a killed
//     process left behind: pins found in the mount table as well as in
//     /run/netns (covered or hidden ones too), persistent TUNs, the
//     siglab links and nftables table of namespaces that lost their pins
//     while processes stay in them, lab up processes (proved by their
//     state files) whose lab is gone, and stale state files. It signals
//     no other process and touches nothing of a live lab's.
//
// Threads: setns(2) acts on one OS thread. Do runs a function on a fresh
// locked thread inside a namespace and throws that thread away if it
// cannot switch back, so no other goroutine ever runs inside a lab
// namespace by accident. Sockets, TUN files and netlink handles keep the
// namespace they were created in and may be used from any goroutine.
// Build makes a lab's namespaces side by side, each from a goroutine and
// thread of its own (namespaces_linux.go), then links them from the
// calling goroutine; every namespace made is on the Lab before Build
// looks at errors, so Close removes it whichever one failed.
//
// Per-OS files: the live code lives in *_linux.go; the spec checks, the
// state files, the names and the errors are shared, and elsewhere
// netns_other.go's stubs (Build after checking the spec, AttachTUN,
// Clean, Down, CleanLab, a Lab's methods) return ErrUnsupported, which
// wraps errors.ErrUnsupported, so offline siglab builds on every system.
package netns
