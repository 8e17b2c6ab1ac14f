package detector

// TCP sequence sampling: nmap sends six SYNs to one open port, each from
// the next source port with the next sequence number (2.0x: base+1..+6
// from M+1..M+6, plain SYNs; today's nmap: base..base+5 with six option
// sets), and reads the target's ISNs from the SYN/ACKs. The tracker
// follows such runs per source as the SYNs go by, in constant memory.

const (
	// minSeqRun is the shortest run reported: nmap needs four answers.
	minSeqRun = 4
	// maxSeqRuns bounds the runs kept per source; later ones are counted.
	maxSeqRuns = 8
)

// seqRun is one run of SYNs with consecutive sequence numbers and source
// ports to one port.
type seqRun struct {
	target   ipAddr
	port     uint16
	sport    uint16 // of the first SYN
	seq      uint32 // of the first SYN
	n        uint8
	first    int64
	last     int64
	optClass optClass
	window   uint16
}

type seqTracker struct {
	cur seqRun
	// runs is allocated when the first run is filed: few sources ever
	// sample sequences, and a flood of spoofed ones should not carry
	// 300 empty bytes each.
	runs  *[maxSeqRuns]seqRun
	nruns uint8
	more  uint32
}

// observe takes one bare SYN of the source and reports how long the run
// it belongs to now is.
func (t *seqTracker) observe(p *packet) uint8 {
	c := &t.cur
	if c.n > 0 && c.n < 255 && p.dst == c.target && p.dport == c.port &&
		p.seq == c.seq+uint32(c.n) && p.sport == c.sport+uint16(c.n) {
		c.n++
		c.last = p.ts
		return c.n
	}
	t.close()
	*c = seqRun{target: p.dst, port: p.dport, sport: p.sport, seq: p.seq, n: 1,
		first: p.ts, last: p.ts, optClass: p.opts.class, window: p.window}
	return 1
}

// close files the current run if it is long enough.
func (t *seqTracker) close() {
	if t.cur.n < minSeqRun {
		return
	}
	if t.runs == nil {
		t.runs = new([maxSeqRuns]seqRun)
	}
	if int(t.nruns) < maxSeqRuns {
		t.runs[t.nruns] = t.cur
		t.nruns++
		return
	}
	t.more++
}

// all returns the runs so far, the current one included when it is long
// enough, without changing the tracker.
func (t *seqTracker) all() []seqRun {
	var runs []seqRun
	if t.runs != nil {
		runs = append(runs, t.runs[:t.nruns]...)
	}
	if t.cur.n >= minSeqRun {
		runs = append(runs, t.cur)
	}
	return runs
}
