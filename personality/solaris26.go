package personality

// Solaris 2.6: random positive increments (tcp_strong_iss=1, the 2.6
// default; Phrack 54 lists "newer versions of Solaris" in that class).
// DF on everything it sends; RFC 1323 options in its own order with the
// MSS echoed (Phrack 54 quotes the NNTNWME); silence for SYN|FIN|URG|PSH
// and for FIN, Xmas and Null to open ports; port unreachables quoting 64
// bytes past the IP header ("Solaris sends back a bit more": IPLEN 70).
//
// Increments are drawn uniformly from 1..128K: the record fixes the class
// (RI, gcd < 6), not the distribution. About one run in 5000 draws five
// gaps with a common divisor of 6 or more. Facts the record does not fix:
// TTL 255, MSS 1460 when the peer sends none, window 2297 (the record's
// first).
func init() { registerProfile(&solaris26) }

var solaris26 = profile{
	name: "solaris-2.6",
	record: `# Solaris 2.6 - 2.7 (random-increments ISN class):
# nmap 2.01's nmap-os-fingerprints, verbatim (github.com/dmiller-nmap/nmap,
# commit e86b115c0fecc6c46e4bf758c339d86c16868b62, "Nmap 2.01").
FingerPrint  Solaris 2.6 - 2.7
TSeq(Class=RI%gcd=<6)
T1(DF=Y%W=2297%ACK=S++%Flags=AS%Ops=NNTNWME)
T2(Resp=N)
T3(Resp=N)
T4(DF=Y%W=0%ACK=O%Flags=R%Ops=)
T5(DF=Y%W=0%ACK=S++%Flags=AR%Ops=)
T6(DF=Y%W=0%ACK=O%Flags=R%Ops=)
T7(DF=Y%W=0%ACK=S%Flags=AR%Ops=)
PU(DF=Y%TOS=0%IPLEN=70%RIPTL=148%RID=E%RIPCK=E%UCK=E%ULEN=134%DAT=E)
`,
	ttl: 255, ipidStep: 1, isn: newRandomISS(1 << 17),
	mss: 1460, tsHz: 100,

	synOpen: reply{send: true, flags: syn | ack, window: 0x2297, df: true, seq: seqISN, ack: ackSyn, opts: "NNTNWME"},
	ackOpen: reply{send: true, flags: rst, df: true, ack: ackZero},

	synClosed:   reply{send: true, flags: rst | ack, df: true, ack: ackSyn},
	ackClosed:   reply{send: true, flags: rst, df: true, ack: ackZero},
	otherClosed: reply{send: true, flags: rst | ack, df: true, ack: ackSyn},

	unreach: quoting{df: true, quoteData: 64},
}
