package personality

import "time"

// Linux 2.0.35: the FAQ's "exploits plus" target ("Class=truly random",
// "Linux 2.0.35-36"). Truly random ISNs; MSS echoed (Ops=ME) and no RFC
// 1323 options; RFC 793 silence for FIN, Xmas and Null probes to open
// ports (T2 Resp=N); T3's SYN|FIN answered SYN|ACK|FIN; ICMP errors with
// TOS 0xC0 quoting the whole datagram, at most 80 per 4 seconds with a
// quarter-second penalty past that (Phrack 54).
//
// The bogus flag: the task text says 2.0.35 echoes it, and Phrack 54
// says Linux kept it only *before* 2.0.35. The record is what nmap
// matches, all or nothing, and its T1 says Flags=AS: the record wins, so
// echoBogus is off (a pre-2.0.35 personality would turn it on).
//
// Facts the record does not fix: TTL 64, MSS 1460 when the peer sends
// none, window 7FE0 (the record's first).
func init() { registerProfile(&linux2035) }

var linux2035 = profile{
	name: "linux-2.0.35",
	record: `# Linux 2.0.35-36:
# nmap 2.01's nmap-os-fingerprints, verbatim (github.com/dmiller-nmap/nmap,
# commit e86b115c0fecc6c46e4bf758c339d86c16868b62, "Nmap 2.01");
# unchanged in 2.05.
FingerPrint  Linux 2.0.35-36
TSeq(Class=TR)
T1(DF=N%W=7FE0|7FF0|3FE0|3FF0|2200%ACK=S++%Flags=AS%Ops=ME)
T2(Resp=N)
T3(Resp=Y%DF=N%W=7FE0|7FF0|3FE0|3FF0|2200%ACK=S++%Flags=ASF%Ops=ME)
T4(DF=N%W=0%ACK=O%Flags=R%Ops=)
T5(DF=N%W=0%ACK=S++%Flags=AR%Ops=)
T6(DF=N%W=0%ACK=O%Flags=R%Ops=)
T7(DF=N%W=0%ACK=S%Flags=AR%Ops=)
PU(DF=N%TOS=C0%IPLEN=164%RIPTL=148%RID=E%RIPCK=E%UCK=E%ULEN=134%DAT=E)
`,
	ttl: 64, ipidStep: 1, isn: newTrulyRandomISS,
	mss: 1460, tsHz: 100,

	synOpen:    reply{send: true, flags: syn | ack, window: 0x7FE0, seq: seqISN, ack: ackSyn, opts: "ME"},
	synOddOpen: reply{send: true, flags: syn | ack | fin, window: 0x7FE0, seq: seqISN, ack: ackSyn, opts: "ME"},
	ackOpen:    reply{send: true, flags: rst, ack: ackZero},

	synClosed:   reply{send: true, flags: rst | ack, ack: ackSyn},
	ackClosed:   reply{send: true, flags: rst, ack: ackZero},
	otherClosed: reply{send: true, flags: rst | ack, ack: ackSyn},

	unreach:   quoting{tos: 0xC0, quoteData: quoteAll},
	icmpLimit: rateLimit{n: 80, per: 4 * time.Second, penalty: time.Second / 4},
}
