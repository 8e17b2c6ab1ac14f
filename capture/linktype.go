package capture

// LinkType is a pcap link-layer header type (LINKTYPE_* in the tcpdump
// registry), as written in pcap file headers and pcapng interface
// blocks. The values match gopacket's layers.LinkType, so files read
// either way agree; capture keeps its own type so that a command that
// only reads or writes files does not link gopacket's layers package,
// whose init took ~20 ms of every siglab invocation (#19).
type LinkType uint16

// The link types siglab reads and writes.
const (
	LinkTypeNull     LinkType = 0   // BSD loopback, host byte order family
	LinkTypeEthernet LinkType = 1   // Ethernet II
	LinkTypeRaw      LinkType = 101 // raw IP, version from the first nibble
	LinkTypeLoop     LinkType = 108 // OpenBSD loopback, network byte order
	LinkTypeLinuxSLL LinkType = 113 // Linux cooked capture
	LinkTypeIPv4     LinkType = 228 // raw IPv4
	LinkTypeIPv6     LinkType = 229 // raw IPv6
)

// linkTypeRawOpenBSD is LINKTYPE_RAW as OpenBSD numbers it (DLT_RAW 12).
const linkTypeRawOpenBSD LinkType = 12
