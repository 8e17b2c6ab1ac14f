package netns

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/google/nftables"
	"github.com/siglab/siglab/netns/nsthread"
	"github.com/vishvananda/netlink"
	vnetns "github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// What Clean finds besides pins: lab up processes whose lab is gone, and
// lab namespaces that lost their pins while processes stay in them.
//
// Which processes are siglab's to signal: only a lab up process, proved
// by its state file (pid and start time, State.Alive), whose namespaces
// are all unpinned in its own mount namespace (someone deleted them, or
// a Clean --all elsewhere did): it serves nothing, and SIGTERM makes it
// take the rest (its TUN, its state file) down itself and exit. Nothing
// else is ever signalled: a process inside a lab namespace (a shell from
// `ip netns exec`, tcpdump) is the user's, even when the lab is gone.
//
// Which namespaces are siglab's without a pin: one that some thread is
// in (/proc/*/task/*/ns/net), other than the caller's, that holds
// "siglab-" links or siglab's nftables table, and that no mount of any
// mount namespace on the machine pins (every process's
// /proc/PID/mountinfo, once per mount namespace). The links are looked
// at before the mount tables are read, and a lab pins each namespace
// before it adds any link, so a lab being built, by this process or any
// other, in this mount namespace or another, is always seen pinned. Its
// siglab links (TUNs, veths) and table are deleted; the namespace itself
// lives on, empty, until its processes exit. Namespaces that only file
// handles keep (netnstest.HoldNS, a process's open nsfs file) are not
// found: nothing runs in them.

// daemonWait is how long Clean waits for a lab up process to exit after
// SIGTERM.
const daemonWait = 10 * time.Second

// stopDaemons ends the live lab up processes of dir's state files whose
// lab is gone, or with all every live one (through Down), except this
// process's own labs.
func stopDaemons(dir string, all bool) (removed []string, err error) {
	states, _ := readStates(dir) // unreadable files: cleanStates judges them by their names
	open := openIDs()
	var errs []error
	for _, st := range states {
		if open[st.ID] || !st.Alive() {
			continue
		}
		if all {
			if _, err := Down(st.ID, daemonWait); err != nil {
				errs = append(errs, err)
				continue
			}
			removed = append(removed, fmt.Sprintf("lab %s: lab up process %d took it down (SIGTERM)", st.ID, st.PID))
			continue
		}
		if !labGone(st) {
			continue
		}
		if err := unix.Kill(st.PID, unix.SIGTERM); err != nil && !errors.Is(err, unix.ESRCH) {
			errs = append(errs, fmt.Errorf("lab %s: signal pid %d: %w", st.ID, st.PID, err))
			continue
		}
		deadline := time.Now().Add(daemonWait)
		for st.Alive() && time.Now().Before(deadline) {
			time.Sleep(downPoll)
		}
		if st.Alive() {
			errs = append(errs, fmt.Errorf("lab %s: its namespaces are gone but lab up process %d still runs %v after SIGTERM: %w",
				st.ID, st.PID, daemonWait, ErrStillUp))
			continue
		}
		removed = append(removed, fmt.Sprintf("lab up process %d of lab %s (its namespaces were gone; SIGTERM)", st.PID, st.ID))
	}
	return removed, errors.Join(errs...)
}

// labGone reports whether none of st's namespaces is pinned under the run
// directory in the mount namespace of st's process (where it pinned
// them). Unknown (no namespaces recorded, mount table unreadable) is not
// gone.
func labGone(st State) bool {
	mounts, err := readMounts("/proc/" + strconv.Itoa(st.PID) + "/mountinfo")
	if err != nil || len(st.Namespaces) == 0 {
		return false
	}
	dir := realDir(runDir)
	for _, n := range st.Namespaces {
		if mountsAt(mounts, filepath.Join(dir, n)) > 0 {
			return false
		}
	}
	return true
}

// holder is a thread found in a namespace.
type holder struct {
	path string // /proc/PID/task/TID/ns/net
	pid  int
}

func (h holder) String() string {
	comm, _ := os.ReadFile("/proc/" + strconv.Itoa(h.pid) + "/comm")
	if c := strings.TrimSpace(string(comm)); c != "" {
		return fmt.Sprintf("pid %d %s", h.pid, c)
	}
	return fmt.Sprintf("pid %d", h.pid)
}

// cleanUnpinned deletes the siglab links and nftables table of the
// namespaces that threads are in but no pin holds (see above).
func cleanUnpinned() (removed []string, err error) {
	own, err := nsInode("/proc/self/ns/net")
	if err != nil {
		return nil, err
	}
	type candidate struct {
		ino   uint64
		ns    nsthread.Handle
		who   holder
		links []string
		table bool
	}
	var cands []candidate
	defer func() {
		for _, c := range cands {
			c.ns.Close()
		}
	}()
	held := heldNamespaces()
	inos := make([]uint64, 0, len(held))
	for ino := range held {
		inos = append(inos, ino)
	}
	sort.Slice(inos, func(i, j int) bool { return inos[i] < inos[j] })
	for _, ino := range inos {
		if ino == own {
			continue
		}
		ns, err := vnetns.GetFromPath(held[ino].path)
		if err != nil {
			continue // the thread has gone
		}
		if got, err := fdInode(ns); err != nil || got != ino {
			ns.Close() // the thread moved meanwhile
			continue
		}
		links, table, err := siglabContent(ns, ino)
		if err != nil || (len(links) == 0 && !table) {
			ns.Close()
			continue
		}
		cands = append(cands, candidate{ino: ino, ns: ns, who: held[ino], links: links, table: table})
	}
	if len(cands) == 0 {
		return nil, nil
	}
	pinned, err := pinnedNamespaces()
	if err != nil {
		return nil, fmt.Errorf("namespaces without pins: %w", err) // not knowing every pin, touch nothing
	}
	var errs []error
	for _, c := range cands {
		if pinned[c.ino] {
			continue
		}
		where := fmt.Sprintf("in net:[%d] (no pin; %s is in it)", c.ino, c.who)
		gone, err := deleteLinks(c.ns, c.ino, c.links)
		for _, l := range gone {
			removed = append(removed, "link "+l+" "+where)
		}
		if err != nil {
			errs = append(errs, err)
		}
		if c.table {
			if err := deleteTable(c.ns); err != nil {
				errs = append(errs, fmt.Errorf("net:[%d]: delete nftables table ip %s: %w", c.ino, fwTable, err))
			} else {
				removed = append(removed, "nftables table ip "+fwTable+" "+where)
			}
		}
	}
	return removed, errors.Join(errs...)
}

// heldNamespaces maps the network namespaces that threads are in to one
// such thread.
func heldNamespaces() map[uint64]holder {
	out := map[uint64]holder{}
	for _, pid := range pids() {
		tasks, _ := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/task")
		for _, t := range tasks {
			path := "/proc/" + strconv.Itoa(pid) + "/task/" + t.Name() + "/ns/net"
			ino, err := nsInode(path)
			if err != nil {
				continue
			}
			if _, ok := out[ino]; !ok {
				out[ino] = holder{path: path, pid: pid}
			}
		}
	}
	return out
}

// pinnedNamespaces is the set of network namespaces pinned by a mount in
// any mount namespace that a process is in.
func pinnedNamespaces() (map[uint64]bool, error) {
	pinned := map[uint64]bool{}
	seen := map[uint64]bool{}
	read := 0
	for _, pid := range pids() {
		mnt, err := nsInode("/proc/" + strconv.Itoa(pid) + "/ns/mnt")
		if err != nil || seen[mnt] {
			continue
		}
		mounts, err := readMounts("/proc/" + strconv.Itoa(pid) + "/mountinfo")
		if err != nil {
			continue // gone; another process may share its mount namespace
		}
		seen[mnt] = true
		read++
		for _, m := range mounts {
			if ino, ok := netInode(m.root); ok && m.fsType == "nsfs" {
				pinned[ino] = true
			}
		}
	}
	if read == 0 {
		return nil, errors.New("no mount table readable under /proc")
	}
	return pinned, nil
}

// pids lists the processes under /proc.
func pids() []int {
	ents, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range ents {
		if pid, err := strconv.Atoi(e.Name()); err == nil {
			out = append(out, pid)
		}
	}
	return out
}

// nsInode is the inode of the namespace a /proc/.../ns/ link names.
func nsInode(path string) (uint64, error) {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return 0, err
	}
	return st.Ino, nil
}

// siglabContent lists what siglab made in ns: its "siglab-" links and
// whether it has siglab's nftables table.
func siglabContent(ns nsthread.Handle, ino uint64) (links []string, table bool, err error) {
	h, err := openNL(ns, fmt.Sprintf("net:[%d]", ino))
	if err != nil {
		return nil, false, err
	}
	defer h.Close()
	var all []netlink.Link
	for range retries {
		if all, err = h.LinkList(); !errors.Is(err, netlink.ErrDumpInterrupted) {
			break
		}
	}
	if err != nil {
		return nil, false, err
	}
	for _, l := range all {
		if strings.HasPrefix(l.Attrs().Name, Prefix) {
			links = append(links, l.Attrs().Name)
		}
	}
	c, err := nftables.New(nftables.WithNetNSFd(int(ns)))
	if err != nil {
		return links, false, err
	}
	fams, err := fwFamilies(c)
	return links, len(fams) > 0, err
}

// fwFamilies lists the families in which c's namespace has siglab's
// table: inet (ip in labs of earlier siglab versions).
func fwFamilies(c *nftables.Conn) ([]nftables.TableFamily, error) {
	var fams []nftables.TableFamily
	for _, fam := range []nftables.TableFamily{nftables.TableFamilyINet, nftables.TableFamilyIPv4} {
		tables, err := c.ListTablesOfFamily(fam)
		if err != nil {
			return fams, err
		}
		for _, t := range tables {
			if t.Name == fwTable {
				fams = append(fams, fam)
			}
		}
	}
	return fams, nil
}

// deleteLinks deletes the named links in ns; one already gone (a veth
// whose peer went first) is no error.
func deleteLinks(ns nsthread.Handle, ino uint64, names []string) (gone []string, err error) {
	h, err := openNL(ns, fmt.Sprintf("net:[%d]", ino))
	if err != nil {
		return nil, err
	}
	defer h.Close()
	var errs []error
	for _, name := range names {
		l, err := h.LinkByName(name)
		if err == nil {
			err = h.LinkDel(l)
		}
		var nf netlink.LinkNotFoundError
		if err != nil && !errors.Is(err, unix.ENODEV) && !errors.As(err, &nf) {
			errs = append(errs, fmt.Errorf("net:[%d]: delete link %s: %w", ino, name, err))
			continue
		}
		gone = append(gone, name)
	}
	return gone, errors.Join(errs...)
}

// deleteTable deletes siglab's nftables table in ns.
func deleteTable(ns nsthread.Handle) error {
	c, err := nftables.New(nftables.WithNetNSFd(int(ns)))
	if err != nil {
		return err
	}
	fams, err := fwFamilies(c)
	if err != nil {
		return err
	}
	for _, fam := range fams {
		c.DelTable(&nftables.Table{Family: fam, Name: fwTable})
	}
	return c.Flush()
}
