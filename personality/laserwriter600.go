package personality

// Apple Color LaserWriter 600: the constant class. Phrack 54 names Apple
// LaserWriters as the hosts that "ALWAYS use the exact same ISN" and
// gives theirs, 0xC7001; the record below (contributed by Pluvius, who
// Phrack 54 thanks among the 1998 beta testers) notes the counter does
// creep, but too slowly for nmap's six samples to see. A quirky embedded
// stack: a SYN to a closed port gets no answer at all (T5 Resp=N), so a
// SYN scan sees its closed ports as filtered; resets to ACKs carry a
// window of 0x800; FIN|PSH|URG to a closed port is acknowledged with the
// FIN counted (S++).
//
// The record is the first of the two "Apple Color LaserWrite 600
// Printer" entries (its name's typo is nmap's). Facts it
// does not fix: TTL 64, MSS 1460.
func init() { registerProfile(&laserwriter600) }

var laserwriter600 = profile{
	name: "laserwriter-600",
	record: `# Apple Color LaserWriter 600 (constant ISN class): the first of the
# two records of that name in nmap 2.01's nmap-os-fingerprints, verbatim
# (github.com/dmiller-nmap/nmap, commit
# e86b115c0fecc6c46e4bf758c339d86c16868b62, "Nmap 2.01").
# The file's comment above it: "Actually it is not constant seq class --
# it just seems that way because it takes so long to increment".
FingerPrint  Apple Color LaserWrite 600 Printer # Thanks to Pluvius
TSeq(Class=C)
T1(DF=N%W=A28%ACK=S++%Flags=AS%Ops=M)
T2(Resp=N)
T3(Resp=Y%DF=N%W=A28%ACK=S++%Flags=AS%Ops=M)
T4(DF=N%W=800%ACK=O%Flags=R%Ops=)
T5(Resp=N)
T6(DF=N%W=800%ACK=O%Flags=R%Ops=)
T7(DF=N%W=800%ACK=S++%Flags=AR%Ops=)
PU(DF=N%TOS=0%IPLEN=38%RIPTL=148%RID=E%RIPCK=E%UCK=E%ULEN=134%DAT=E)
`,
	ttl: 64, ipidStep: 1, isn: newConstantISS(0xC7001),
	mss: 1460, tsHz: 1,

	synOpen:    reply{send: true, flags: syn | ack, window: 0xA28, seq: seqISN, ack: ackSyn, opts: "M"},
	synOddOpen: reply{send: true, flags: syn | ack, window: 0xA28, seq: seqISN, ack: ackSyn, opts: "M"},
	ackOpen:    reply{send: true, flags: rst, window: 0x800, ack: ackZero},

	ackClosed:   reply{send: true, flags: rst, window: 0x800, ack: ackZero},
	otherClosed: reply{send: true, flags: rst | ack, window: 0x800, ack: ackSynFin},

	unreach: quoting{quoteData: 8},
}
