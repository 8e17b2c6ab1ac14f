package netns

import (
	"strconv"
	"strings"
)

// Prefix starts every namespace and link name siglab makes.
const Prefix = "siglab-"

// parseName splits "siglab-<pid>-<seq>-<role>" into the lab ID and pid.
func parseName(name string) (id string, pid int, ok bool) {
	rest, found := strings.CutPrefix(name, Prefix)
	if !found {
		return "", 0, false
	}
	parts := strings.SplitN(rest, "-", 3)
	if len(parts) != 3 {
		return "", 0, false
	}
	pid, err := strconv.Atoi(parts[0])
	if err != nil || pid <= 0 {
		return "", 0, false
	}
	if _, err := strconv.ParseUint(parts[1], 10, 64); err != nil {
		return "", 0, false
	}
	return parts[0] + "-" + parts[1], pid, true
}
