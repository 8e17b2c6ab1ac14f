package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/siglab/siglab/netns"
)

// `lab up --detach` starts this same program again as `lab up
// --detached-child` in a session of its own (setsid: no terminal, no
// SIGHUP from it), its stdout and stderr appended to a log, and waits on
// a readiness pipe (the child's fd 3) for one line: "ready ID" once the
// lab answers and its state file is written, or "error MESSAGE" when it
// could not be built. A pipe that closes without a line means the child
// died first; its log says why. The log starts as
// netns.LabsDir/.start-<parent pid>.log, since the child learns its lab's
// ID only when it builds it, and the child moves it to LabDir(ID)/lab.log
// before it says ready.

// exerciseRef is what an exercise's lab records as its scenario: lab
// status must not give the answer away.
const exerciseRef = "exercise (siglab lab reveal)"

// readyFD is the child's end of the readiness pipe (ExtraFiles[0]).
const readyFD = 3

// logPath is where a detached lab's background process logs.
func logPath(id string) string { return filepath.Join(netns.LabDir(id), "lab.log") }

// startDetached starts the background process serving scenario (a file
// or catalogue name) and returns the lab's state once its network
// answers, and the log's path.
func startDetached(ctx context.Context, scenario string, exercise bool) (netns.State, string, error) {
	exe, err := os.Executable()
	if err != nil {
		return netns.State{}, "", usageErr("lab up --detach: find this program: %v", err)
	}
	if err := os.MkdirAll(netns.LabsDir, 0o700); err != nil {
		return netns.State{}, "", usageErr("lab up --detach: %v", err)
	}
	startLog := filepath.Join(netns.LabsDir, netns.StartLogName(os.Getpid()))
	log, err := os.OpenFile(startLog, os.O_CREATE|os.O_WRONLY|os.O_TRUNC|os.O_APPEND, 0o600)
	if err != nil {
		return netns.State{}, "", usageErr("lab up --detach: %v", err)
	}
	defer log.Close()
	r, w, err := os.Pipe()
	if err != nil {
		os.Remove(startLog)
		return netns.State{}, "", usageErr("lab up --detach: %v", err)
	}
	defer r.Close()
	if abs, err := filepath.Abs(scenario); err == nil && fileExists(scenario) {
		scenario = abs // the child may resolve it elsewhere one day; be exact
	}
	args := []string{"lab", "up", "--detached-child", "--start-log", startLog, "--scenario", scenario}
	if exercise {
		args = append(args, "--exercise")
	}
	cmd := exec.Command(exe, args...)
	cmd.Stdout, cmd.Stderr, cmd.ExtraFiles = log, log, []*os.File{w}
	cmd.SysProcAttr = ownSession()
	if err := cmd.Start(); err != nil {
		w.Close()
		os.Remove(startLog)
		return netns.State{}, "", usageErr("lab up --detach: start the background process: %v", err)
	}
	w.Close() // ours: the child holds the only write end now
	line, err := readLine(ctx, r)
	if err != nil { // interrupted: the child takes its lab down on SIGTERM
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
		os.Remove(startLog)
		return netns.State{}, "", usageErr("lab up --detach: %v", err)
	}
	if id, ok := strings.CutPrefix(line, "ready "); ok {
		_ = cmd.Process.Release() // it outlives us; init reaps it
		st, err := netns.ReadState(id)
		if err != nil {
			return st, "", usageErr("lab up --detach: %v", err)
		}
		return st, logPath(id), nil
	}
	werr := cmd.Wait()
	defer os.Remove(startLog)
	if msg, ok := strings.CutPrefix(line, "error "); ok {
		return netns.State{}, "", usageErr("%s", msg)
	}
	return netns.State{}, "", usageErr("lab up --detach: the background process ended (%v) before the lab was up: %s", werr, lastLine(startLog))
}

// readLine reads the child's one line, or gives up when ctx ends.
func readLine(ctx context.Context, r *os.File) (string, error) {
	type res struct {
		line string
		err  error
	}
	c := make(chan res, 1)
	go func() {
		line, err := bufio.NewReader(r).ReadString('\n')
		c <- res{strings.TrimSuffix(line, "\n"), err}
	}()
	select {
	case v := <-c:
		return v.line, nil // "" at EOF: the child died without a word
	case <-ctx.Done():
		return "", fmt.Errorf("interrupted before the lab was up")
	}
}

// lastLine is the last line of the log, for an error message.
func lastLine(path string) string {
	b, err := os.ReadFile(path)
	b = bytes.TrimSpace(b)
	if err != nil || len(b) == 0 {
		return "its log is empty"
	}
	return string(b[bytes.LastIndexByte(b, '\n')+1:])
}

func fileExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}

// ready is the child's end of the readiness pipe; nil in a foreground
// lab up, whose methods then do nothing.
type ready struct{ f *os.File }

// readiness is the pipe in the background process, nil otherwise.
func (c *labUpCmd) readiness() *ready {
	if !c.Child {
		return nil
	}
	return &ready{f: os.NewFile(readyFD, "ready")}
}

// up moves the start log into the lab's directory and says ready.
func (r *ready) up(id, startLog string) error {
	if r == nil {
		return nil
	}
	dir, err := netns.MakeLabDir(id)
	if err != nil {
		return err
	}
	if startLog != "" {
		if err := os.Rename(startLog, filepath.Join(dir, "lab.log")); err != nil {
			return fmt.Errorf("lab %s: move log: %w", id, err)
		}
	}
	_, err = fmt.Fprintf(r.f, "ready %s\n", id)
	return errors.Join(err, r.f.Close())
}

// fail tells the starter why the lab could not be built, and returns err.
func (r *ready) fail(err error) error {
	if r != nil {
		fmt.Fprintf(r.f, "error %s\n", oneLine(err))
		r.f.Close()
	}
	return err
}
