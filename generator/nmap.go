package generator

import (
	"fmt"
	"net/netip"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/siglab/siglab/generator/engine"
	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/wire"
)

// NmapEnv is what an nmap process needs from the scenario around it.
type NmapEnv struct {
	// Host is the scanner host the process runs on.
	Host engine.Host
	// Names maps the lab's host names to addresses; targets may use them.
	Names map[string]netip.Addr
	// Guard refuses targets outside the lab before anything is sent.
	Guard *engine.Guard
	// Seed is the process's srand() seed (nmap 2.01 used tv_usec).
	Seed uint32
}

// NmapCommand is one nmap 2.02 command line checked and resolved against
// a lab: its options, and every target, decoy and FTP proxy address
// approved by the guard. Nothing is drawn or sent yet, and no scanner
// host is needed: a scenario is validated by resolving its commands, and
// run by starting them (Start) on the engine that sends their packets.
type NmapCommand struct {
	args    []string
	opts    *Options
	targets []netip.Addr
	ends    []int                 // where each target specification's hosts end in targets
	names   map[netip.Addr]string // targets given by lab host name print with it
	decoys  []netip.Addr
	me      int // where "ME" stood among the decoys (-1: absent)
	ftp     ftpProxy
	source  netip.Addr // -S (invalid: the scanner's own)
}

// ResolveNmap checks the command line (without the program name) and
// resolves its addresses through names, the lab's host names. Every
// address is checked against guard here, so a target outside the lab
// fails before anything runs.
func ResolveNmap(cmdline string, names map[string]netip.Addr, guard *engine.Guard) (*NmapCommand, error) {
	args := strings.Fields(cmdline)
	o, err := ParseOptions(args)
	if err != nil {
		return nil, err
	}
	c := &NmapCommand{args: args, opts: o, names: map[netip.Addr]string{}}
	if o.Exit != "" { // -V or -h: nmap exits in its option loop, scanning nothing
		return c, nil
	}
	if err := o.runnable(); err != nil {
		return nil, err
	}
	specs, where := o.Targets, func(int) string { return "" }
	if o.InputFile != "" { // 2.0x then reads only the file, never argv
		if specs, where, err = readTargetFile(o.InputFile); err != nil {
			return nil, err
		}
	}
	for k, t := range specs {
		addrs, err := resolveTarget(t, names)
		if err != nil {
			return nil, fmt.Errorf("%s%w", where(k), err)
		}
		for _, a := range addrs {
			if err := guard.Check(a); err != nil {
				return nil, fmt.Errorf("%starget %s: %w", where(k), t, err)
			}
			if _, named := names[t]; named && !o.NoDNS {
				c.names[a] = t
			}
		}
		c.targets = append(c.targets, addrs...)
		c.ends = append(c.ends, len(c.targets))
	}
	if c.decoys, c.me, err = resolveDecoys(o.Decoys, names); err != nil {
		return nil, err
	}
	if c.source, err = resolveSource(o.Source, o.Device, names); err != nil {
		return nil, err
	}
	if o.Scan == ScanBounce {
		if c.ftp, err = parseBounce(o.BounceHost, names); err != nil {
			return nil, err
		}
		if err := guard.Check(c.ftp.addr); err != nil {
			return nil, fmt.Errorf("ftp proxy %s: %w", c.ftp.host, err)
		}
		if _, named := names[c.ftp.host]; named && !o.NoDNS {
			c.names[c.ftp.addr] = c.ftp.host
		}
	}
	return c, nil
}

// Options are the command's parsed options.
func (c *NmapCommand) Options() *Options { return c.opts }

// Targets are the resolved target addresses, in scan order.
func (c *NmapCommand) Targets() []netip.Addr { return slices.Clone(c.targets) }

// Nmap is one nmap 2.02 process: an Actor that scans its targets one host
// at a time and prints what nmap printed.
type Nmap struct {
	Opts    *Options
	p       *process
	out     output
	targets []netip.Addr
	ends    []int // where each target specification's hosts end
	ports   []uint16
	to      timeouts
	cur     phase
	hosts   []*hostResult // one per target, in target order
	pinged  int           // hosts before this index have been through discovery
	specEnd bool          // the last batch of a spec is out: nexthost() refills once more
	host    *hostResult
	ftp     ftpProxy   // -b
	machine machineLog // -m, -oM
	args    []string   // the command line, for -o's "# Log of:" line
	pingTO  timeouts   // the ping's timeouts, adapted across massping calls
	gsize   int        // massping()'s static group size, kept across calls
	stage   int
	hostIdx int
	up      int
	started time.Time
	done    bool
}

// NewNmap prepares an nmap process for the command line (without the
// program name) on env.Host: ResolveNmap, then Start.
func NewNmap(cmdline string, env NmapEnv) (*Nmap, error) {
	c, err := ResolveNmap(cmdline, env.Names, env.Guard)
	if err != nil {
		return nil, err
	}
	return c.Start(env.Host, env.Seed), nil
}

// Start makes the command an nmap process on scanner host h, seeded as
// srand(seed): its first draws (the base source port M, the decoy turn,
// the port shuffle) happen here, in nmap 2.02's order.
func (c *NmapCommand) Start(h engine.Host, seed uint32) *Nmap {
	o := c.opts
	n := &Nmap{Opts: o, out: output{verbose: o.Verbose > 0, names: c.names, debug: o.Debug, ident: o.Ident}, targets: c.targets, ends: c.ends, ftp: c.ftp, gsize: pingBlock}
	n.args = c.args
	n.p = newProcess(h, seed, o.SourcePort)
	if c.source.IsValid() {
		n.p.spoof(c.source)
	}
	n.p.setDecoys(c.decoys, c.me)
	n.p.fragment = o.Fragment
	n.p.idealTimers = o.IdealTimers
	n.p.identScan = o.Ident && o.Scan == ScanConnect
	if o.OSDetect {
		// The reference file is parsed once per process, a few ms: start
		// that now, on another core when there is one, while the port
		// scan runs, so that the OS phase finds it ready (osPhase's call
		// waits for it otherwise, and reports its error as before).
		go osDatabase()
	}
	n.ports = slices.Clone(o.Ports)
	if n.ports == nil && o.Scan != ScanPing { // a ping scan has no port list
		n.ports = defaultPorts(o.FastPorts)
	}
	if !o.NoShuffle && len(n.ports) > 0 { // once per run, before any host is scanned
		n.p.shortfry(n.ports)
	}
	for _, a := range n.targets {
		n.hosts = append(n.hosts, &hostResult{addr: a, to: newTimeouts()})
	}
	n.pingTO = newPingTimeouts(o.PingTimeout)
	return n
}

// runnable refuses the nmap 2.02 options siglab cannot replay yet, so a
// scenario never silently gets different traffic than it asked for.
func (o *Options) runnable() error {
	missing := []struct {
		on   bool
		what string
	}{
		{techniques[o.Scan] == nil && o.Scan != ScanPing && o.Scan != ScanBounce, "scan type " + o.Scan.String()},
		{o.Scan == ScanPing && o.Ping == PingNone, "-sP with -P0 (nothing would be sent)"},
		{o.Scan == ScanPing && o.OSDetect, "-O with -sP (OS detection needs a port scan; 2.0x refused it)"},
	}
	for _, m := range missing {
		if m.on {
			return fmt.Errorf("%w: siglab cannot replay nmap 2.02's %s yet", ErrUsage, m.what)
		}
	}
	return nil
}

// labDevice is the scanner's one interface as nmap 2.0x would name it on
// the Linux 2.0 host siglab emulates.
const labDevice = "eth0"

// resolveSource checks -S and -e as 2.0x's main() did. -e names the
// interface: siglab's scanner has one, eth0; any other fails as
// devname2ipaddr() did. -S without -e: ipaddr2devname() finds no
// interface holding a spoofed address, which 2.0x made fatal (siglab
// cannot tell here whether ADDR is the scanner's own, which nmap would
// have accepted, so it always asks for -e). A spoofed source, like a
// decoy, must lie inside the lab.
func resolveSource(src, dev string, names map[string]netip.Addr) (netip.Addr, error) {
	if dev != "" && dev != labDevice {
		return netip.Addr{}, fmt.Errorf("%w: -e %s: I cannot figure out what source address to use for device %s, does it even exist? (the lab scanner has one interface, %s)", ErrUsage, dev, dev, labDevice)
	}
	if src == "" {
		return netip.Addr{}, nil
	}
	a, ok := names[src]
	if !ok {
		var err error
		if a, err = netip.ParseAddr(src); err != nil || !a.Is4() {
			return netip.Addr{}, fmt.Errorf("%w: -S: failed to resolve source address %q, try dotted decimal IP address", ErrUsage, src)
		}
	}
	if !labnet.Contains(a) {
		return netip.Addr{}, fmt.Errorf("-S source %s: %w", a, labnet.ErrOutsideLab)
	}
	if dev == "" {
		return netip.Addr{}, fmt.Errorf("%w: -S %s: could not figure out what device to send the packet out on with the source address you gave me (to spoof, give -e %s as 2.0x required)", ErrUsage, src, labDevice)
	}
	return a, nil
}

// readTargetFile reads -i's file as grab_next_host_spec() did: target
// specifications separated by blanks, tabs, newlines or NULs. where(k)
// names the file and line of the k-th, for errors.
func readTargetFile(path string) ([]string, func(int) string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: -i: failed to open input file %s for reading", ErrUsage, path)
	}
	var specs []string
	var lines []int
	for n, line := range strings.Split(string(b), "\n") {
		for _, f := range strings.FieldsFunc(line, func(r rune) bool { return r == ' ' || r == '\t' || r == 0 || r == '\r' }) {
			if len(f) > 511 {
				return nil, nil, fmt.Errorf("%w: -i %s, line %d: a host specification is too long (> 512 chars)", ErrUsage, path, n+1)
			}
			specs, lines = append(specs, f), append(lines, n+1)
		}
	}
	if len(specs) == 0 {
		return nil, nil, fmt.Errorf("%w: -i %s: the file names no target", ErrUsage, path)
	}
	return specs, func(k int) string { return fmt.Sprintf("-i %s, line %d: ", path, lines[k]) }, nil
}

// resolveDecoys resolves a -D list; me is the index "ME" stood at (-1
// when absent). Decoys are spoofed sources, so they too must lie inside
// the lab.
func resolveDecoys(list []string, names map[string]netip.Addr) ([]netip.Addr, int, error) {
	me := -1
	var out []netip.Addr
	for _, d := range list {
		if d == "ME" {
			me = len(out)
			continue
		}
		a, ok := names[d]
		if !ok {
			var err error
			if a, err = netip.ParseAddr(d); err != nil || !a.Is4() {
				return nil, 0, fmt.Errorf("%w: -D: cannot resolve decoy %q", ErrUsage, d)
			}
		}
		if !labnet.Contains(a) {
			return nil, 0, fmt.Errorf("decoy %s: %w", a, labnet.ErrOutsideLab)
		}
		out = append(out, a)
	}
	return out, me, nil
}

// resolveTarget turns a target into addresses: a lab host name, an IPv4
// address, or an address/prefix-length block, every address of it. 2.0x
// scanned a block's .0 and .255 too: targets.c's nexthost() skips them
// only when o.allowall is 0, and options_init() sets it to
// !IGNORE_ZERO_AND_255_HOSTS, which nmap.h defines as 0, so allowall is
// 1 with or without -A.
func resolveTarget(t string, names map[string]netip.Addr) ([]netip.Addr, error) {
	if a, ok := names[t]; ok {
		return []netip.Addr{a}, nil
	}
	if a, err := netip.ParseAddr(t); err == nil && a.Is4() {
		return []netip.Addr{a}, nil
	}
	pfx, err := netip.ParsePrefix(t)
	if err != nil || !pfx.Addr().Is4() {
		return nil, fmt.Errorf("%w: cannot resolve target %q (not a lab host, address or block)", ErrUsage, t)
	}
	if pfx.Bits() < 16 {
		return nil, fmt.Errorf("%w: target block %s is larger than a /16", ErrUsage, t)
	}
	var out []netip.Addr
	for a := pfx.Masked().Addr(); pfx.Contains(a); a = a.Next() {
		out = append(out, a)
	}
	return out, nil
}

// Output is everything the process printed so far.
func (n *Nmap) Output() string { return n.out.b.String() }

// smurf is nmap.c's line for a host whose pings were answered from other
// addresses, printed whatever the host's state, with the machine log's
// "Smurf" status. Its "Host  %s (%s)" has two spaces before the name, so
// a host without one shows three.
func (n *Nmap) smurf(h *hostResult) {
	if h.weird == 0 {
		return
	}
	n.out.logf("Host  %s seems to be a subnet broadcast address (returned %d extra pings).  Skipping host.\n", n.out.hostLabel(h.addr), h.weird)
	n.machine.smurf(h.addr, n.out.names[h.addr], h.weird)
}

// MachineOutput is the -m (-oM) log: one line per host.
func (n *Nmap) MachineOutput() string { return n.machine.b.String() }

// LogOutput is the -o (-oN) log: the command line as nmap.c wrote it
// ("# Log of: ", then each argument and a blank), then what nmap_log()
// printed: the hosts' results without the banner, the progress and
// debugging lines or the closing line.
func (n *Nmap) LogOutput() string {
	var b strings.Builder
	b.WriteString("# Log of: nmap ")
	for _, a := range n.args {
		b.WriteString(a)
		b.WriteByte(' ')
	}
	b.WriteByte('\n')
	b.WriteString(n.out.log.String())
	return b.String()
}

// Magic is the process's base source port M.
func (n *Nmap) Magic() uint16 { return n.p.magic }

// phase is one step nmap takes against a host: a port scan engine or OS
// detection. The Nmap actor runs one phase at a time, as nmap did.
type phase interface {
	// wake runs the phase's due work; it returns when it next wants to run.
	wake(now time.Time) (time.Time, error)
	// receive shows the phase a packet that reached the scanner.
	receive(now time.Time, p wire.Packet) time.Time
	// finished reports that the phase is over and its results are in.
	finished() bool
}

// hostResult is what nmap learned about one host, filled in by its
// phases and printed when the host is done.
type hostResult struct {
	addr    netip.Addr
	up      bool         // host discovery found it (always, under -P0)
	to      timeouts     // seeded by the ping's round trip; 6 s under -P0
	ports   []portResult // the ports nmap lists: open and filtered
	scanned int          // how many ports were scanned
	os      *osResult    // nil without -O
	// weird counts echo replies to this host's pings that came from other
	// addresses (wierd_responses): a subnet broadcast address answered by
	// the hosts behind it.
	weird int
}

// firstOpenTCP is the lowest-numbered open TCP port: nmap's OS detection
// always takes it (nmap-2.0x-internals.md §4.1).
func (h *hostResult) firstOpenTCP() (uint16, bool) {
	for _, r := range h.ports { // sorted by port
		if r.state == "open" && r.proto == "tcp" {
			return r.port, true
		}
	}
	return 0, false
}

// Per-host stages, in nmap's order.
const (
	stagePortScan = iota
	stageOSScan
	stageReport
)

// Wake implements Actor.
func (n *Nmap) Wake(now time.Time) (time.Time, bool) {
	if n.done {
		return time.Time{}, true
	}
	if n.started.IsZero() {
		n.started = now
		n.out.banner()
		for _, line := range n.Opts.Notes {
			n.out.printf("%s", line)
		}
		if n.Opts.Exit != "" { // -V, -h: printed, then exit(0)
			n.out.printf("%s", n.Opts.Exit)
			n.done = true
			return time.Time{}, true
		}
		n.startupNotes()
		if n.Opts.Scan == ScanBounce {
			n.out.verbosef("Resolved ftp bounce attack proxy to %s.\n", n.out.hostLabel(n.ftp.addr))
		}
	}
	for {
		if n.cur == nil && !n.advance(now) {
			n.finish(now)
			return time.Time{}, true
		}
		if n.cur == nil {
			continue
		}
		next, err := n.cur.wake(now)
		if err != nil {
			n.done = true
			return time.Time{}, true
		}
		if !n.cur.finished() {
			return next, false
		}
		n.cur = nil
	}
}

// advance moves to the next stage, starting its phase (if it has one);
// it reports false when every host is done.
func (n *Nmap) advance(now time.Time) bool {
	if n.host != nil {
		n.stage++
		switch n.stage {
		case stageOSScan:
			n.cur = n.osPhase(n.host)
		case stageReport:
			n.reportHost()
		}
		return true
	}
	if n.hostIdx >= n.pinged && n.specEnd {
		n.refillEmpty()
		return true
	}
	if n.hostIdx == len(n.hosts) {
		return false
	}
	if n.hostIdx >= n.pinged {
		n.discover()
		return true
	}
	h := n.hosts[n.hostIdx]
	switch {
	case !h.up && n.Opts.Scan == ScanPing:
		// nmap.c's ping-scan branch has its own line, without the port
		// scans' ", skipping it" (2.01 and 2.05 alike), printed under -v
		// or -R.
		if n.out.verbose || n.Opts.ResolveAll {
			n.downLine("Host %s appears to be down.\n", h.addr)
		}
		n.smurf(h)
		n.hostIdx++
	case !h.up:
		if n.out.verbose {
			n.downLine("Host %s appears to be down, skipping it.\n", h.addr)
		}
		n.smurf(h)
		n.hostIdx++
	case n.Opts.Scan == ScanPing:
		n.out.logf("Host %s appears to be up.\n", n.out.hostLabel(h.addr))
		n.machine.up(h.addr, n.out.names[h.addr])
		n.smurf(h)
		n.up++
		n.hostIdx++
	default:
		if n.Opts.Ping != PingNone {
			n.out.verbosef("Host %s appears to be up ... good.\n", n.out.hostLabel(h.addr))
		}
		// 2.01 scans a smurf address that is up all the same ("a smurf
		// address which DID allow port scanning", nmap.c).
		n.smurf(h)
		n.host, n.stage, n.to = h, stagePortScan, h.to
		if n.Opts.Scan == ScanBounce {
			n.cur = newBounceScan(n.p, &n.out, h, n.ports, n.ftp)
		} else {
			s := newPortScan(n.p, &n.out, h, n.ports, &n.to, techniques[n.Opts.Scan], n.Opts.SourcePort >= 0)
			if n.Opts.Scan == ScanConnect && n.Opts.MaxSockets > 0 {
				s.maxWidth = n.Opts.MaxSockets // -M: pos_scan's max_width is o.max_sockets
			}
			n.cur = s
		}
	}
	return true
}

// downLine prints a down host's line: with nmap_log() under -R (so -o's
// log has it), with printf() otherwise.
func (n *Nmap) downLine(format string, a netip.Addr) {
	if n.Opts.ResolveAll {
		n.out.logf(format, n.downLabel(a))
		return
	}
	n.out.printf(format, n.downLabel(a))
}

// downLabel is a down host's "%s (%s)": nmap.c looks its name up
// (gethostbyaddr) only for hosts that are up, or for all under -R, so a
// down host prints with the empty name unless -R.
func (n *Nmap) downLabel(a netip.Addr) string {
	if n.Opts.ResolveAll {
		return n.out.hostLabel(a)
	}
	return fmt.Sprintf(" (%s)", a)
}

// discover starts host discovery for nexthost()'s next batch: up to 500
// hosts of the current target specification (a batch never crosses into
// the next spec), all pinged by one massping() call before the first of
// them is scanned; under -P0 every host is taken as up.
func (n *Nmap) discover() {
	end := len(n.hosts)
	for _, e := range n.ends {
		if e > n.hostIdx {
			end = e
			break
		}
	}
	batch := n.hosts[n.hostIdx:min(n.hostIdx+pingLookahead, end)]
	n.pinged = n.hostIdx + len(batch)
	n.specEnd = n.pinged == end
	if n.Opts.Ping == PingNone {
		for _, h := range batch {
			h.up = true
		}
		return
	}
	n.cur = newPingPhase(n.p, &n.out, n.Opts, batch, &n.pingTO, &n.gsize)
}

// refillEmpty is nexthost()'s last call for a spec: its hosts are all
// scanned, the refill finds none, and under -PI alone (o.pingtype ==
// PINGTYPE_ICMP) it still calls massping() on the empty batch, which
// draws its echo id and, under -d, prints its "massping done" line.
func (n *Nmap) refillEmpty() {
	n.specEnd = false
	if n.Opts.Ping == PingICMP {
		n.cur = newPingPhase(n.p, &n.out, n.Opts, nil, &n.pingTO, &n.gsize)
	}
}

// osPhase returns the OS detection phase for h, or nil without -O.
func (n *Nmap) osPhase(h *hostResult) phase {
	if !n.Opts.OSDetect {
		return nil
	}
	db, err := osDatabase()
	return newOSScan(n.p, &n.out, h, &n.to, db, err)
}

// Receive implements Actor.
func (n *Nmap) Receive(now time.Time, p wire.Packet) time.Time {
	if n.cur == nil {
		return time.Time{}
	}
	return n.cur.receive(now, p)
}

func (n *Nmap) reportHost() {
	ports, inverted := n.listed(n.host)
	n.out.portTable(n.host.addr, ports, inverted)
	n.out.osReport(n.host.os, n.Opts.Verbose)
	n.out.debugTimes(n.to)
	n.machine.host(n.host.addr, n.out.names[n.host.addr], ports, inverted, n.host.os)
	n.up++
	n.host = nil
	n.hostIdx++
}

// listed is the host's port list as printandfreeports() prints it. When
// more than 10 ports, and over 60% of the ports scanned, are filtered,
// invertfirewalled() first lists every scanned port that is neither open
// nor filtered as "unfiltered" instead, drops the filtered ones, and
// reports that it did.
func (n *Nmap) listed(h *hostResult) (rs []portResult, inverted bool) {
	filtered := 0
	for _, r := range h.ports {
		if r.state == "filtered" {
			filtered++
		}
	}
	if filtered <= 10 || float64(filtered)/float64(len(n.ports)) <= 0.6 {
		return h.ports, false
	}
	proto := "tcp"
	if n.Opts.Scan == ScanUDP {
		proto = "udp"
	}
	known := make(map[uint16]portResult, len(h.ports))
	for _, r := range h.ports {
		known[r.port] = r
	}
	for _, p := range n.ports {
		r, ok := known[p]
		switch {
		case !ok:
			rs = append(rs, portResult{port: p, state: "unfiltered", proto: proto})
		case r.state != "filtered":
			rs = append(rs, r)
		}
	}
	sortResults(rs)
	return rs, true
}

func (n *Nmap) finish(now time.Time) {
	n.done = true
	n.out.completed(len(n.targets), n.up, now.Unix()-n.started.Unix())
}
