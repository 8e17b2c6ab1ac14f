//go:build linux

package netnstest

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/netns"
	"github.com/siglab/siglab/netns/nsthread"
)

// MountNS is a mount namespace of the spec's own whose /run is an empty
// tmpfs, as on a machine just booted: /run/netns does not exist yet (so
// it is no mount point) and /run/siglab holds no state file. Commands
// run in it through nsenter; its mounts do not propagate to the host
// (--propagation private), so neither the host's /run/netns nor the
// siglab runs of other processes on the machine see its pins or state
// files, and the spec may let iproute2 convert its /run/netns. Network
// namespaces, links and processes are not isolated: only mounts and /run.
//
// Lifetime: FreshMountNS starts a holder process (unshare ... sleep) and
// kills it after the spec; once the last process in the namespace is
// gone the kernel drops the namespace, and every pin in it, so whatever
// a failed spec left is released too (persistent TUNs go with their
// namespaces). Processes the spec starts in it are the spec's to end.
type MountNS struct {
	pid   int
	close func() // kills the holder, once
}

// FreshMountNS makes a MountNS for the running spec (root only): a
// private copy of the test's mount namespace without the mounts under
// /run, and a fresh tmpfs there.
func FreshMountNS() *MountNS {
	RequireRoot()
	// The copies of the host's mounts under /run (other runs' pins) are
	// detached first, in the new namespace only: covered by the tmpfs
	// they would still be in its mount table, where Clean looks. A pin
	// its owner removes meanwhile goes by itself (unlinked elsewhere), so
	// failures are looked at once the mount table has settled.
	cmd := exec.Command("unshare", "--mount", "--propagation", "private", "sh", "-c", `
underrun() { findmnt -rn -o TARGET | grep -E '^/run(/|$)' | sort -r; }
for i in 1 2 3 4 5; do
	left=$(underrun)
	[ -z "$left" ] && break
	echo "$left" | while read -r p; do umount -l "$p" 2>/dev/null; done
done
[ -z "$(underrun)" ] || { echo "mounts left under /run:" $(underrun) >&2; exit 1; }
mount -t tmpfs -o mode=0755 siglab-spec-run /run && echo ready && exec sleep infinity`)
	cmd.Stderr = GinkgoWriter
	out, err := cmd.StdoutPipe()
	Expect(err).NotTo(HaveOccurred())
	Expect(cmd.Start()).To(Succeed(), "unshare (util-linux) is needed")
	m := &MountNS{pid: cmd.Process.Pid}
	m.close = sync.OnceFunc(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	DeferCleanup(m.Close)
	line, err := bufio.NewReader(out).ReadString('\n')
	Expect(err).NotTo(HaveOccurred(), "the mount namespace's holder did not start")
	Expect(line).To(Equal("ready\n"))
	return m
}

// Close ends m before the spec does (a loop making many): its holder is
// killed, and with the last process in it the namespace and its pins go.
func (m *MountNS) Close() { m.close() }

// Command is name with args, to run inside m (nsenter execs it, so the
// process's pid is the command's own).
func (m *MountNS) Command(name string, args ...string) *exec.Cmd {
	return exec.Command("nsenter", append([]string{"--mount=/proc/" + strconv.Itoa(m.pid) + "/ns/mnt", "--", name}, args...)...)
}

// Run runs name with args inside m and returns its exit code, stdout
// and stderr (also copied to the spec's output).
func (m *MountNS) Run(name string, args ...string) (code int, stdout, stderr string) {
	var so, se strings.Builder
	cmd := m.Command(name, args...)
	cmd.Stdout = io.MultiWriter(&so, GinkgoWriter)
	cmd.Stderr = io.MultiWriter(&se, GinkgoWriter)
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), so.String(), se.String()
	}
	Expect(err).NotTo(HaveOccurred())
	return 0, so.String(), se.String()
}

// Path is p (absolute) as the host reaches it inside m.
func (m *MountNS) Path(p string) string {
	return "/proc/" + strconv.Itoa(m.pid) + "/root" + p
}

// Mount is one line of m's mount table.
type Mount struct {
	Point  string // where it is mounted, inside m
	FSType string
	Root   string // "net:[N]" for a namespace pin
}

// Mounts is m's mount table, in mount order.
func (m *MountNS) Mounts() []Mount {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(m.pid) + "/mountinfo")
	Expect(err).NotTo(HaveOccurred())
	var out []Mount
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		pre, post, ok := strings.Cut(l, " - ")
		f, g := strings.Fields(pre), strings.Fields(post)
		Expect(ok && len(f) >= 5 && len(g) >= 1).To(BeTrue(), "mountinfo line %q", l)
		out = append(out, Mount{Point: unescapeMount(f[4]), FSType: g[0], Root: unescapeMount(f[3])})
	}
	return out
}

// unescapeMount undoes mountinfo's octal escapes (\040 for a space).
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

// MountsAt counts m's mounts at point, covered ones included.
func (m *MountNS) MountsAt(point string) int {
	n := 0
	for _, mt := range m.Mounts() {
		if mt.Point == point {
			n++
		}
	}
	return n
}

// Pins lists m's namespace pins under /run/netns whose names start with
// netns.Prefix+owner (see Namespaces), as "mount /run/netns/NAME net:[N]",
// covered ones included.
func (m *MountNS) Pins(owner string) []string {
	var out []string
	for _, mt := range m.Mounts() {
		if filepath.Dir(mt.Point) == runDir && strings.HasPrefix(filepath.Base(mt.Point), netns.Prefix+owner) {
			out = append(out, "mount "+mt.Point+" "+mt.Root)
		}
	}
	return out
}

// Leftovers is Leftovers for m: owner's files and pins under m's
// /run/netns, the state files in m's /run/siglab, and every siglab link
// in the test's own namespace.
func (m *MountNS) Leftovers(owner string) []string {
	var out []string
	ents, err := os.ReadDir(m.Path(runDir))
	if err != nil && !os.IsNotExist(err) {
		Expect(err).NotTo(HaveOccurred())
	}
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), netns.Prefix+owner) {
			out = append(out, "netns "+e.Name())
		}
	}
	out = append(out, m.Pins(owner)...)
	states, err := os.ReadDir(m.Path(netns.StateDir))
	if err != nil && !os.IsNotExist(err) {
		Expect(err).NotTo(HaveOccurred())
	}
	for _, e := range states {
		out = append(out, "state "+e.Name())
	}
	for _, l := range RootLinks() {
		out = append(out, "link "+l)
	}
	return out
}

// HoldNS is HoldNS for a namespace pinned in m.
func (m *MountNS) HoldNS(name string) nsthread.Handle {
	return HoldNSAt(m.Path(filepath.Join(runDir, name)))
}

// HoldNSAt opens the namespace file at path (a pin, or /proc/PID/ns/net),
// which keeps the namespace alive; the handle is closed after the spec.
func HoldNSAt(path string) nsthread.Handle {
	f, err := os.Open(path)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(f.Close)
	return nsthread.Handle(f.Fd())
}

// InNetns lists the processes (pid and command) with a thread in the
// network namespace net:[ino]: empty once nothing but file handles and
// pins keeps it, which together with no pin means the namespace is gone.
func InNetns(ino string) []string {
	procs, err := filepath.Glob("/proc/[0-9]*/task/[0-9]*/ns/net")
	Expect(err).NotTo(HaveOccurred())
	var out []string
	for _, p := range procs {
		if l, err := os.Readlink(p); err == nil && l == ino {
			pid := strings.Split(p, "/")[2]
			comm, _ := os.ReadFile("/proc/" + pid + "/comm")
			out = append(out, fmt.Sprintf("%s %s", pid, strings.TrimSpace(string(comm))))
		}
	}
	return out
}
