package personality

// IRIX 6.2: the FAQ's figure 3 target ("Class=64K rule", "IRIX 6.2 -
// 6.5"). A 4.4BSD-derived stack: 64K-rule ISNs, RFC 1323 options, and
// (Phrack 54) a RST for FIN probes to open ports, which T2 records as
// Resp=Y. T3's lone ACK is BSD's tcp_input taking SYN and FIN in LISTEN:
// the FIN moves the socket to CLOSE_WAIT before anything is sent, so the
// SYN never goes out and the ACK covers both (seq+2: "O").
//
// Facts the record does not fix, chosen here: TTL 60 and MSS 1460 (p0f
// v2's IRIX entries), window EF2A (the record's first).
func init() { registerProfile(&irix62) }

var irix62 = profile{
	name: "irix-6.2",
	record: `# IRIX 6.2 - 6.5:
# nmap 2.01's nmap-os-fingerprints, verbatim (github.com/dmiller-nmap/nmap,
# commit e86b115c0fecc6c46e4bf758c339d86c16868b62, "Nmap 2.01");
# unchanged in 2.05.
FingerPrint  IRIX 6.2 - 6.5  # Thanks to  Lamont Granquist
TSeq(Class=TD|64K|RI%gcd=<6|3E8|7D0|BB8|FA0)
T1(DF=N%W=EF2A|C000%ACK=S++%Flags=AS%Ops=MNWNNT)
T2(Resp=Y%DF=N%W=0%ACK=S%Flags=AR%Ops=)
T3(Resp=Y%DF=N%W=EF2A|C000%ACK=O%Flags=A%Ops=NNT)
T4(DF=N%W=0%ACK=O%Flags=R%Ops=)
T5(DF=N%W=0%ACK=S++%Flags=AR%Ops=)
T6(DF=N%W=0%ACK=O%Flags=R%Ops=)
T7(DF=N%W=0%ACK=S%Flags=AR%Ops=)
PU(DF=N%TOS=0%IPLEN=38%RIPTL=148%RID=E%RIPCK=E%UCK=E%ULEN=134%DAT=E)
`,
	ttl: 60, ipidStep: 1, isn: newBSDISS(64000),
	mss: 1460, tsHz: 2,

	synOpen:    reply{send: true, flags: syn | ack, window: 0xEF2A, seq: seqISN, ack: ackSyn, opts: "MNWNNT"},
	synOddOpen: reply{send: true, flags: ack, window: 0xEF2A, seq: seqISN, ack: ackSynFin, opts: "NNT"},
	noAckOpen:  reply{send: true, flags: rst | ack, ack: ackSyn},
	ackOpen:    reply{send: true, flags: rst, ack: ackZero},

	synClosed:   reply{send: true, flags: rst | ack, ack: ackSyn},
	ackClosed:   reply{send: true, flags: rst, ack: ackZero},
	otherClosed: reply{send: true, flags: rst | ack, ack: ackSyn},

	unreach: quoting{quoteData: 8},
}
