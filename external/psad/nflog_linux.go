package psad

import (
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/google/nftables"
	"github.com/google/nftables/binaryutil"
	"github.com/google/nftables/expr"
	"github.com/siglab/siglab/netns/nsthread"
	"golang.org/x/sys/unix"
)

// NFLOG is a live firewall log of one lab host: an NFLOG rule on the
// input hook of the host's namespace and ulogd2, started by siglab in
// that namespace, writing what the rule logs as LOGEMU lines (Dialect
// ULOG). The kernel's LOG target would write nothing there
// (nf_log_syslog logs only in the initial namespace unless the host-wide
// sysctl net.netfilter.nf_log_all_netns is set, which siglab never
// touches); NFLOG hands packets to whoever listens on the group in the
// rule's own namespace, which is why ulogd2 runs in it.
//
// Ownership: StartNFLOG's caller owns the NFLOG and must call Stop, which
// removes the rule's table, ends ulogd2 and removes its temporary
// directory ("siglab-psad-<pid>-*", which Clean removes, with the ulogd
// process, after a crash). The namespace stays the caller's.
type NFLOG struct {
	ns      nsthread.Handle
	group   uint16
	dir     string
	emu     string
	cmd     *exec.Cmd
	exited  chan error
	table   *nftables.Table
	stopped bool
	// release ends the thread that started ulogd2, after ulogd2 is gone
	// (its Pdeathsig is bound to that thread: nsthread.Hold).
	release func()
}

// startTimeout bounds how long ulogd2 may take to bind its group, and
// stopTimeout how long Stop waits for the last lines and for ulogd2 to
// exit.
const (
	startTimeout = 10 * time.Second
	stopTimeout  = 5 * time.Second
)

// StartNFLOG starts logging every packet to targets that reaches the
// input hook of namespace ns (after reassembly, before the host's own
// firewall table, whose input chain has priority 0): `ip daddr TARGET
// counter log prefix PREFIX group G queue-threshold 1` in a table of its
// own, chain priority -10. ulogd2 is bound to the group before the rule
// exists, so no packet is lost.
func StartNFLOG(ns nsthread.Handle, targets []netip.Addr, prefix string) (n *NFLOG, err error) {
	return StartNFLOGAccepting(ns, targets, prefix, nil)
}

// StartNFLOGAccepting is StartNFLOG for hosts whose firewall accepts
// their services before the logging rule (LogOptions.Accepted): packets
// to those ports are accepted by the table's chain before its log rule.
func StartNFLOGAccepting(ns nsthread.Handle, targets []netip.Addr, prefix string, accepted map[netip.Addr]Services) (n *NFLOG, err error) {
	bin, err := lookSbin("ulogd")
	if err != nil {
		return nil, ErrULOGDMissing
	}
	for _, t := range targets {
		if !t.Is4() {
			return nil, fmt.Errorf("%w: target %s is not IPv4", ErrNFLOG, t)
		}
	}
	dir, err := tempDir()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNFLOG, err)
	}
	n = &NFLOG{ns: ns, group: nextGroup(), dir: dir, emu: filepath.Join(dir, "emu.log")}
	defer func() {
		if err != nil {
			_, serr := n.Stop()
			err = errors.Join(err, serr)
		}
	}()
	logPath, conf := filepath.Join(dir, "ulogd.log"), filepath.Join(dir, "ulogd.conf")
	if err := os.WriteFile(conf, []byte(ulogdConfig(n.group, n.emu, logPath)), 0o600); err != nil {
		return n, fmt.Errorf("%w: %w", ErrNFLOG, err)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(bin, "-c", conf)
	cmd.Dir, cmd.Stdout, cmd.Stderr = dir, &stderr, &stderr
	cmd.Env = append(os.Environ(), "TZ=UTC") // LOGEMU's ctime(3) stamps, as LogLines writes them
	// ulogd2 goes when siglab does, even by SIGKILL.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	// The child inherits the thread's namespace; the thread stays until
	// Stop, so ulogd2's Pdeathsig fires only if siglab dies.
	release, err := nsthread.Hold(ns, cmd.Start)
	n.release = release
	if err != nil {
		return n, fmt.Errorf("%w: start ulogd: %w", ErrNFLOG, err)
	}
	n.cmd, n.exited = cmd, make(chan error, 1)
	go func() { n.exited <- cmd.Wait() }()
	if err := n.awaitReady(logPath, &stderr); err != nil {
		return n, err
	}
	if err := n.addRule(targets, prefix, accepted); err != nil {
		return n, err
	}
	return n, nil
}

// awaitReady waits until ulogd2 says it has bound its group.
func (n *NFLOG) awaitReady(logPath string, stderr *bytes.Buffer) error {
	deadline := time.Now().Add(startTimeout)
	for time.Now().Before(deadline) {
		if b, _ := os.ReadFile(logPath); bytes.Contains(b, []byte(readyMark)) {
			return nil
		}
		select {
		case err := <-n.exited:
			n.exited <- err
			b, _ := os.ReadFile(logPath)
			return fmt.Errorf("%w: ulogd exited: %v: %s", ErrNFLOG, err, lastLine(stderr.String(), string(b)))
		case <-time.After(10 * time.Millisecond):
		}
	}
	return fmt.Errorf("%w: ulogd did not bind NFLOG group %d within %s", ErrNFLOG, n.group, startTimeout)
}

// addRule installs the capture's table, chain and one rule per target in
// one netlink batch.
func (n *NFLOG) addRule(targets []netip.Addr, prefix string, accepted map[netip.Addr]Services) error {
	c, err := nftables.New(nftables.WithNetNSFd(int(n.ns)))
	if err != nil {
		return fmt.Errorf("%w: nftables: %w", ErrNFLOG, err)
	}
	t := c.AddTable(&nftables.Table{Family: nftables.TableFamilyIPv4, Name: tableName(n.group)})
	accept := nftables.ChainPolicyAccept
	prio := nftables.ChainPriority(-10)
	ch := c.AddChain(&nftables.Chain{Name: "input", Table: t, Type: nftables.ChainTypeFilter,
		Hooknum: nftables.ChainHookInput, Priority: &prio, Policy: &accept})
	for _, target := range targets {
		a := target.As4()
		svc := accepted[target]
		for _, port := range svc.TCP {
			c.AddRule(acceptRule(t, ch, a, unix.IPPROTO_TCP, port))
		}
		for _, port := range svc.UDP {
			c.AddRule(acceptRule(t, ch, a, unix.IPPROTO_UDP, port))
		}
		c.AddRule(&nftables.Rule{Table: t, Chain: ch, Exprs: []expr.Any{
			&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseNetworkHeader, Offset: 16, Len: 4},
			&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: a[:]},
			&expr.Counter{},
			&expr.Log{Key: 1<<unix.NFTA_LOG_GROUP | 1<<unix.NFTA_LOG_PREFIX | 1<<unix.NFTA_LOG_QTHRESHOLD,
				Group: n.group, QThreshold: 1, Data: []byte(prefix)},
		}})
	}
	if err := c.Flush(); err != nil {
		return fmt.Errorf("%w: install rule: %w (does the kernel have nf_tables and nfnetlink_log?)", ErrNFLOG, err)
	}
	n.table = t
	return nil
}

// acceptRule is `ip daddr A meta l4proto PROTO th dport PORT accept`:
// the verdict ends this chain only, so the host's own table still sees
// the packet, but the log rule after it does not.
func acceptRule(t *nftables.Table, ch *nftables.Chain, a [4]byte, proto byte, port uint16) *nftables.Rule {
	return &nftables.Rule{Table: t, Chain: ch, Exprs: []expr.Any{
		&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseNetworkHeader, Offset: 16, Len: 4},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: a[:]},
		&expr.Meta{Key: expr.MetaKeyL4PROTO, Register: 1},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{proto}},
		&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseTransportHeader, Offset: 2, Len: 2},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: binaryutil.BigEndian.PutUint16(port)},
		&expr.Verdict{Kind: expr.VerdictAccept},
	}}
}

// logged is how many packets the rule matched: its counters.
func (n *NFLOG) logged() (uint64, error) {
	c, err := nftables.New(nftables.WithNetNSFd(int(n.ns)))
	if err != nil {
		return 0, err
	}
	rules, err := c.GetRules(n.table, &nftables.Chain{Name: "input", Table: n.table})
	if err != nil {
		return 0, err
	}
	var total uint64
	for _, r := range rules {
		for _, e := range r.Exprs {
			if ctr, ok := e.(*expr.Counter); ok {
				total += ctr.Packets
			}
		}
	}
	return total, nil
}

// Stop waits until ulogd2 has written a line for every packet the rule
// matched, removes the rule's table, ends ulogd2 and the temporary
// directory, and returns the lines, in the order the packets arrived.
// It may be called once; it cleans up also when it fails.
func (n *NFLOG) Stop() (lines []string, err error) {
	if n.stopped {
		return nil, fmt.Errorf("%w: stopped twice", ErrNFLOG)
	}
	n.stopped = true
	var errs []error
	if n.table != nil {
		want, cerr := n.logged()
		if cerr != nil {
			errs = append(errs, fmt.Errorf("%w: read counters: %w", ErrNFLOG, cerr))
		}
		deadline := time.Now().Add(stopTimeout)
		for cerr == nil {
			b, _ := os.ReadFile(n.emu)
			lines = ulogdLines(b)
			if uint64(len(lines)) >= want {
				break
			}
			if time.Now().After(deadline) {
				errs = append(errs, fmt.Errorf("%w: the rule matched %d packets, ulogd wrote %d lines", ErrNFLOG, want, len(lines)))
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		if c, err := nftables.New(nftables.WithNetNSFd(int(n.ns))); err != nil {
			errs = append(errs, fmt.Errorf("%w: nftables: %w", ErrNFLOG, err))
		} else {
			c.DelTable(n.table)
			if err := c.Flush(); err != nil && !errors.Is(err, unix.ENOENT) {
				errs = append(errs, fmt.Errorf("%w: remove table %s: %w", ErrNFLOG, n.table.Name, err))
			}
		}
	}
	if n.cmd != nil {
		_ = n.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-n.exited:
		case <-time.After(stopTimeout):
			_ = n.cmd.Process.Kill()
			<-n.exited
		}
	}
	if n.release != nil {
		n.release()
	}
	if b, rerr := os.ReadFile(n.emu); rerr == nil {
		lines = ulogdLines(b)
	}
	if err := os.RemoveAll(n.dir); err != nil {
		errs = append(errs, err)
	}
	return lines, errors.Join(errs...)
}
