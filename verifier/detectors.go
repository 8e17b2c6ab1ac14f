package verifier

import (
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/detector"
	"github.com/siglab/siglab/netns"
	"github.com/siglab/siglab/scenarios"
)

// DetectorReport is one detector's part of a run: what it reported, its
// own output, and why it could not run.
type DetectorReport struct {
	Detector string `json:"detector"`
	// How says how siglab got the detector's output: "in process",
	// "p0f -r capture", "live", "replayed", "command", "file".
	How string `json:"how,omitempty"`
	// Findings are what it reported, in its own vocabulary (labels for
	// the reference detector and p0f, records' fields for the others).
	Findings []detector.Finding `json:"-"`
	// Err says why the detector did not run ("" when it did); its
	// checks fail with this text, the others' are unaffected.
	Err string `json:"error,omitempty"`
	// Why is what the detector's documented rules see in the capture
	// (scanlogd's weight, psad's counted packets), printed beside a miss.
	Why []string `json:"why,omitempty"`
	// Log is the detector's own output, written to the report as
	// <detector>.log.
	Log []byte `json:"-"`
	// describe names one of its findings in a sentence.
	describe func(detector.Finding) string
}

// Reported lists what the detector reported, each description once, in
// order: the matrix's "reported" column.
func (d DetectorReport) Reported() []string {
	var out []string
	seen := map[string]bool{}
	for _, f := range d.Findings {
		s := f.Label // the reference detector's labels say it; its attributes are in findings.jsonl
		if d.Detector != scenarios.DetectorReference {
			s = d.describe(f)
		}
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// liveOutput is what a detector siglab ran inside a live test network
// produced (scanlogd in the kernel hosts, psad on ulogd2's lines).
type liveOutput struct {
	log      []byte
	findings []detector.Finding
	why      []string
	err      error
	// finish, when set, completes the output once the run's capture
	// exists (psad's lines for hosts with no kernel come from it).
	finish func(context.Context, *capture.Capture) liveOutput
	// how overrides the report's How ("model": scanlogd's rules run
	// by siglab, offline without root).
	how string
}

// detectorNames are the detectors a run of s uses: those its expect:
// names, in file order, and with all every other one of its set.
func detectorNames(s *scenarios.Scenario, all bool) []string {
	names := slices.Clone(s.Expect.DetectorOrder)
	if all {
		for _, n := range s.DetectorSet.Names() {
			if !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
	}
	return names
}

// liveDetectors start a built-in detector under test inside a live test
// network before the scenario plays; the function returned stops it and
// returns what it collected. Filled by each detector's adapter file.
var liveDetectors = map[string]func(context.Context, *netns.Lab, *scenarios.Scenario) (stop func() liveOutput, err error){
	scenarios.DetectorPsad:     psadLive,
	scenarios.DetectorScanlogd: scanlogdLive,
}

// startLive starts the live detectors among dets; the function returned
// stops them all and returns their outputs by name. A detector that
// fails to start gets its error as its output: only its checks fail.
func startLive(ctx context.Context, lab *netns.Lab, s *scenarios.Scenario, dets []string) func() map[string]liveOutput {
	outs := map[string]liveOutput{}
	var stops []func()
	for _, name := range dets {
		start, ok := liveDetectors[name]
		if !ok {
			continue
		}
		stop, err := start(ctx, lab, s)
		if err != nil {
			outs[name] = liveOutput{err: err}
			continue
		}
		stops = append(stops, func() { outs[name] = stop() })
	}
	return func() map[string]liveOutput {
		for _, stop := range stops {
			stop()
		}
		return outs
	}
}

// check runs every detector the scenario has a section for, in file
// order (with all, then every other detector of its set), and adds their
// checks to the verdict.
func (r *Result) check(ctx context.Context, s *scenarios.Scenario, all bool) {
	for _, name := range detectorNames(s, all) {
		rep := r.detect(ctx, s, name)
		r.Detectors = append(r.Detectors, rep)
		r.Verdict.Checks = append(r.Verdict.Checks, rep.checks(s.File, s.Expect.Detectors[name])...)
	}
}

// detect gets detector name's output on the run.
func (r *Result) detect(ctx context.Context, s *scenarios.Scenario, name string) DetectorReport {
	rep := DetectorReport{Detector: name, describe: describe}
	spec, ok := s.DetectorSet.Lookup(name)
	if !ok { // the parser refuses unknown names; this guards a set swapped afterwards
		rep.Err = "no such detector " + name
		return rep
	}
	var err error
	switch {
	case name == scenarios.DetectorReference:
		rep.How, rep.Findings = "in process", r.Findings
	case name == scenarios.DetectorP0f:
		rep.How, rep.describe = "p0f -r capture", describeP0f
		rep.Log, rep.Findings, err = p0fFindings(ctx, r.Capture)
		if len(rep.Findings) == 0 {
			whole, frag := synPackets(r.Capture)
			why := fmt.Sprintf("p0f: it fingerprints TCP SYN and SYN+ACK packets (and HTTP headers); the capture holds %d", whole)
			if frag > 0 {
				why += fmt.Sprintf(", and %d more in IP fragments, which p0f does not reassemble", frag)
			}
			rep.Why = []string{why}
		}
	case spec.Native:
		rep.How, rep.describe = "rule lab", describeRecord
		rep.Log, rep.Findings, rep.Why, err = nativeRules(spec, s.Expect.Detectors[name], r.Capture)
	case spec.Builtin:
		rep.describe = describeRecord
		rep.How, rep.Log, rep.Findings, rep.Why, err = r.builtin(ctx, s, name)
	default:
		rep.How, rep.describe = "command", describeRecord
		if spec.Command == nil {
			rep.How = "file"
		}
		if spec.LabelBased() {
			rep.describe = describeP0f
		}
		rep.Log, rep.Findings, err = runEngine(ctx, spec, r.Capture)
	}
	if err != nil {
		rep.Err = err.Error()
	}
	return rep
}

// builtin gets scanlogd's or psad's output: the one a live run collected
// inside the test network, else one run on the capture.
func (r *Result) builtin(ctx context.Context, s *scenarios.Scenario, name string) (how string, log []byte, fs []detector.Finding, why []string, err error) {
	if out, ok := r.live[name]; ok {
		if out.finish != nil {
			out = out.finish(ctx, r.Capture)
		}
		return cmp.Or(out.how, "live"), out.log, out.findings, out.why, out.err
	}
	run, ok := offlineDetectors[name]
	if !ok {
		return "", nil, nil, nil, errNoAdapter(name)
	}
	out := run(ctx, s, r.Capture)
	return cmp.Or(out.how, "replayed"), out.log, out.findings, out.why, out.err
}

// offlineDetectors run a built-in detector under test on a capture.
var offlineDetectors = map[string]func(context.Context, *scenarios.Scenario, *capture.Capture) liveOutput{
	scenarios.DetectorPsad:     psadOffline,
	scenarios.DetectorScanlogd: scanlogdOffline,
}

// errNoAdapter is the error of a built-in detector this build cannot run.
type errNoAdapter string

func (e errNoAdapter) Error() string { return "no adapter for detector " + string(e) }

// checks checks de against the report; a detector that did not run fails
// each of its own checks with the reason, and a miss of a detector whose
// rules siglab models says what those rules saw.
func (d DetectorReport) checks(file string, de scenarios.DetectorExpect) []Check {
	cs := checkFindings(d.Detector, file, de, d.Findings, d.describe)
	for i := range cs {
		switch {
		case d.Err != "":
			cs[i].OK, cs[i].Detail = false, d.Detector+" did not run: "+d.Err
		case !cs[i].OK && len(d.Why) > 0:
			cs[i].Detail += "; " + strings.Join(d.Why, "; ")
		}
	}
	return cs
}

// p0fFindings runs p0f on c and returns its log and records as findings.
func p0fFindings(ctx context.Context, c *capture.Capture) ([]byte, []detector.Finding, error) {
	log, recs, err := RunP0f(ctx, c)
	fs := make([]detector.Finding, len(recs))
	for i, rec := range recs {
		fs[i] = rec.Finding()
	}
	return log, fs, err
}

// synPackets counts the capture's IPv4 TCP packets with SYN set, whole
// and as first fragments.
func synPackets(c *capture.Capture) (whole, frag int) {
	for _, p := range c.Packets {
		ip, err := capture.IPv4(c.LinkType, p.Data)
		if err != nil || len(ip) < 20 || ip[9] != 6 {
			continue
		}
		ihl := int(ip[0]&0x0f) * 4
		fl := binary.BigEndian.Uint16(ip[6:])
		if fl&0x1fff != 0 || len(ip) < ihl+14 || ip[ihl+13]&0x02 == 0 {
			continue // not a first fragment, or no SYN
		}
		if fl&0x2000 != 0 { // more fragments: the first of several
			frag++
		} else {
			whole++
		}
	}
	return whole, frag
}
