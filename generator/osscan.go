package generator

import (
	"encoding/binary"
	"math/bits"
	"net/netip"
	"time"

	"github.com/siglab/siglab/generator/fingerprint"
	"github.com/siglab/siglab/wire"
)

// OS detection constants from nmap 2.01's osscan.c (nmap-2.0x-internals.md
// §4).
const (
	numSeqSamples  = 6 // NUM_SEQ_SAMPLES: the TSeq SYNs of one attempt
	osTries        = 3 // os_scan() calls get_fingerprint() at most this often
	osTryPause     = 2 * time.Second
	osMaxPasses    = 6 // the battery loop: tries++ < 5 after the first pass
	closedPortLow  = 30000
	closedPortSpan = 14781 // the closed port is (rand() % 14781) + 30000
	puDataLen      = 300
	seqSleep       = 5 * time.Millisecond // usleep(5000 + srtt) after each TSeq SYN
	osSoftFloor    = 200 * time.Millisecond
	osHardFloor    = 500 * time.Millisecond
	osReplyCap     = 1500 // a reply buffer's first capacity; longer replies grow it
)

// osOptions is the 20-byte option block of T1..T7: window scale 10, NOP,
// MSS 265, timestamp (TSval 0x3F3F3F3F, TSecr 0), EOL, EOL; with it
// th_off is 10 and a T probe's IP total length 60.
var osOptions = []byte{3, 3, 10, 1, 2, 4, 1, 9, 8, 10, 0x3f, 0x3f, 0x3f, 0x3f, 0, 0, 0, 0, 0, 0}

// osProbes are T1..T7 in send order: their flags and whether they go to
// the open port (T1-T4) or the closed one (T5-T7). T1 carries the bogus
// 0x40 bit that Linux before 2.0.35 echoed.
var osProbes = [7]struct {
	flags uint8
	open  bool
}{
	{wire.FlagBogus | wire.FlagSYN, true},
	{0, true},
	{wire.FlagSYN | wire.FlagFIN | wire.FlagURG | wire.FlagPSH, true},
	{wire.FlagACK, true},
	{wire.FlagSYN, false},
	{wire.FlagACK, false},
	{wire.FlagFIN | wire.FlagPSH | wire.FlagURG, false},
}

// Test slots, numbered as get_fingerprint()'s FPtests[]: 0 TSeq, 1..7
// T1..T7, 8 PU.
const (
	slotPU = 8
	slots  = 9
)

// osDatabase is the reference file OS detection matches against. Tests
// swap it (see osscan_helpers_test.go) to match simnet's modern Linux.
var osDatabase = fingerprint.Default

// osStage is where an attempt (one get_fingerprint() call) stands.
type osStage uint8

const (
	osDue       osStage = iota // an attempt starts at wakeAt
	osBattery                  // a pass of T1..T7 and PU is out: listening
	osSeqSend                  // sending the TSeq SYNs, usleep apart
	osSeqListen                // collecting the TSeq SYN/ACKs
	osFinished
)

// osScan is os_scan() against one host: up to three get_fingerprint()
// attempts, 2 s apart, until one's fingerprint matches the reference
// file. Each attempt sends the T1..T7/PU battery (resent while it brings
// news), then, with an open port, six SYNs for the sequence analysis;
// it listens as nmap's pcap loops did, with the read timeout ossoft and
// the hard limit oshard.
type osScan struct {
	p       *process
	out     *output
	host    *hostResult
	to      *timeouts
	db      *fingerprint.DB
	dbErr   error
	dst     netip.Addr
	open    uint16 // the lowest open TCP port
	hasOpen bool

	stage  osStage
	wakeAt time.Time
	try    int

	// get_fingerprint()'s state for the current attempt.
	base       uint32 // sequence_base
	closed     uint16
	soft, hard time.Duration // ossoft, oshard
	got        [slots]bool
	reply      [slots][]byte // the packet that answered each test
	left       int           // testsleft
	passes     int           // tries
	catches    int           // newcatches
	upi        fingerprint.UDPProbe
	listen     time.Time // t1: when the current listening loop began
	expired    bool      // a packet came after oshard (battery loop)
	over       bool      // the listening loop has ended; wake moves on
	seqSent    int       // TSeq copies sent (one per SYN and source)
	seqs       [numSeqSamples]uint32
	responses  int

	puData [puDataLen]byte
	result osResult
}

func newOSScan(p *process, out *output, h *hostResult, to *timeouts, db *fingerprint.DB, dbErr error) *osScan {
	s := &osScan{p: p, out: out, host: h, to: to, db: db, dbErr: dbErr, dst: h.addr}
	s.open, s.hasOpen = h.firstOpenTCP()
	s.result.good = -1
	for i := range s.reply {
		s.reply[i] = make([]byte, 0, osReplyCap)
	}
	return s
}

// finished implements phase.
func (s *osScan) finished() bool { return s.stage == osFinished }

// wake implements phase: it starts an attempt, ends a listening loop
// whose pcap read came back empty (or that received its last packet),
// or sends the next TSeq SYN after its usleep.
func (s *osScan) wake(now time.Time) (time.Time, error) {
	if s.dbErr != nil {
		s.stage = osFinished
		s.out.printf("%v\n", s.dbErr) // nmap 2.0x printed file errors and went on; siglab cannot
		return time.Time{}, s.dbErr
	}
	if s.stage == osFinished || now.Before(s.wakeAt) {
		return s.wakeAt, nil
	}
	var err error
	switch s.stage {
	case osDue:
		err = s.startAttempt()
	case osBattery:
		err = s.passOver()
	case osSeqSend:
		err = s.nextSeq()
	case osSeqListen:
		s.endAttempt()
	}
	return s.wakeAt, err
}

// startAttempt is the head of get_fingerprint(): a new sequence_base
// (rand()+rand()) and closed port (rand()%14781 + 30000, never taken from
// the scan: nmap assumes it closed), the timeouts, the -v line, then the
// first pass of the battery.
func (s *osScan) startAttempt() error {
	s.base = s.p.isn()
	s.closed = uint16(s.p.rnd.Rand()%closedPortSpan + closedPortLow)
	s.soft = max(osSoftFloor, s.to.timeout)
	s.hard = max(osHardFloor, 5*s.to.timeout)
	src := s.p.host.Addr()
	s.out.debugf(1, "Wait time is %d\n", (s.soft.Microseconds()+500)/1000)
	s.out.debugf(1, "Packet capture filter: (icmp and dst host %s) or (tcp and src host %s and dst host %s)\n", src, s.dst, src)
	s.got, s.passes, s.seqSent, s.responses = [slots]bool{}, 0, 0, 0
	// testsleft counts 4 tests without an open port (T5-T7, PU) but 7,
	// not 8, with one: 2.0x's count missed a test when T1 and PU joined
	// the battery (fixed to 8 only in later releases). So when exactly
	// one of the eight goes unanswered, the loop ends with no resend. The
	// FAQ's figure 5 agrees: against Linux 2.0.35, which ignores T2, its
	// TSeq SYNs follow the battery after one listening period, not two.
	s.left = 4
	if s.hasOpen {
		s.left = 7
		s.out.verbosef("For OSScan assuming that port %d is open and port %d is closed and neither are firewalled\n", s.open, s.closed)
	}
	return s.sendPass()
}

// sendPass sends every test still unanswered, T1..T7 from sport
// M+7..M+13 with seq sequence_base, then PU, and starts listening.
func (s *osScan) sendPass() error {
	s.catches = 0
	sport := s.p.magic + numSeqSamples + 1
	for i, pr := range osProbes {
		if s.got[i+1] || (pr.open && !s.hasOpen) {
			continue
		}
		dport := s.closed
		if pr.open {
			dport = s.open
		}
		if err := s.p.as(osTags[i]).sendTCPRaw(s.dst, sport+uint16(i), dport, s.base, pr.flags, osOptions); err != nil {
			return err
		}
	}
	if !s.got[slotPU] {
		upi, err := s.p.as("PU").sendClosedUDPProbe(s.dst, s.p.magic, s.closed, &s.puData)
		if err != nil {
			return err
		}
		s.upi = upi
	}
	s.startListening(osBattery)
	return nil
}

// startListening begins a pcap loop now: its first read comes back empty
// after ossoft.
func (s *osScan) startListening(st osStage) {
	now := s.p.host.Now()
	s.stage, s.listen, s.wakeAt = st, now, now.Add(s.soft)
	s.expired, s.over = false, false
}

// passOver runs the battery loop's condition, testsleft > 0 && tries++ <
// 5 && (newcatches || tries == 1): a second pass always follows the
// first while tests are missing, later ones only while the previous pass
// brought news, six passes at most. Then comes TSeq, or without an open
// port the end of the attempt.
func (s *osScan) passOver() error {
	more := s.left > 0
	if more {
		t := s.passes
		s.passes++
		more = t < osMaxPasses-1 && (s.catches > 0 || s.passes == 1)
	}
	if more {
		return s.sendPass()
	}
	if !s.hasOpen {
		// Two blanks after "Warning:" as in the source (the FAQ's prose
		// copy shows one).
		s.out.printf("Warning:  No ports found open on this machine, OS detection will be MUCH less reliable\n")
		s.endAttempt()
		return nil
	}
	s.stage = osSeqSend
	return s.nextSeq()
}

// nextSeq sends the next TSeq copy: SYN i (1..6) from sport M+i with seq
// sequence_base+i, no options, once per source address, each followed
// by usleep(5000 + srtt); after the last sleep nmap starts reading.
func (s *osScan) nextSeq() error {
	copies := len(s.p.sources)
	if s.seqSent == numSeqSamples*copies {
		if s.responses >= numSeqSamples { // the loop's condition fails at once
			s.endAttempt()
			return nil
		}
		s.startListening(osSeqListen)
		return nil
	}
	i := uint16(s.seqSent/copies + 1)
	src := s.p.sources[s.seqSent%copies]
	s.seqSent++
	if err := s.p.as(seqTags[i-1]).sendTCPRawFrom(src, s.dst, s.p.magic+i, s.open, s.base+uint32(i), wire.FlagSYN); err != nil {
		return err
	}
	now := s.p.host.Now()
	s.wakeAt = s.p.sleepEnd(now, s.seqGap())
	return nil
}

// seqGap is usleep(5000 + srtt), srtt in whole microseconds; with no
// round trip measured nmap's srtt is -1.
func (s *osScan) seqGap() time.Duration {
	srtt := s.to.srtt.Truncate(time.Microsecond)
	if s.to.srtt < 0 {
		srtt = -time.Microsecond
	}
	return seqSleep + srtt
}

// receive implements phase. nmap's pcap handle is open for the whole
// attempt, so what arrives while the TSeq SYNs go out waits in its
// buffer and is read, in order, when the collection starts; between
// attempts the handle is closed and packets are lost.
func (s *osScan) receive(now time.Time, pk wire.Packet) time.Time {
	if !s.captures(pk) {
		return time.Time{}
	}
	switch s.stage {
	case osBattery:
		s.batteryRead(now, pk)
	case osSeqSend:
		if s.responses < numSeqSamples { // the loop stops reading at six
			s.seqCatch(pk)
		}
	case osSeqListen:
		s.seqRead(now, pk)
	default:
		return time.Time{}
	}
	return s.wakeAt
}

// captures is get_fingerprint()'s pcap filter: "(icmp and dst host ME) or
// (tcp and src host TARGET and dst host ME)"; the engine only shows the
// phase packets for the scanner.
func (s *osScan) captures(pk wire.Packet) bool {
	return pk.Proto() == wire.ProtoICMP || (pk.IsTCP() && pk.Src() == s.dst)
}

// batteryRead is one turn of the battery's read loop, while ((ip =
// readip_pcap()) && !timeout): a packet read after oshard has passed sets
// timeout and is still used; the read after that ends the loop, and the
// packet it returned is lost.
func (s *osScan) batteryRead(now time.Time, pk wire.Packet) {
	if s.over {
		return
	}
	if s.expired {
		s.over, s.wakeAt = true, now
		return
	}
	if now.Sub(s.listen) > s.hard {
		s.expired = true
	}
	s.catch(pk)
	s.wakeAt = now.Add(s.soft) // the next read comes back empty after ossoft
}

// catch takes a reply for the battery: TCP by its dport (test = dport -
// (M+7) + 1), ICMP when it is the port unreachable PU asks for. The
// first answer to a test counts.
func (s *osScan) catch(pk wire.Packet) {
	slot := 0
	switch {
	case pk.IsTCP():
		slot = int(pk.DPort()) - (int(s.p.magic) + numSeqSamples + 1) + 1
		if slot <= 0 || slot > len(osProbes) {
			return
		}
	case pk.ICMPType() == 3 && pk.ICMPCode() == 3 && fingerprint.PUReply(pk, s.upi):
		slot = slotPU
	default:
		return
	}
	if s.got[slot] {
		return
	}
	s.reply[slot] = append(s.reply[slot][:0], pk...)
	s.got[slot] = true
	s.left--
	s.catches++
}

// seqRead is one turn of the TSeq read loop: a packet after oshard ends
// it (after being used); six SYN/ACKs end it; otherwise the next read
// comes back empty after ossoft and ends it (nmap's "more than ossoft
// since the loop began" holds by then).
func (s *osScan) seqRead(now time.Time, pk wire.Packet) {
	if s.over {
		return
	}
	late := now.Sub(s.listen) > s.hard
	s.seqCatch(pk)
	if late || s.responses >= numSeqSamples {
		s.over, s.wakeAt = true, now
		return
	}
	s.wakeAt = now.Add(s.soft)
}

// seqCatch takes a TSeq answer: TCP from the open port to M..M+6. A RST
// is ignored, with a warning if no SYN/ACK came before it; a SYN/ACK's
// sequence number is recorded.
func (s *osScan) seqCatch(pk wire.Packet) {
	if !pk.IsTCP() {
		return
	}
	d := int(pk.DPort()) - int(s.p.magic)
	if d < 0 || d > numSeqSamples || pk.SPort() != s.open {
		return
	}
	switch {
	case pk.HasFlags(wire.FlagRST):
		if s.responses == 0 { // stderr in nmap
			s.out.printf("WARNING:  RST from port %d -- is this port really open?\n", s.open)
		}
	case pk.HasFlags(wire.FlagSYN | wire.FlagACK):
		s.seqs[s.responses] = pk.Seq()
		s.responses++
	}
}

// endAttempt is the tail of get_fingerprint() and one turn of os_scan():
// the sequence analysis, the observed fingerprint, the match, and either
// the result or another attempt 2 s later.
func (s *osScan) endAttempt() {
	seq := ClassifySeq(s.seqs[:s.responses])
	if s.hasOpen && seq.Class == SeqUnknown {
		s.out.printf("Insufficient responses for TCP sequencing (%d), OS detection will be MUCH less reliable\n", s.responses)
	}
	fp := s.fingerprint(seq)
	s.result.fps = append(s.result.fps, fp)
	s.result.seq = seq // target->seq is the last attempt's
	matches, err := fingerprint.Match(s.db, fp)
	if err == nil && len(matches) > 0 {
		s.result.matches, s.result.good = matches, s.try
		if s.try > 0 { // error(): stderr in nmap
			s.out.printf("WARNING: OS didn't match until the %d try\n", s.try+1)
			for i, f := range s.result.fps[:s.try] { // error() adds the last newline
				s.out.debugf(1, "Failed match #%d (0-based):\n%s\n", i, f)
			}
		}
		s.finish()
		return
	}
	if s.try == osTries-1 {
		s.finish()
		return
	}
	s.try++
	now := s.p.host.Now()
	s.stage, s.wakeAt = osDue, s.p.sleepEnd(now, osTryPause)
}

// fingerprint builds the attempt's observed fingerprint in nmap's order:
// TSeq when classified, then T1..T7 and PU as answered, or Name(Resp=N)
// for a test nothing answered (T1..T4 only when an open port was probed).
func (s *osScan) fingerprint(seq SeqReport) *fingerprint.Fingerprint {
	fp := &fingerprint.Fingerprint{}
	if seq.Class != SeqUnknown {
		fp.Tests = append(fp.Tests, seq.Test())
	}
	for slot := 1; slot < slots; slot++ {
		name := fingerprint.TestNames[slot]
		var t fingerprint.Test
		switch {
		case s.got[slot] && slot == slotPU:
			t, _ = fingerprint.PUTest(s.reply[slot], s.upi)
		case s.got[slot]:
			t, _ = fingerprint.TCPTest(name, s.reply[slot], s.base)
		case s.hasOpen || slot > 4:
			t = fingerprint.NoResponse(name)
		default:
			continue
		}
		fp.Tests = append(fp.Tests, t)
	}
	return fp
}

func (s *osScan) finish() {
	s.host.os = &s.result
	s.stage = osFinished
}

// sendClosedUDPProbe is send_closedudp_probe(): UDP from sport to the
// closed dport carrying 300 bytes of the process's pattern byte, IP total
// 328, no DF, with the helper's own static TTL and its static IP ID, the
// same for every copy, pass and attempt. Its statics are drawn on the
// first call, the pattern byte first: (rand() % 60) + 65, then IDs from
// rand() until one is non-zero in its low 16 bits (stored, as every 2.01
// IP ID, in host byte order). It returns what fingerprint_portunreach()
// compares the ICMP error with, from the copy with the real source.
func (p *process) sendClosedUDPProbe(dst netip.Addr, sport, dport uint16, data *[puDataLen]byte) (fingerprint.UDPProbe, error) {
	if p.puPattern == 0 {
		p.puPattern = uint8(p.rnd.Rand()%60 + 65)
	}
	for p.puID == 0 {
		p.puID = uint16(p.rnd.Rand())
	}
	for i := range data {
		data[i] = p.puPattern
	}
	ttl := p.ttl(&p.closedUDPTTL)
	probe := fingerprint.UDPProbe{Target: dst.As4(), SPort: sport, DPort: dport, Pattern: p.puPattern}
	for _, src := range p.sources {
		h := wire.IPHeader{ID: bits.ReverseBytes16(p.puID), TTL: ttl, Src: src, Dst: dst}
		p.buf = wire.AppendUDP(p.buf[:0], &h, sport, dport, data[:])
		if src == p.self {
			probe.IPID = binary.BigEndian.Uint16(p.buf[4:])
			probe.UDPSum = binary.BigEndian.Uint16(p.buf[26:])
		}
		if err := p.send(src, p.buf); err != nil {
			return probe, err
		}
	}
	return probe, nil
}

// sendTCPRawFrom is send_tcp_raw() for a single source address, no
// options: the TSeq loop sends each decoy copy separately and sleeps
// after every one.
func (p *process) sendTCPRawFrom(src, dst netip.Addr, sport, dport uint16, seq uint32, flags uint8) error {
	ttl := p.ttl(&p.tcpTTL)
	t := wire.TCPSegment{SPort: sport, DPort: dport, Seq: seq, Flags: flags, Window: windowFor(ttl)}
	h := wire.IPHeader{ID: p.ipID(), TTL: ttl, Src: src, Dst: dst}
	p.buf = wire.AppendTCP(p.buf[:0], &h, &t)
	return p.send(src, p.buf)
}

// osTags and seqTags name the OS probes in captures (ground truth).
var (
	osTags  = [...]string{"T1", "T2", "T3", "T4", "T5", "T6", "T7"}
	seqTags = [...]string{"TSeq 1/6", "TSeq 2/6", "TSeq 3/6", "TSeq 4/6", "TSeq 5/6", "TSeq 6/6"}
)
