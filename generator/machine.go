package generator

import (
	"fmt"
	"net/netip"
	"strings"
)

// machineLog is -oM's "machine parsable" log. nmap 2.02's format is not in
// any surviving source; this follows the oldest one found (2.3's
// output.c, "Host: %s (%s)\tPorts: %d/%s/%s/%s/%s/...") without the
// fields 2.0x did not have yet (RPC information, the ignored state):
// one line per host, each port as port/state/protocol/owner/service/
// (the owner empty unless -I got one from identd).
type machineLog struct {
	b strings.Builder
}

// header names the command line, as the normal log's first line does.
func (m *machineLog) header(args []string) {
	fmt.Fprintf(&m.b, "# Log of: nmap %s\n", strings.Join(args, " "))
}

// up records a host a ping scan found.
func (m *machineLog) up(a netip.Addr, name string) {
	fmt.Fprintf(&m.b, "Host: %s (%s)\tStatus: Up\n", a, name)
}

// ports records a scanned host and the ports nmap lists.
func (m *machineLog) ports(a netip.Addr, name string, rs []portResult) {
	fmt.Fprintf(&m.b, "Host: %s (%s)\tPorts: ", a, name)
	for i, r := range rs {
		if i > 0 {
			m.b.WriteString(", ")
		}
		fmt.Fprintf(&m.b, "%d/%s/%s/%s/%s/", r.port, r.state, r.proto, r.owner, serviceName(r.port))
	}
	m.b.WriteByte('\n')
}

// smurf records a host whose pings other addresses answered: nmap.c's
// "Status: Smurf" line, spaced as 2.01 wrote it.
func (m *machineLog) smurf(a netip.Addr, name string, n int) {
	fmt.Fprintf(&m.b, "Host: %s (%s) Status: Smurf (%d responses)\n", a, name, n)
}
