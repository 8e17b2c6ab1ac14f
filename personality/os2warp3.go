package personality

// IBM OS/2 Warp 3: the i800 class, every ISN gap a multiple of 800. Its
// TCP/IP is BSD-derived, and the record shows the BSD marks: T3's SYN|FIN
// answered by a lone ACK covering both (see irix62.go), and a port
// unreachable whose quoted header went through BSD's input path: the IP
// ID left in host byte order (RID=F), ip_sum and uh_sum overwritten with
// their own verification, zero for a good packet (RIPCK=0, UCK=0).
//
// The ISN generator is BSD's tcp_iss with 800 in place of 64000 (per
// connection and per half-second tick): the record fixes the class, not
// the mechanism, so that shape is reconstructed. A quoted ID whose two
// bytes are equal survives the byte swap (RID=E, and a valid checksum):
// nmap picks the PU probe's ID at random, so about one run in 256 would
// not match, as with the real host. Facts the record does not fix: TTL
// 64, MSS 1460.
func init() { registerProfile(&os2warp3) }

var os2warp3 = profile{
	name: "os2-warp-3",
	record: `# IBM OS/2 Warp 3 (i800 ISN class):
# nmap 2.01's nmap-os-fingerprints, verbatim (github.com/dmiller-nmap/nmap,
# commit e86b115c0fecc6c46e4bf758c339d86c16868b62, "Nmap 2.01").
FingerPrint  IBM OS/2 V.3  # Thanks to van Hauser (vh@reptile.rug.ac.be)
TSeq(Class=i800)
T1(DF=N%W=7000%ACK=S++%Flags=AS%Ops=M)
T2(Resp=N)
T3(Resp=Y%DF=N%W=7000%ACK=O%Flags=A%Ops=)
T4(DF=N%W=7000%ACK=O%Flags=R%Ops=)
T5(DF=N%W=0%ACK=S++%Flags=AR%Ops=)
T6(DF=N%W=0%ACK=O%Flags=R%Ops=)
T7(DF=N%W=0%ACK=S%Flags=AR%Ops=)
PU(DF=N%TOS=0%IPLEN=38%RIPTL=148%RID=F%RIPCK=0%UCK=0%ULEN=134%DAT=E)
`,
	ttl: 64, ipidStep: 1, isn: newBSDISS(800),
	mss: 1460, tsHz: 2,

	synOpen:    reply{send: true, flags: syn | ack, window: 0x7000, seq: seqISN, ack: ackSyn, opts: "M"},
	synOddOpen: reply{send: true, flags: ack, window: 0x7000, seq: seqISN, ack: ackSynFin},
	ackOpen:    reply{send: true, flags: rst, window: 0x7000, ack: ackZero},

	synClosed:   reply{send: true, flags: rst | ack, ack: ackSyn},
	ackClosed:   reply{send: true, flags: rst, ack: ackZero},
	otherClosed: reply{send: true, flags: rst | ack, ack: ackSyn},

	unreach: quoting{quoteData: 8, rid: idSwap, ripck: sumZero, uck: sumZero},
}
