package scanlogd

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/siglab/siglab/external"
	"github.com/siglab/siglab/netns/nsthread"
	"golang.org/x/sys/unix"
)

// How a daemon is run (see the package doc):
//
//   - A goroutine locks its OS thread, enters the network namespace,
//     unshares the mount namespace and, in that private copy only,
//     mounts a tmpfs on /dev (with /dev/null and siglab's own /dev/log, a
//     datagram socket this process reads) and one on /run (with
//     /run/scanlogd/empty, the chroot Debian's scanlogd goes to). The
//     thread is never unlocked: it dies when the daemon is stopped, and
//     with it the last reference siglab holds to that mount namespace.
//   - From that thread it starts `sh -c 'scanlogd; read'` in a new PID
//     namespace with PDEATHSIG SIGKILL. The shell is the namespace's
//     init: scanlogd forks its daemon and exits, the daemon is re-parented
//     to the shell, and when the shell dies, by Stop closing its stdin or
//     by the kernel because the thread that started it is gone (siglab
//     was killed), the kernel kills every process in the PID namespace.
//     So no scanlogd outlives siglab, even after SIGKILL.
//   - The shell and the daemon carry ownerEnv in their environment, so
//     Clean can still find and end them should that ever fail.

// ownerEnv marks the processes a siglab process started: its value is
// "<pid>:<start time>" of that siglab process (/proc/<pid>/stat field
// 22), which tells a reused pid.
const ownerEnv = "SIGLAB_SCANLOGD_OWNER"

// Bounds of Start and Stop.
const (
	startTimeout = 5 * time.Second
	// termTimeout bounds the wait after SIGTERM, and after SIGKILL.
	termTimeout = 2 * time.Second
	// settleTimeout bounds the wait for the daemon to read what the
	// kernel queued on its raw socket before it is stopped.
	settleTimeout = 2 * time.Second
)

// Daemon is one scanlogd running in a network namespace. Start makes it;
// Stop ends it and removes everything it had.
type Daemon struct {
	pid   int // the daemon's pid, as this process sees it
	pidfd int // pidfd of the daemon: signals never reach a reused pid
	sh    *exec.Cmd
	stdin io.WriteCloser
	conn  *net.UnixConn // siglab's /dev/log in the daemon's mount namespace
	// release tells the goroutine holding the daemon's thread to return,
	// which ends the thread and its mount namespace.
	release chan struct{}

	stopping   atomic.Bool
	readerDone chan struct{}
	mu         sync.Mutex
	lines      [][]byte // datagrams received on /dev/log, in order

	stopOnce sync.Once
	log      []byte
	recs     []external.Record
	stopErr  error
	dropped  uint64
}

// Start runs Debian's scanlogd inside the network namespace ns (a live
// lab's host namespace, netns.Lab.HostNS, or a replay namespace) with a
// private mount namespace, /dev, /run and PID namespace of its own, and
// returns once the daemon listens on its raw socket. Root only. The
// caller keeps ns open until Stop has returned.
func Start(ns nsthread.Handle) (*Daemon, error) { return start(ns, false) }

// start is Start; detached leaves the daemon running when this process
// dies (no PDEATHSIG, and a shell that waits for nothing): only the
// specs use it, to make the leftovers Clean is for.
func start(ns nsthread.Handle, detached bool) (*Daemon, error) {
	bin, err := lookBinary()
	if err != nil {
		return nil, err
	}
	owner, err := ownerMark(os.Getpid())
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFailed, err)
	}
	d := &Daemon{pidfd: -1, release: make(chan struct{}), readerDone: make(chan struct{})}
	ready := make(chan error, 1)
	go d.hold(ns, bin, owner, detached, ready)
	if err := <-ready; err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFailed, err)
	}
	go d.read()
	register(d)
	return d, nil
}

// lookBinary finds scanlogd: on PATH, or where Debian puts it (a PATH
// without /usr/sbin is common for non-login shells).
func lookBinary() (string, error) {
	if p, err := exec.LookPath("scanlogd"); err == nil {
		return p, nil
	}
	const debian = "/usr/sbin/scanlogd"
	if fi, err := os.Stat(debian); err == nil && fi.Mode().IsRegular() {
		return debian, nil
	}
	return "", ErrMissing
}

// hold runs on a thread of its own for the daemon's whole life (see the
// comment at the top of this file). It reports on ready whether the
// daemon started, then waits for Stop to release it.
func (d *Daemon) hold(ns nsthread.Handle, bin, owner string, detached bool, ready chan<- error) {
	runtime.LockOSThread() // never unlocked: the runtime ends the thread when we return
	if err := d.setup(ns, bin, owner, detached); err != nil {
		if d.conn != nil {
			d.conn.Close()
		}
		ready <- err
		return
	}
	ready <- nil
	<-d.release
}

// setup prepares the calling (locked) thread's namespaces and starts the
// daemon from it.
func (d *Daemon) setup(ns nsthread.Handle, bin, owner string, detached bool) error {
	if err := unix.Setns(int(ns), unix.CLONE_NEWNET); err != nil {
		return fmt.Errorf("enter netns: %w", err)
	}
	if err := unix.Unshare(unix.CLONE_NEWNS); err != nil {
		return fmt.Errorf("unshare the mount namespace: %w", err)
	}
	// Private first: nothing mounted below may propagate to the host.
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("make the mount namespace private: %w", err)
	}
	if err := unix.Mount("siglab-scanlogd", "/dev", "tmpfs", unix.MS_NOSUID|unix.MS_NOEXEC, "mode=0755,size=64k"); err != nil {
		return fmt.Errorf("mount a tmpfs on /dev: %w", err)
	}
	if err := unix.Mknod("/dev/null", unix.S_IFCHR|0o666, int(unix.Mkdev(1, 3))); err != nil {
		return fmt.Errorf("mknod /dev/null: %w", err)
	}
	if err := os.Chmod("/dev/null", 0o666); err != nil { // mknod's mode passed the umask
		return err
	}
	// scanlogd opens its syslog connection (openlog with LOG_NDELAY) as
	// root before it chroots, so this socket needs no wider mode.
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: "/dev/log", Net: "unixgram"})
	if err != nil {
		return fmt.Errorf("bind /dev/log: %w", err)
	}
	d.conn = conn
	if err := unix.Mount("siglab-scanlogd", "/run", "tmpfs", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "mode=0755,size=64k"); err != nil {
		return fmt.Errorf("mount a tmpfs on /run: %w", err)
	}
	// Debian's scanlogd chroots here; root's, and not writable by its
	// user, as the package's init script makes it.
	for _, dir := range []string{"/run/scanlogd", "/run/scanlogd/empty"} {
		if err := os.Mkdir(dir, 0o755); err != nil {
			return err
		}
		if err := os.Chmod(dir, 0o755); err != nil {
			return err
		}
	}
	return d.spawn(bin, owner, detached)
}

// shScript starts scanlogd ($0), says "ready" once its first process has
// exited 0 (its daemon forked and listening), and then waits for stdin to
// close. As the PID namespace's init, the shell takes its namespace's
// processes, the daemon among them, down with it.
const shScript = `"$0" || exit 1; echo ready; read -r line; exit 0`

// detachedScript is shScript for start's detached daemons: the shell
// outlives this process.
const detachedScript = `"$0" || exit 1; echo ready; exec sleep infinity`

// spawn starts the shell from the calling thread (the child inherits its
// network and mount namespaces) and finds the daemon.
func (d *Daemon) spawn(bin, owner string, detached bool) error {
	cmd := exec.Command("/bin/sh", "-c", shScript, bin)
	cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", ownerEnv + "=" + owner}
	cmd.Dir = "/"
	cmd.SysProcAttr = &unix.SysProcAttr{
		Cloneflags: unix.CLONE_NEWPID,
		// Tied to this thread, which lives as long as the daemon should.
		Pdeathsig: unix.SIGKILL,
	}
	if detached {
		cmd.Args[2], cmd.SysProcAttr.Pdeathsig = detachedScript, 0
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start /bin/sh for scanlogd: %w", err)
	}
	d.sh, d.stdin = cmd, stdin
	lines := make(chan string, 1)
	go func() {
		l, _ := bufio.NewReader(stdout).ReadString('\n')
		lines <- l
	}()
	fail := func(err error) error {
		stdin.Close()
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return fmt.Errorf("%w: %s", err, lastLine(msg))
		}
		return err
	}
	select {
	case l := <-lines:
		if l != "ready\n" {
			return fail(errors.New("scanlogd did not start"))
		}
	case <-time.After(startTimeout):
		return fail(fmt.Errorf("scanlogd did not start in %v", startTimeout))
	}
	pid, err := childOf(cmd.Process.Pid)
	if err != nil {
		return fail(err)
	}
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		return fail(fmt.Errorf("pidfd of scanlogd %d: %w", pid, err))
	}
	d.pid, d.pidfd = pid, fd
	return nil
}

// lastLine is the last line of a tool's stderr: the one that says what
// went wrong.
func lastLine(s string) string {
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// childOf finds the one child of ppid: the daemon, re-parented to the
// shell that is its PID namespace's init.
func childOf(ppid int) (int, error) {
	var found []int
	for _, pid := range pids() {
		st, err := readStat(pid)
		if err == nil && st.ppid == ppid {
			found = append(found, pid)
		}
	}
	if len(found) != 1 {
		return 0, fmt.Errorf("want one scanlogd daemon under its shell %d, found %d", ppid, len(found))
	}
	return found[0], nil
}

// read collects what arrives on /dev/log until Stop has ended the daemon
// and the socket has stayed empty for a moment.
func (d *Daemon) read() {
	defer close(d.readerDone)
	buf := make([]byte, 64*1024)
	for {
		_ = d.conn.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		n, _, err := d.conn.ReadFrom(buf)
		if n > 0 {
			d.mu.Lock()
			d.lines = append(d.lines, bytes.Clone(buf[:n]))
			d.mu.Unlock()
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			if d.stopping.Load() {
				return // the daemon is gone and nothing is queued
			}
			continue
		}
		if err != nil {
			return
		}
	}
}

// PID is the daemon's process ID (as this process sees it).
func (d *Daemon) PID() int { return d.pid }

// Dropped is how many packets the kernel dropped on the daemon's raw
// socket because it was full (scanlogd never saw them), as read just
// before Stop ended it; 0 before Stop.
func (d *Daemon) Dropped() uint64 { return d.dropped }

// Stop waits until the daemon has read what the kernel queued for it,
// ends it (SIGTERM, SIGKILL after 2 s), then its PID namespace, mount
// namespace and thread, and returns every line it logged (one datagram
// of syslog's "<25>Mon dd hh:mm:ss scanlogd: ..." per line) and the
// scan records among them. It may be called more than once and returns
// the first call's result.
func (d *Daemon) Stop() (log []byte, recs []external.Record, err error) {
	d.stopOnce.Do(func() {
		unregister(d)
		d.stopErr = d.stop()
		d.mu.Lock()
		for _, l := range d.lines {
			d.log = append(append(d.log, l...), '\n')
		}
		d.mu.Unlock()
		var perr error
		d.recs, perr = Parse(bytes.NewReader(d.log))
		if perr != nil {
			d.stopErr = errors.Join(d.stopErr, fmt.Errorf("%w: read its log: %w", ErrFailed, perr))
		}
	})
	return d.log, d.recs, d.stopErr
}

func (d *Daemon) stop() error {
	var errs []error
	d.settle()
	if err := d.end(); err != nil {
		errs = append(errs, fmt.Errorf("%w: %w", ErrFailed, err))
	}
	// The shell exits once its stdin closes; the kernel then kills what
	// is left in its PID namespace.
	d.stdin.Close()
	waited := make(chan error, 1)
	go func() { waited <- d.sh.Wait() }()
	select {
	case <-waited:
	case <-time.After(termTimeout):
		_ = d.sh.Process.Kill()
		<-waited
	}
	d.stopping.Store(true)
	<-d.readerDone
	if err := d.conn.Close(); err != nil {
		errs = append(errs, fmt.Errorf("close /dev/log: %w", err))
	}
	close(d.release)
	unix.Close(d.pidfd)
	return errors.Join(errs...)
}

// settle waits (up to settleTimeout) until the daemon's raw socket has
// nothing queued, so the packets the kernel delivered last are read
// before the daemon is stopped, and then a moment for it to log. The
// kernel delivers a packet written to a TUN from its backlog, a moment
// after the write; hence the first pause.
func (d *Daemon) settle() {
	time.Sleep(20 * time.Millisecond)
	deadline := time.Now().Add(settleTimeout)
	for {
		queued, drops, err := rawQueue(d.pid)
		if err == nil {
			d.dropped = drops
		}
		if err != nil || queued == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
}

// end sends SIGTERM to the daemon and waits for it to exit, then SIGKILL.
func (d *Daemon) end() error {
	for _, sig := range []unix.Signal{unix.SIGTERM, unix.SIGKILL} {
		err := unix.PidfdSendSignal(d.pidfd, sig, nil, 0)
		if errors.Is(err, unix.ESRCH) {
			return nil // gone already
		}
		if err != nil {
			return fmt.Errorf("signal scanlogd %d: %w", d.pid, err)
		}
		if exited(d.pidfd, termTimeout) {
			return nil
		}
	}
	return fmt.Errorf("scanlogd %d still running after SIGKILL", d.pid)
}

// exited waits up to timeout for the process behind pidfd to exit (a
// pidfd polls readable then, reaped or not).
func exited(pidfd int, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for {
		left := time.Until(deadline)
		if left < 0 {
			left = 0
		}
		fds := []unix.PollFd{{Fd: int32(pidfd), Events: unix.POLLIN}}
		n, err := unix.Poll(fds, int(left/time.Millisecond))
		if errors.Is(err, unix.EINTR) {
			continue
		}
		return err == nil && n > 0
	}
}

// rawQueue reads the receive queue and drop count of the TCP raw
// sockets in pid's network namespace (/proc/<pid>/net/raw: the
// "tx_queue:rx_queue" and "drops" columns).
func rawQueue(pid int) (queued, drops uint64, err error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/net/raw")
	if err != nil {
		return 0, 0, err
	}
	return parseRaw(string(b))
}

// parseRaw sums the queues and drops of /proc/net/raw's IPPROTO_TCP
// sockets (local address "00000000:0006").
func parseRaw(s string) (queued, drops uint64, err error) {
	for i, l := range strings.Split(strings.TrimSpace(s), "\n") {
		f := strings.Fields(l)
		if i == 0 || len(f) < 13 {
			continue // header
		}
		if !strings.HasSuffix(f[1], ":0006") {
			continue
		}
		_, rx, ok := strings.Cut(f[4], ":")
		q, qerr := strconv.ParseUint(rx, 16, 64)
		n, derr := strconv.ParseUint(f[len(f)-1], 10, 64)
		if !ok || qerr != nil || derr != nil {
			return 0, 0, fmt.Errorf("/proc/net/raw line %q", l)
		}
		queued, drops = queued+q, drops+n
	}
	return queued, drops, nil
}

// registry holds the running daemons of this process, for StopAll.
var registry = struct {
	sync.Mutex
	m map[*Daemon]struct{}
}{m: map[*Daemon]struct{}{}}

func register(d *Daemon) {
	registry.Lock()
	registry.m[d] = struct{}{}
	registry.Unlock()
}

func unregister(d *Daemon) {
	registry.Lock()
	delete(registry.m, d)
	registry.Unlock()
}

// StopAll stops every daemon of this process that is still running (for
// a signal handler, beside netns.CloseAll) and returns their errors.
func StopAll() error {
	registry.Lock()
	ds := make([]*Daemon, 0, len(registry.m))
	for d := range registry.m {
		ds = append(ds, d)
	}
	registry.Unlock()
	var errs []error
	for _, d := range ds {
		_, _, err := d.Stop()
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
