// Package personality emulates the TCP/IP stacks of historic hosts in user
// space, so that nmap 2.02's probes meet the answers the 1998-99 Internet
// gave: IRIX 6.2 with 64K-rule ISNs, Linux 2.0.35 with truly random ones,
// and one real system for each of the other sequence classes nmap 2.0x
// knew (constant, i800, time dependent, random increments). "kernel" is
// today's Linux, the stack of the live lab's real namespaces, so that an
// offline run answers as a live one does.
//
// A personality is data: a profile (profile.go) lists the facts that
// nmap's first-generation fingerprint reads (window, DF, flags and ACK
// value per test, TCP option order, RST rules, ISN generator, how ICMP
// errors quote the offending datagram) and the shared machinery in
// stack.go, tcp.go and quote.go turns them into packets. Each personality
// lives in one file holding its profile and the fingerprint record it
// answers to (with where that record comes from); adding one is writing
// that file. The record is nmap 2.01's own, quoted from the fingerprint
// file siglab ships (generator/fingerprint), and the tests check the
// stack against it attribute by attribute and check that nmap's match
// names that record and no other of the file's 120.
//
// Ownership and lifetime: New returns a Stack owned by its caller (today
// simnet's Network, later a TUN pump in the live lab) for the
// life of one test network. A Stack is not safe for concurrent use; its
// owner calls Answer from one goroutine and passes the time the packet
// arrived (the virtual clock offline), which drives time-dependent ISNs,
// timestamps and ICMP rate limits. A Stack holds no OS resources and needs
// no privileges. It only ever answers packets addressed to it from lab
// addresses (198.18.0.0/15), so whatever carries its replies can never
// send one outside the lab.
package personality
