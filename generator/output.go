package generator

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"
)

// Version is the nmap version siglab replays; it appears in the banner.
const Version = "2.02"

// output collects what the nmap process prints, string for string as
// nmap 2.01/2.05 printed it (nmap-2.0x-internals.md §3.8).
type output struct {
	b       strings.Builder // stdout
	log     strings.Builder // -o's human-readable log: what nmap_log() wrote
	verbose bool
	names   map[netip.Addr]string
	debug   int  // o.debugging: the number of -d options
	ident   bool // o.identscan: the ports table has an Owner column
}

func (o *output) printf(format string, args ...any) { fmt.Fprintf(&o.b, format, args...) }

// logf is nmap_log(): the results go to stdout and to -o's log alike,
// where printf()'s progress, warnings and debugging lines, the banner and
// the closing line go to stdout only.
func (o *output) logf(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	o.b.WriteString(s)
	o.log.WriteString(s)
}

func (o *output) verbosef(format string, args ...any) {
	if o.verbose {
		o.printf(format, args...)
	}
}

// debugf prints what nmap printed under "if (o.debugging >= level)"
// (written "if (o.debugging)" for level 1, "o.debugging > 1" for 2).
func (o *output) debugf(level int, format string, args ...any) {
	if o.debug >= level {
		o.printf(format, args...)
	}
}

// hostLabel is nmap's "%s (%s)": the host's name, empty when it has none
// (giving the double space the FAQ shows), then the address.
func (o *output) hostLabel(a netip.Addr) string { return fmt.Sprintf("%s (%s)", o.names[a], a) }

func (o *output) banner() {
	o.printf("\nStarting nmap V. %s by Fyodor (fyodor@dhp.com, www.insecure.org/nmap/)\n", Version)
}

type portResult struct {
	port  uint16
	state string
	proto string
	owner string // -I: the identd's answer, "" when none
}

func sortResults(rs []portResult) {
	sort.Slice(rs, func(i, j int) bool { return rs[i].port < rs[j].port })
}

// portTable prints the "Interesting ports" table, or the no-open-ports
// line when there is nothing to list; inverted says invertfirewalled()
// replaced the filtered ports with the unfiltered ones.
func (o *output) portTable(a netip.Addr, rs []portResult, inverted bool) {
	if len(rs) == 0 && !inverted {
		o.logf("No ports open for host %s\n", o.hostLabel(a))
		return
	}
	o.logf("Interesting ports on %s:\n", o.hostLabel(a))
	if inverted {
		o.logf("(Not showing ports in state: filtered)\n")
	}
	// printandfreeports(): the header gains "         Owner" whenever -I
	// was given, even for a scan that asks no identd.
	o.logf("Port    State       Protocol  Service")
	if o.ident {
		o.logf("         Owner\n")
	} else {
		o.logf("\n")
	}
	for _, r := range rs {
		o.logf("%-8d%-12s%-11s%-16s%s\n", r.port, r.state, r.proto, serviceName(r.port), r.owner)
	}
	o.logf("\n")
}

// completed is the closing line.
func (o *output) completed(addrs, up int, secs int64) {
	o.printf("Nmap run completed -- %d IP address%s (%d host%s up) scanned in %d second%s\n",
		addrs, plural(addrs, "es"), up, plural(up, "s"), secs, plural(int(secs), "s"))
}

func plural(n int, suffix string) string {
	if n == 1 {
		return ""
	}
	return suffix
}
