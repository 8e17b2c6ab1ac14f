package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// daemonNames are the detectors under test the catalogue's runs start:
// scanlogd in kernel hosts, ulogd2 for psad's NFLOG log, psad -A.
var daemonNames = []string{"scanlogd", "ulogd", "psad"}

// strayDaemons lists the detector daemons running on the machine now, as
// "name pid". After the soak there must be none: each run stops what it
// started, and a process that exits takes its own with it.
func strayDaemons() []string {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		comm, err := os.ReadFile(filepath.Join("/proc", e.Name(), "comm"))
		if err != nil {
			continue
		}
		name := strings.TrimSpace(string(comm))
		for _, d := range daemonNames {
			if name == d {
				out = append(out, fmt.Sprintf("%s %d", name, pid))
			}
		}
	}
	return out
}

// checkDaemons: no detector daemon outlived the runs.
func checkDaemons(stray []string) check {
	detail := "none of scanlogd, ulogd, psad running after the runs"
	if len(stray) > 0 {
		detail = "still running: " + strings.Join(stray, ", ")
	}
	return check{Name: "no detector daemon left", OK: len(stray) == 0, Detail: detail}
}
