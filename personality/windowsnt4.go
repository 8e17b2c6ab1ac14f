package personality

// Windows NT 4.0 (the record covers NT4, 95 and 98, whose stacks nmap
// 2.0x could not tell apart): the time-dependent class. Phrack 54:
// "Windows boxes ... use a 'time dependent' model where the ISN is
// incremented by a small fixed amount each time period", and MS Windows
// answers FIN probes to open ports with a RST (T2 Resp=Y), against RFC
// 793. Its resets acknowledge a FIN (T7 S++, and a FIN probe to an open
// port is answered seq+1 likewise); its SYN/ACKs, and only those, carry
// DF.
//
// The ISN is a millisecond clock, so the gcd nmap finds is the spacing of
// its samples in milliseconds, or 1 when the spacing wanders: the
// record's gcd list (1-5, A, 14, 1E, 28, 5A) reads like exactly that.
// Sample spacings of a whole 6-9 ms would give a gcd the record does not
// list; nmap 2.02's 5 ms + RTT spacing does not. Facts the record does
// not fix: TTL 128, MSS 1460, window 2017 (the record's first), IP ID
// counting in host byte order (steps of 256 on the wire).
func init() { registerProfile(&windowsNT4) }

var windowsNT4 = profile{
	name: "windows-nt4",
	record: `# Windows NT 4.0 / 95 / 98 (time-dependent ISN class):
# nmap 2.01's nmap-os-fingerprints, verbatim (github.com/dmiller-nmap/nmap,
# commit e86b115c0fecc6c46e4bf758c339d86c16868b62, "Nmap 2.01").
FingerPrint Windows NT4 / Win95 / Win98
TSeq(Class=TD|RI%gcd=1|2|3|4|5|A|14|1E|28|5A%SI=<1F4)
T1(DF=Y%W=2017|16D0%ACK=S++%Flags=AS%Ops=M)
T2(Resp=Y%DF=N%W=0%ACK=S%Flags=AR%Ops=)
T3(Resp=Y%DF=Y%W=2017|16D0%ACK=S++%Flags=AS%Ops=M)
T4(DF=N%W=0%ACK=S++|O%Flags=R%Ops=)
T5(DF=N%W=0%ACK=S++%Flags=AR%Ops=)
T6(DF=N%W=0%ACK=S++|O%Flags=R%Ops=)
T7(DF=N%W=0%ACK=S++%Flags=AR%Ops=)
PU(DF=N%TOS=0%IPLEN=38%RIPTL=148%RID=E%RIPCK=E%UCK=E%ULEN=134%DAT=E)
`,
	ttl: 128, ipidStep: 256, isn: newClockISS,
	mss: 1460, tsHz: 10,

	synOpen:    reply{send: true, flags: syn | ack, window: 0x2017, df: true, seq: seqISN, ack: ackSyn, opts: "M"},
	synOddOpen: reply{send: true, flags: syn | ack, window: 0x2017, df: true, seq: seqISN, ack: ackSyn, opts: "M"},
	noAckOpen:  reply{send: true, flags: rst | ack, ack: ackSynFin},
	ackOpen:    reply{send: true, flags: rst, ack: ackZero},

	synClosed:   reply{send: true, flags: rst | ack, ack: ackSynFin},
	ackClosed:   reply{send: true, flags: rst, ack: ackZero},
	otherClosed: reply{send: true, flags: rst | ack, ack: ackSynFin},

	unreach: quoting{quoteData: 8},
}
