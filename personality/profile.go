package personality

import (
	"math/rand/v2"
	"time"

	"github.com/siglab/siglab/labnet"
)

// A profile is everything one historic stack does differently from the
// others, in the terms of nmap 2.0x's first-generation fingerprint: each
// reply field below is what one of the tests T1..T7 and PU reads.
type profile struct {
	name string
	// record is the fingerprint record (nmap-os-fingerprints syntax, with
	// a comment line naming its source) the stack answers to.
	record string

	ttl uint8
	// ipidStep is added to the IP ID counter per packet sent (256 for
	// stacks that kept the counter in host byte order on little-endian
	// hardware).
	ipidStep uint16
	// isn makes the initial-sequence-number generator (TSeq's class).
	isn func(r *rand.Rand) isnGen

	// mss is the MSS the stack announces when it does not echo the
	// peer's; "E" after "M" in an option string means it echoes.
	mss    uint16
	wscale uint8
	// tsHz is the rate of the timestamp clock (TSval).
	tsHz uint32
	// echoBogus: the reserved bit 0x40 of a SYN comes back on the SYN/ACK
	// (Linux before 2.0.35; "B" in T1's Flags).
	echoBogus bool

	// Open ports: a SYN (T1, and every SYN-scan and TSeq probe), a SYN
	// with FIN/URG/PSH (T3), a segment with neither SYN nor ACK (T2 and
	// the FIN, Xmas and Null scans; RFC 793 says silence), an ACK that
	// belongs to no connection (T4).
	synOpen, synOddOpen, noAckOpen, ackOpen reply
	// Closed ports: a SYN (T5), an ACK (T6), anything else (T7 and the
	// FIN, Xmas and Null scans).
	synClosed, ackClosed, otherClosed reply

	// unreach is how ICMP errors (port unreachable: PU) are built.
	unreach quoting
	// icmpLimit rate-limits ICMP errors; zero means no limit.
	icmpLimit rateLimit
}

// reply says whether and how a stack answers one kind of TCP segment.
// The zero reply is silence.
type reply struct {
	send   bool
	flags  uint8
	window uint16
	df     bool
	seq    seqRule
	ack    ackRule
	// opts lists the reply's TCP options in nmap's letters (M, E, N, W,
	// T, L; see options.go).
	opts string
}

// seqRule picks the reply's sequence number.
type seqRule uint8

const (
	// seqRFC is RFC 793's RST rule: the probe's ACK field when it has
	// the ACK flag, else zero.
	seqRFC seqRule = iota
	// seqISN takes a fresh initial sequence number: the stack opens a
	// connection.
	seqISN
)

// ackRule picks the reply's acknowledgement number, relative to the
// probe's sequence number; nmap reads it as S (equal), S++ (one more) or
// O (other).
type ackRule uint8

const (
	// ackZero leaves the field zero (O): BSD-style bare RSTs.
	ackZero ackRule = iota
	// ackSyn acknowledges the data and the SYN but not a FIN, as most
	// stacks do when they reset (T7 "S").
	ackSyn
	// ackSynFin acknowledges data, SYN and FIN, as RFC 793 counts them
	// (Windows' T7 "S++"; BSD's T3 "O", where SYN and FIN make seq+2).
	ackSynFin
)

// quoting says how a stack builds an ICMP error around the datagram that
// caused it: the fields of nmap's PU test.
type quoting struct {
	tos uint8 // TOS of the ICMP message (Linux: 0xC0)
	df  bool  // DF on the ICMP message (and on echo replies)
	// quoteData is how many bytes past the offending datagram's IP
	// header are quoted with it: RFC 792's 8 (IPLEN 38), Solaris' 64
	// (IPLEN 70), or quoteAll: the whole datagram, within 576 bytes in all
	// (Linux: IPLEN 164).
	quoteData int
	// ripTLDelta is added to the quoted IP total length (RIPTL; AIX and
	// BSDI add 20).
	ripTLDelta int
	rid        idMangle   // RID: the quoted IP ID
	ripck      sumMangle  // RIPCK: the quoted IP header checksum
	uck        sumMangle  // UCK: the quoted UDP checksum
	ulenDelta  int        // added to the quoted UDP length (ULEN)
	dat        dataMangle // DAT: the quoted payload
}

// quoteAll quotes as much of the datagram as fits in 576 bytes.
const quoteAll = -1

// idMangle is what happened to the quoted IP ID.
type idMangle uint8

const (
	idKeep idMangle = iota // RID=E
	idZero                 // RID=0
	// idSwap leaves it in host byte order (RID=F): BSD stacks turned the
	// ID around on input and never back.
	idSwap
)

// sumMangle is what happened to a quoted checksum.
type sumMangle uint8

const (
	// sumKeep leaves it as received: valid unless other fields changed.
	sumKeep sumMangle = iota
	// sumZero: the field reads zero. BSD's ip_input stored its checksum
	// verification (zero for a good header) into ip_sum; udp_input did
	// the same with uh_sum.
	sumZero
	// sumRecompute makes it valid for the quoted header as it now is.
	sumRecompute
	// sumBroken makes it wrong.
	sumBroken
)

// dataMangle is what happened to the quoted payload.
type dataMangle uint8

const (
	datKeep  dataMangle = iota // DAT=E
	datClear                   // quoted payload bytes zeroed: DAT=F
)

// rateLimit allows n ICMP errors per period; past that it drops them
// for penalty (Linux 2.0: 80 per 4 s, then a quarter second off).
type rateLimit struct {
	n       int
	per     time.Duration
	penalty time.Duration
}

// profiles holds the historic personalities by name.
var profiles = map[string]*profile{}

// registerProfile makes p available to New under its name.
func registerProfile(p *profile) {
	profiles[p.name] = p
	register(p.name, func(h labnet.Host, seed uint64) Stack { return newStack(p, h, seed) })
}
