package netns

import (
	"bufio"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
)

// mountEntry is one line of /proc/<pid>/mountinfo (proc(5)): a mount as
// the reading process's mount namespace has it. Covered mounts are
// listed too, under the path they were mounted on, which is how Clean
// finds pins that another mount hides.
type mountEntry struct {
	id, parent int
	root       string // the mounted path inside its file system; "net:[N]" for a namespace pin
	point      string // where it is mounted, relative to the reader's root
	fsType     string
	shared     bool // propagation: a member of a peer group ("shared:N")
}

// parseMountinfo reads mountinfo lines: "ID PARENT MAJ:MIN ROOT POINT
// OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS".
func parseMountinfo(r io.Reader) ([]mountEntry, error) {
	var out []mountEntry
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			continue
		}
		pre, post, ok := strings.Cut(line, " - ")
		f, g := strings.Fields(pre), strings.Fields(post)
		if !ok || len(f) < 6 || len(g) < 1 {
			return nil, fmt.Errorf("mountinfo: malformed line %q", line)
		}
		id, err1 := strconv.Atoi(f[0])
		parent, err2 := strconv.Atoi(f[1])
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("mountinfo: malformed line %q", line)
		}
		e := mountEntry{id: id, parent: parent, root: unescapeMount(f[3]), point: unescapeMount(f[4]), fsType: g[0]}
		for _, opt := range f[6:] {
			if strings.HasPrefix(opt, "shared:") {
				e.shared = true
			}
		}
		out = append(out, e)
	}
	return out, sc.Err()
}

// unescapeMount undoes mountinfo's octal escapes of space, tab, newline
// and backslash ("\040").
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// pinsIn lists the names of the siglab pins mounted directly in dir (an
// absolute path without symlinks), covered ones included, each once, in
// mount order.
func pinsIn(mounts []mountEntry, dir string) []string {
	var names []string
	seen := map[string]bool{}
	for _, m := range mounts {
		name := filepath.Base(m.point)
		if filepath.Dir(m.point) != dir || !strings.HasPrefix(name, Prefix) || seen[name] {
			continue
		}
		seen[name] = true
		names = append(names, name)
	}
	return names
}

// mountsAt counts the mounts at point, covered ones included.
func mountsAt(mounts []mountEntry, point string) int {
	n := 0
	for _, m := range mounts {
		if m.point == point {
			n++
		}
	}
	return n
}

// netInode is the namespace a pin holds, from its root "net:[N]".
func netInode(root string) (uint64, bool) {
	s, ok := strings.CutPrefix(root, "net:[")
	if !ok {
		return 0, false
	}
	s, ok = strings.CutSuffix(s, "]")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil
}
