package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/detector"
	"github.com/siglab/siglab/netns"
	"github.com/siglab/siglab/picture"
	"github.com/siglab/siglab/scenarios"
	"github.com/siglab/siglab/verifier"
)

type labExerciseCmd struct {
	Lab   string        `help:"Run it in this running lab instead of a new one: the scenario is drawn among those whose network is the lab's (same hosts, addresses, stacks and ports)." placeholder:"ID"`
	From  []string      `help:"Scenario files or directories to draw from (default: the catalogue); any scenario file makes an exercise." placeholder:"DIR|FILE"`
	Seed  uint64        `help:"Seed of the draw (0, the default: the clock); lab reveal says the seed, to give a class the same exercise again."`
	Delay time.Duration `default:"0s" help:"Wait this long once the lab is up before the scenario runs, for students to start lab watch."`
}

// The exercise's record in the lab's directory (netns.LabDir): what
// lab reveal prints, and the capture twice: trace.pcap for students
// (no comments), truth.pcapng with siglab's ground truth on every packet.
const (
	recordFile = "exercise.json"
	traceFile  = "trace.pcap"
	truthFile  = "truth.pcapng"
	// pictureFile is the trace drawn without the findings, which would
	// name the scan.
	pictureFile = "trace.svg"
)

// exerciseRecord is what lab reveal shows.
type exerciseRecord struct {
	Scenario string           `json:"scenario"`
	File     string           `json:"file"`
	Summary  string           `json:"summary"`
	Draw     uint64           `json:"draw_seed"`
	Of       int              `json:"drawn_from"`
	Runs     []string         `json:"runs"`
	Output   string           `json:"nmap_output"`
	Findings string           `json:"findings"`
	Checks   []verifier.Check `json:"checks"`
	Packets  int              `json:"packets"`
	Dropped  uint64           `json:"dropped"`
}

// Run draws a scenario, builds its network as a detached lab recorded
// only as an exercise, runs the scenario in it while the sensor
// captures, and records the answer in the lab's directory. The lab stays
// up for students (lab watch, lab shell, scan --lab) until lab down. It
// prints nothing that names the scenario.
func (c *labExerciseCmd) Run(e *env) error {
	if err := liveOnly("lab exercise", ""); err != nil {
		return err
	}
	if c.Delay < 0 {
		return usageErr("lab exercise: --delay may not be negative")
	}
	pool, err := c.pool()
	if err != nil {
		return err
	}
	seed := c.Seed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	if c.Lab != "" {
		return c.inLab(e, pool, seed)
	}
	s := pool[draw(seed, len(pool))]
	if err := verifier.CheckLive(); err != nil {
		return usageErr("lab exercise: %v", err)
	}
	if err := netns.CheckStateDir(); err != nil {
		return usageErr("lab exercise: %v", err)
	}
	st, log, err := startDetached(e.ctx, scenarioArg(s), true)
	if err != nil {
		return err
	}
	printLab(e.stdout, st, log)
	return c.run(e, st, s, seed, len(pool), true)
}

// inLab runs the exercise in the running lab --lab names, drawn among
// the scenarios whose network is that lab's.
func (c *labExerciseCmd) inLab(e *env, pool []*scenarios.Scenario, seed uint64) error {
	st, err := oneLab("lab exercise", c.Lab)
	if err != nil {
		return err
	}
	var fit []*scenarios.Scenario
	for _, s := range pool {
		if fits(st, s) {
			fit = append(fit, s)
		}
	}
	if len(fit) == 0 {
		return usageErr("lab exercise: none of the %d scenarios has lab %s's network (built from %s); leave out --lab to build the drawn scenario's own", len(pool), st.ID, st.Scenario)
	}
	if _, err := netns.MakeLabDir(st.ID); err != nil {
		return usageErr("lab exercise: %v", err)
	}
	// A record of an earlier exercise in this lab must not pass for this one's.
	if err := os.Remove(filepath.Join(netns.LabDir(st.ID), recordFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return usageErr("lab exercise: %v", err)
	}
	return c.run(e, st, fit[draw(seed, len(fit))], seed, len(fit), false)
}

// fits reports whether lab st was built with s's network: the same
// hosts, as the state file records them.
func fits(st netns.State, s *scenarios.Scenario) bool {
	hosts := verifier.LabSpec(s).Hosts
	if len(hosts) != len(st.Hosts) {
		return false
	}
	for i, h := range hosts {
		h.Addr, h.Stack = h.Addr.Unmap(), h.Stack.Canonical()
		a, aerr := json.Marshal(h)
		b, berr := json.Marshal(st.Hosts[i].Host)
		if aerr != nil || berr != nil || string(a) != string(b) {
			return false
		}
	}
	return true
}

// run runs s in lab st as the exercise and records it; a lab built for
// it (own) is taken down again if it fails.
func (c *labExerciseCmd) run(e *env, st netns.State, s *scenarios.Scenario, seed uint64, of int, own bool) error {
	// Not the draw's seed: with it a student could redo the draw.
	fmt.Fprintf(e.stdout, "\nexercise: one of %d scenarios runs in lab %s", of, st.ID)
	if c.Delay > 0 {
		fmt.Fprintf(e.stdout, " in %v", c.Delay)
	}
	fmt.Fprintf(e.stdout, "; watch it:\n  %s lab watch %s\n", self(), st.ID)
	rec, err := exercise(e.ctx, st, s, c.Delay)
	if err != nil && own {
		// A lab built for an exercise that failed teaches nothing.
		_, derr := netns.Down(st.ID, 10*time.Second)
		err = errors.Join(err, derr)
	}
	if err != nil {
		return usageErr("lab exercise: %v", err)
	}
	rec.Draw, rec.Of = seed, of
	if err := writeRecord(st.ID, rec); err != nil {
		return usageErr("lab exercise: %v", err)
	}
	fmt.Fprintf(e.stdout, "exercise done: %d packets crossed the sensor.\n", rec.Packets)
	fmt.Fprintf(e.stdout, "the trace as the FAQ printed it:\n  %s render --faq %s\n", self(), filepath.Join(netns.LabDir(st.ID), traceFile))
	fmt.Fprintf(e.stdout, "its picture (without the findings): %s\n", filepath.Join(netns.LabDir(st.ID), pictureFile))
	fmt.Fprintf(e.stdout, "what was it? then:\n  %s lab reveal %s\n", self(), st.ID)
	return nil
}

// pool is what the exercise is drawn from: scenarios that can run live.
func (c *labExerciseCmd) pool() ([]*scenarios.Scenario, error) {
	var (
		list []*scenarios.Scenario
		err  error
	)
	if len(c.From) == 0 {
		list, err = scenarios.Catalogue()
	} else {
		list, err = scenarios.ResolveAll(c.From...)
	}
	if err != nil {
		return nil, usageErr("lab exercise: %v", err)
	}
	var pool []*scenarios.Scenario
	var errs []error
	for _, s := range list {
		if err := verifier.Validate(s); err != nil {
			errs = append(errs, err)
			continue
		}
		pool = append(pool, s)
	}
	if len(pool) == 0 {
		return nil, usageErr("lab exercise: no scenario to draw from: %v", errors.Join(errs...))
	}
	return pool, nil
}

// draw picks one of n for seed: the same seed, the same pick.
func draw(seed uint64, n int) int { return rand.New(rand.NewPCG(seed, 0x5ec1ab)).IntN(n) }

// scenarioArg names s for the background process: a file by its path,
// a catalogue scenario by its name.
func scenarioArg(s *scenarios.Scenario) string {
	if fileExists(s.File) {
		return s.File
	}
	return s.Name
}

// exercise waits delay, then runs s in lab st and records what happened.
func exercise(ctx context.Context, st netns.State, s *scenarios.Scenario, delay time.Duration) (*exerciseRecord, error) {
	select {
	case <-time.After(delay):
	case <-ctx.Done():
		return nil, errors.New("interrupted")
	}
	res, err := verifier.RunInLab(ctx, st, s)
	if err != nil {
		return nil, err
	}
	if err := writeCaptures(st.ID, res.Capture); err != nil {
		return nil, err
	}
	var fs strings.Builder
	if err := detector.WriteText(&fs, res.Findings); err != nil {
		return nil, err
	}
	return &exerciseRecord{Scenario: s.Name, File: s.File, Summary: s.Summary, Runs: groundTruth(s),
		Output: res.Output, Findings: fs.String(), Checks: res.Verdict.Checks,
		Packets: res.Verdict.Packets, Dropped: res.Verdict.Dropped}, nil
}

// groundTruth is what the scenario ran, one line per nmap run or
// traffic session, at its time.
func groundTruth(s *scenarios.Scenario) []string {
	var out []string
	for _, r := range s.Scan {
		out = append(out, fmt.Sprintf("at %v: nmap %s", r.At, r.Nmap))
	}
	for _, t := range s.Traffic {
		kind := fmt.Sprintf("%d TCP sessions to port %d every %v", t.Count, t.Port, t.Every)
		switch {
		case t.Flood:
			kind = fmt.Sprintf("a flood of %d SYNs to port %d from %d sources at %d/s", t.Count, t.Port, t.Sources, t.Rate)
		case t.DNS:
			kind = fmt.Sprintf("%d DNS queries every %v", t.Count, t.Every)
		}
		out = append(out, fmt.Sprintf("at %v: %s to %s", t.At, kind, t.Host))
	}
	return out
}

// writeCaptures writes the students' trace and its picture, and the
// ground truth.
func writeCaptures(id string, c *capture.Capture) error {
	dir := netns.LabDir(id)
	return errors.Join(
		capture.WriteFileAtomic(filepath.Join(dir, traceFile), c.WritePcap),
		capture.WriteFileAtomic(filepath.Join(dir, pictureFile), func(w io.Writer) error {
			_, err := picture.WriteSVG(w, c, nil, picture.Options{Title: "exercise in lab " + id})
			return err
		}),
		capture.WriteFileAtomic(filepath.Join(dir, truthFile), c.WritePcapNG))
}

func writeRecord(id string, rec *exerciseRecord) error {
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return err
	}
	return capture.WriteFileAtomic(filepath.Join(netns.LabDir(id), recordFile), func(w io.Writer) error {
		_, err := w.Write(append(b, '\n'))
		return err
	})
}

type labRevealCmd struct {
	ID string `arg:"" optional:"" help:"The exercise's lab (see lab status); may be left out when only one is up."`
}

// Run prints the exercise's record: the scenario, what it ran, nmap's
// own output, the reference detector's findings and the scenario's
// expectations of them.
func (c *labRevealCmd) Run(e *env) error {
	if err := liveOnly("lab reveal", ""); err != nil {
		return err
	}
	st, err := oneLab("lab reveal", c.ID)
	if err != nil {
		return err
	}
	b, err := os.ReadFile(filepath.Join(netns.LabDir(st.ID), recordFile))
	if errors.Is(err, os.ErrNotExist) {
		return usageErr("lab reveal: lab %s ran no exercise (or it has not finished)", st.ID)
	}
	if err != nil {
		return usageErr("lab reveal: %v", err)
	}
	var rec exerciseRecord
	if err := json.Unmarshal(b, &rec); err != nil {
		return usageErr("lab reveal: %s: %v", filepath.Join(netns.LabDir(st.ID), recordFile), err)
	}
	printReveal(e.stdout, st.ID, &rec)
	return nil
}

func printReveal(w io.Writer, id string, rec *exerciseRecord) {
	fmt.Fprintf(w, "lab %s ran scenario %s (%s), drawn from %d with seed %d\n", id, rec.Scenario, rec.File, rec.Of, rec.Draw)
	if rec.Summary != "" {
		fmt.Fprintf(w, "summary: %s\n", strings.TrimSpace(rec.Summary))
	}
	fmt.Fprintf(w, "\nground truth (what siglab ran; every packet it sent is labelled in %s):\n", filepath.Join(netns.LabDir(id), truthFile))
	for _, r := range rec.Runs {
		fmt.Fprintf(w, "  %s\n", r)
	}
	fmt.Fprintf(w, "  %d packets crossed the sensor (%d dropped)\n", rec.Packets, rec.Dropped)
	if rec.Output != "" {
		fmt.Fprintf(w, "\nnmap 2.02 printed:\n%s", rec.Output)
	}
	fmt.Fprintf(w, "\nthe reference detector's findings (drawn over the trace: %s render --svg answer.svg %s):\n%s",
		self(), filepath.Join(netns.LabDir(id), truthFile), rec.Findings)
	met := 0
	for _, c := range rec.Checks {
		if c.OK {
			met++
		}
	}
	fmt.Fprintf(w, "\nthe scenario's expectations: %d of %d met\n", met, len(rec.Checks))
	for _, c := range rec.Checks {
		if !c.OK {
			fmt.Fprintf(w, "  missed %s (%s): %s\n", c.Want, c.Pos, c.Detail)
		}
	}
}
