package generator

import (
	"fmt"
	"net/netip"
	"strings"
)

// machineLog is the machine parsable log of -m (2.0x's spelling) and -oM
// (later nmaps'): nmap_machine_log()'s lines, as 2.01 and 2.05 wrote them
// alike (nmap.c). It has no header line. A ping scan writes "Host: %s (%s)
// Status: Up" per live host; a port scan writes one line per host up:
// "Host: %s (%s)", then " Ports: " and each listed port as
// port/state/protocol/owner//// (the service column came later), or
// " Status: Up" when no port is listed, then with -O " Seq Index: %d"
// (when the sequence report is printed) and " OS: name|name..." (when
// something matched). A subnet broadcast address gets "Status: Smurf".
type machineLog struct {
	b strings.Builder
}

// up records a host a ping scan found.
func (m *machineLog) up(a netip.Addr, name string) {
	fmt.Fprintf(&m.b, "Host: %s (%s) Status: Up\n", a, name)
}

// host records a scanned host: its listed ports, then what OS detection
// concluded (os is nil without -O). inverted is invertfirewalled()'s
// doing, which can leave the list empty after "Ports: ".
func (m *machineLog) host(a netip.Addr, name string, rs []portResult, inverted bool, os *osResult) {
	if len(rs) == 0 && !inverted {
		fmt.Fprintf(&m.b, "Host: %s (%s) Status: Up", a, name)
	} else {
		fmt.Fprintf(&m.b, "Host: %s (%s) Ports: ", a, name)
		for i, r := range rs {
			if i > 0 {
				m.b.WriteString(", ")
			}
			fmt.Fprintf(&m.b, "%d/%s/%s/%s////", r.port, r.state, r.proto, r.owner)
		}
	}
	if os != nil {
		if len(os.seq.Seqs) >= minSeqResponses {
			fmt.Fprintf(&m.b, " Seq Index: %d", os.seq.Index)
		}
		for i, r := range os.matches {
			if i == 0 {
				fmt.Fprintf(&m.b, " OS: %s", r.Name)
			} else {
				fmt.Fprintf(&m.b, "|%s", r.Name)
			}
		}
	}
	m.b.WriteByte('\n')
}

// smurf records a host whose pings other addresses answered.
func (m *machineLog) smurf(a netip.Addr, name string, n int) {
	fmt.Fprintf(&m.b, "Host: %s (%s) Status: Smurf (%d responses)\n", a, name, n)
}
