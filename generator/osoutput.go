package generator

import "github.com/siglab/siglab/generator/fingerprint"

// osResult is what OS detection concluded about a host (the os_scan()
// fields of struct hoststruct): every attempt's observed fingerprint, the
// last attempt's sequence analysis, and the matching records.
type osResult struct {
	seq     SeqReport
	fps     []*fingerprint.Fingerprint // one per attempt, in order
	matches []*fingerprint.Record
	good    int // the attempt whose fingerprint matched; -1 for none
}

// osReport prints the OS detection results after the ports table, in
// nmap 2.01's order: the sequence report when at least four SYN/ACKs came
// back, then the guess or the no-match notice. verbose is the number of
// -v options.
func (o *output) osReport(r *osResult, verbose int) {
	if r == nil {
		return
	}
	if len(r.seq.Seqs) >= minSeqResponses {
		o.seqReport(r.seq)
	}
	if len(r.matches) == 0 {
		o.noOSMatch(r.fps)
		return
	}
	o.osGuess(r.matches)
	// "OS Fingerprint:" needs -v -v in 2.05 and in the Oct-1998 beta, so
	// surely in 2.01 too. The FAQ's figure 3 shows the header after a run
	// given as -v, but its figure 5 (also -v) does not: the traces
	// disagree, the sources do not.
	if verbose > 1 || o.debug > 0 { // o.debugging || o.verbose > 1
		o.logf("OS Fingerprint:\n%s\n", r.fps[r.good])
	}
	o.logf("\n")
}

// seqReport is seqreport(): the class and difficulty, the second line
// indented by 25 blanks; with -v an empty line and the sequence numbers
// (%lX, blank-separated).
func (o *output) seqReport(r SeqReport) {
	o.logf("TCP Sequence Prediction: Class=%s\n%25sDifficulty=%d (%s)\n", r.Class, "", r.Index, r.Difficulty())
	if !o.verbose {
		return
	}
	o.logf("\nSequence numbers:")
	for _, s := range r.Seqs {
		o.logf(" %X", s)
	}
	o.logf("\n")
}

// osGuess prints the matching names: "Remote operating system guess: %s"
// for one, "Remote OS guesses: %s, %s, ..." for several.
func (o *output) osGuess(ms []*fingerprint.Record) {
	if len(ms) == 1 {
		o.logf("Remote operating system guess: %s\n", ms[0].Name)
		return
	}
	o.logf("Remote OS guesses: %s", ms[0].Name)
	for _, m := range ms[1:] {
		o.logf(", %s", m.Name)
	}
	o.logf("\n")
}

// noOSMatch is nmap.c's notice (2.01) when no attempt matched (or too
// many records did): nmap_log("No OS matches for this host.  TCP
// fingerprints:\n%s\n\n", mergeFPs(FPs, numFPs)). The attempts'
// fingerprints are merged (fingerprint.Merge): a test the next attempt
// repeats is printed once. The block's own last newline and the two of
// the format leave two empty lines before what follows.
func (o *output) noOSMatch(fps []*fingerprint.Fingerprint) {
	o.logf("No OS matches for this host.  TCP fingerprints:\n%s\n\n", fingerprint.Merge(fps))
}
