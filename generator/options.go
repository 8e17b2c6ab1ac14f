package generator

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// ErrUsage is wrapped by every command-line error: an option nmap 2.02 did
// not have, a bad argument, or an option siglab cannot run yet.
var ErrUsage = errors.New("nmap usage")

// ScanType is one of nmap 2.02's port scan techniques.
type ScanType int

// Scan types, named by their nmap 2.02 options.
const (
	ScanConnect ScanType = iota // -sT, the default
	ScanSYN                     // -sS
	ScanFIN                     // -sF
	ScanXmas                    // -sX
	ScanNull                    // -sN
	ScanUDP                     // -sU
	ScanPing                    // -sP
	ScanBounce                  // -b
	ScanMaimon                  // -sM: FIN|ACK probes (already in 2.01)
)

// PingType is nmap 2.02's host discovery choice.
type PingType int

// Ping types: the default sends an ICMP echo and a TCP ACK per host.
const (
	PingDefault PingType = iota // ICMP echo + TCP ACK to port 80
	PingNone                    // -P0
	PingICMP                    // -PI
	PingACK                     // -PT[port]
	PingSYN                     // -PS[port]
)

// Options is a parsed nmap 2.02 command line.
type Options struct {
	Scan       ScanType
	Ping       PingType
	PingPort   uint16
	OSDetect   bool
	Ports      []uint16 // nil: the default list
	FastPorts  bool     // -F
	NoShuffle  bool     // -r
	Fragment   bool     // -f
	Decoys     []string // -D, "ME" marks the real address
	SourcePort int      // -g, -1 when unset
	Verbose    int
	NormalOut  string // -o FILE (2.0x) or the later spelling -oN FILE
	MachineOut string // -m FILE (2.0x) or the later spelling -oM FILE
	NoDNS      bool   // -n
	BounceHost string // -b [user:pass@]host[:port]
	Source     string // -S: the source address raw probes carry ("": the scanner's)
	Device     string // -e: the interface to send on ("": routed)
	InputFile  string // -i: target specifications from a file, not argv
	MaxSockets int    // -M: connect() scan parallelism cap (0: from the fd limit)
	ResolveAll bool   // -R: name (and report) down hosts too
	QuashArgv  bool   // -q: argv[0] becomes "pine" (nothing on the wire)
	Force      bool   // -N: o.force, set and never read in 2.0x
	AllowAll   bool   // -A: o.allowall++, already 1 in 2.01 (options_init): nothing changes
	// Exit is what -V or -h printed before nmap exited in its option
	// loop (exit(0)): the process prints its banner and this, and sends
	// nothing; the options after it were never read.
	Exit string
	// PingTimeout is -T: massping()'s first timeout in whole seconds
	// (o.ptime, PING_TIMEOUT 6 without it).
	PingTimeout int
	// Notes are the lines 2.0x's option parsing printed (after the
	// banner), in command-line order.
	Notes   []string
	Targets []string
	// IdealTimers is siglab's, not nmap's (no command line sets it): the
	// process's sleeps last exactly as long as asked, instead of ending on
	// the 10 ms ticks of the Linux 2.0 kernel the scanner emulates
	// (timing.go). Set it through Options() between ResolveNmap and Start.
	IdealTimers bool
	Ident       bool // -I: identd owner of each open port (connect scan)
	Debug       int  // -d, each one also a -v
}

// ParseOptions parses an nmap 2.02 command line (without the program
// name) as 2.02's getopt loop did: flags may be clustered (-vO), an
// option's argument may be attached (-p1-25, -PT80) or follow (-p 1-25).
func ParseOptions(args []string) (*Options, error) {
	o := &Options{SourcePort: -1, PingPort: 80, PingTimeout: defaultPingTimeout}
	scanSet := false
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") || a == "-" {
			o.Targets = append(o.Targets, a)
			continue
		}
		if strings.HasPrefix(a, "--") {
			return nil, fmt.Errorf("%w: nmap 2.02 has no option %s (it had no long options)", ErrUsage, a)
		}
		for j := 1; j < len(a); j++ {
			c := a[j]
			if !strings.ContainsRune(flagsWithArg, rune(c)) {
				if err := o.flag(c); err != nil {
					return nil, err
				}
				if o.Exit != "" { // -V, -h: exit(0) inside the loop
					return o, nil
				}
				continue
			}
			arg := a[j+1:]
			if arg == "" {
				if i+1 >= len(args) {
					return nil, fmt.Errorf("%w: option -%c needs an argument", ErrUsage, c)
				}
				i++
				arg = args[i]
			}
			next, err := o.withArg(c, arg, args, i, &scanSet)
			if err != nil {
				return nil, err
			}
			i = next
			break
		}
	}
	if len(o.Targets) == 0 && o.InputFile == "" {
		return nil, fmt.Errorf("%w: no target given", ErrUsage)
	}
	if o.MaxSockets > 0 && o.MaxSockets > maxSD {
		// After option parsing: max_sd() is RLIMIT_NOFILE's hard limit.
		o.note("Your specified max_parallel_sockets of %d, but your system says it might only give us %d.  Trying anyway\n", o.MaxSockets, maxSD)
	}
	return o, nil
}

// flagsWithArg are 2.02's options that take an argument (its getopt
// string was "Ab:D:de:Ffg:hIi:M:m:NnOo:P::p:qRrS:s:T:Vv").
const flagsWithArg = "sPpbDgoSeiMTm"

// maxSockets is MAX_SOCKETS_ALLOWED (nmap.h, 2.01 and 2.05): -M is capped
// there. maxSD is max_sd(), the RLIMIT_NOFILE hard limit of the Linux
// 2.0 host siglab emulates (1024, whence connectWidthCap's 125).
const (
	maxSocketsAllowed = 1025
	maxSD             = 1024
)

// portRanges notes getpts()'s "The first port is %d, and the last one
// is %d" line for each range of -p's argument.
func (o *Options) portRanges(spec string) {
	for _, part := range strings.Split(spec, ",") {
		if lo, hi, err := portRange(part); err == nil {
			o.note("The first port is %d, and the last one is %d\n", lo, hi)
		}
	}
}

func (o *Options) note(format string, args ...any) {
	o.Notes = append(o.Notes, fmt.Sprintf(format, args...))
}

func (o *Options) flag(c byte) error {
	switch c {
	case 'v':
		o.Verbose++
	case 'O':
		o.OSDetect = true
	case 'F':
		o.FastPorts = true
	case 'r':
		o.NoShuffle = true
	case 'f':
		o.Fragment = true
	case 'n':
		o.NoDNS = true
	case 'R':
		o.ResolveAll = true
	case 'q':
		o.QuashArgv = true
	case 'N':
		o.Force = true
	case 'A':
		o.AllowAll = true
	case 'I':
		o.Ident = true
	case 'd':
		o.Debug, o.Verbose = o.Debug+1, o.Verbose+1
	case 'V':
		o.Exit = fmt.Sprintf("\nnmap V. %s by Fyodor (fyodor@dhp.com, www.insecure.org/nmap/)\n", Version)
	case 'h':
		o.Exit = usage()
	default:
		return fmt.Errorf("%w: nmap 2.02 has no option -%c", ErrUsage, c)
	}
	return nil
}

// withArg handles an option with its argument and returns the index of
// the last argv element it consumed.
func (o *Options) withArg(c byte, arg string, args []string, i int, scanSet *bool) (int, error) {
	var err error
	switch c {
	case 's':
		err = o.scanType(arg, scanSet)
	case 'P':
		err = o.pingType(arg)
	case 'p':
		o.Ports, err = ParsePorts(arg)
		if o.Debug > 0 { // getpts() prints its ranges under -d given before -p
			o.portRanges(arg)
		}
	case 'b':
		o.Scan, o.BounceHost = ScanBounce, arg
	case 'D':
		o.Decoys, err = parseDecoys(arg)
	case 'g':
		o.SourcePort, err = parsePort(arg, "-g")
	case 'o':
		return o.output(arg, args, i)
	case 'm':
		if o.MachineOut != "" {
			return i, fmt.Errorf("%w: -m: only one machine log filename allowed", ErrUsage)
		}
		o.MachineOut = arg
	case 'S':
		if o.Source != "" {
			return i, fmt.Errorf("%w: -S: you can only use the source option once", ErrUsage)
		}
		o.Source = arg
	case 'e':
		o.Device = arg
	case 'i':
		err = o.inputFile(arg)
	case 'M':
		err = o.maxSockets(arg)
	case 'T':
		err = o.pingTimeout(arg)
	}
	return i, err
}

// defaultPingTimeout is PING_TIMEOUT, o.ptime's value without -T.
const defaultPingTimeout = 6

// pingTimeout is -T, 2.01's "o.ptime = atoi(optarg)": the seconds
// massping() waits for its first replies. 2.01 read anything that is not
// a number as 0; siglab refuses it instead (one line, exit 2), and a
// negative value with it, which would end every try at once.
func (o *Options) pingTimeout(arg string) error {
	n, err := strconv.Atoi(arg)
	if err != nil || n < 0 {
		return fmt.Errorf("%w: -T: the ping timeout is a whole number of seconds, 0 or more (got %q)", ErrUsage, arg)
	}
	o.PingTimeout = n
	return nil
}

func (o *Options) inputFile(arg string) error {
	if o.InputFile != "" {
		return fmt.Errorf("%w: -i: only one input filename allowed", ErrUsage)
	}
	if arg == "-" {
		return fmt.Errorf("%w: -i -: siglab has no standard input to read targets from; give a file", ErrUsage)
	}
	o.InputFile = arg
	o.note("Reading target specifications from FILE: %s\n", arg)
	return nil
}

// maxSockets is -M as 2.0x's getopt loop took it: atoi, at least 1,
// capped (with a warning) at MAX_SOCKETS_ALLOWED.
func (o *Options) maxSockets(arg string) error {
	n, err := strconv.Atoi(arg)
	if err != nil || n < 1 {
		return fmt.Errorf("%w: -M: argument to -M must be at least 1 (got %q)", ErrUsage, arg)
	}
	if n > maxSocketsAllowed {
		o.note("Warning: You are limited to MAX_SOCKETS_ALLOWD (%d) paralell sockets.  If you really need more, change the #define and recompile.\n", maxSocketsAllowed)
		n = maxSocketsAllowed
	}
	o.MaxSockets = n
	return nil
}

func (o *Options) scanType(arg string, scanSet *bool) error {
	types := map[string]ScanType{"T": ScanConnect, "S": ScanSYN, "F": ScanFIN, "X": ScanXmas, "N": ScanNull, "U": ScanUDP, "P": ScanPing, "M": ScanMaimon}
	t, ok := types[arg]
	if !ok {
		return fmt.Errorf("%w: nmap 2.02 has no scan type -s%s", ErrUsage, arg)
	}
	if *scanSet && o.Scan != t {
		return fmt.Errorf("%w: only one scan type at a time (-s%s after another -s option)", ErrUsage, arg)
	}
	*scanSet, o.Scan = true, t
	return nil
}

// pingType is 2.0x's -P: 0 (or N, D) no ping; I ICMP only; T (or A) the
// TCP ACK ping, S the SYN ping, B both ICMP and ACK (the default), each
// with an optional port. A given port is announced ("TCP probe port is
// N"); without one, T, A and S announce the default only under an
// earlier -v, and B always does.
func (o *Options) pingType(arg string) error {
	switch {
	case arg == "0" || arg == "N" || arg == "D":
		o.Ping = PingNone
	case arg == "I":
		o.Ping = PingICMP
	case strings.ContainsRune("TASB", rune(arg[0])):
		o.Ping = map[byte]PingType{'T': PingACK, 'A': PingACK, 'S': PingSYN, 'B': PingDefault}[arg[0]]
		given := len(arg) > 1
		if given {
			p, err := parsePort(arg[1:], "-P"+arg[:1])
			if err != nil {
				return err
			}
			o.PingPort = uint16(p)
		}
		if given || arg[0] == 'B' || o.Verbose > 0 {
			o.note("TCP probe port is %d\n", o.PingPort)
		}
	default:
		return fmt.Errorf("%w: nmap 2.02 has no ping type -P%s", ErrUsage, arg)
	}
	return nil
}

func (o *Options) output(arg string, args []string, i int) (int, error) {
	// 2.0x's -o takes the log file itself ("-o scan.log", "-oscan.log").
	// An argument of exactly N or M followed by a file is read as the
	// later spellings -oN FILE and -oM FILE, which siglab keeps; so a
	// 2.0x log file named "N" or "M" must be given as ./N or ./M.
	if arg == "N" || arg == "M" {
		if i+1 >= len(args) {
			return i, fmt.Errorf("%w: -o%s needs a file name", ErrUsage, arg)
		}
		i++
		if arg == "N" {
			o.NormalOut = args[i]
		} else {
			o.MachineOut = args[i]
		}
		return i, nil
	}
	if o.NormalOut != "" {
		return i, fmt.Errorf("%w: -o: only one log filename allowed", ErrUsage)
	}
	o.NormalOut = arg
	return i, nil
}

// ParsePorts parses a -p list: ports and ranges separated by commas, where
// a range may be open at either end ("-100" is 1-100, "60000-" is
// 60000-65535). Duplicates are dropped; the list keeps first-seen order.
func ParsePorts(s string) ([]uint16, error) {
	var out []uint16
	// A bitmap, not a map: -p1-65535 inserted 65,535 keys, which took
	// milliseconds of every full-range run.
	var seen [65536 / 64]uint64
	for _, part := range strings.Split(s, ",") {
		lo, hi, err := portRange(part)
		if err != nil {
			return nil, err
		}
		out = slices.Grow(out, min(hi-lo+1, len(seen)*64-len(out)))
		for p := lo; p <= hi; p++ {
			w, bit := p>>6, uint64(1)<<(p&63)
			if seen[w]&bit == 0 {
				seen[w] |= bit
				out = append(out, uint16(p))
			}
		}
	}
	return out, nil
}

func portRange(part string) (int, int, error) {
	if part == "" {
		return 0, 0, fmt.Errorf("%w: empty entry in port list", ErrUsage)
	}
	loS, hiS, isRange := strings.Cut(part, "-")
	if !isRange {
		p, err := parsePort(part, "-p")
		return p, p, err
	}
	lo, hi := 1, 65535
	var err error
	if loS != "" {
		if lo, err = parsePort(loS, "-p"); err != nil {
			return 0, 0, err
		}
	}
	if hiS != "" {
		if hi, err = parsePort(hiS, "-p"); err != nil {
			return 0, 0, err
		}
	}
	if lo > hi {
		return 0, 0, fmt.Errorf("%w: -p: range %s runs backwards", ErrUsage, part)
	}
	return lo, hi, nil
}

func parsePort(s, opt string) (int, error) {
	p, err := strconv.Atoi(s)
	if err != nil || p < 0 || p > 65535 {
		return 0, fmt.Errorf("%w: %s: %q is not a port (0-65535)", ErrUsage, opt, s)
	}
	if p == 0 && opt == "-p" {
		return 0, fmt.Errorf("%w: -p: port 0 cannot be scanned", ErrUsage)
	}
	return p, nil
}

func parseDecoys(s string) ([]string, error) {
	var out []string
	for _, d := range strings.Split(s, ",") {
		if d == "" {
			return nil, fmt.Errorf("%w: -D: empty decoy in %q", ErrUsage, s)
		}
		out = append(out, d)
	}
	if len(out) == 1 && out[0] == "ME" {
		return nil, fmt.Errorf("%w: -D: the decoy list %q names no decoy address", ErrUsage, s)
	}
	return out, nil
}

// String renders the scan type as nmap's option.
func (t ScanType) String() string {
	return [...]string{"-sT", "-sS", "-sF", "-sX", "-sN", "-sU", "-sP", "-b", "-sM"}[t]
}
