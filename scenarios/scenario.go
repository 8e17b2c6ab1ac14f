package scenarios

import (
	"time"

	"github.com/siglab/siglab/labnet"
)

// Scenario is one scenario file: a test network, the nmap runs and other
// traffic played into it, and what each detector must and must not report.
type Scenario struct {
	Name    string
	Summary string
	// Seed fixes every random draw of the run.
	Seed uint64
	// Start is where an offline run's virtual clock begins (`start:`;
	// simnet.Epoch when zero). nmap 2.02 draws its TTL, and so its SYNs'
	// window, from time(NULL) at a process's first packet, so Start
	// fixes them; live runs use the real clock and ignore it.
	Start time.Time
	// IdealTimers is `timers: ideal`: the scanner's sleeps last exactly
	// what nmap asked, instead of ending on the 10 ms ticks of the Linux
	// 2.0 kernel siglab emulates (`timers: linux-2.0`, the default).
	IdealTimers bool
	// LiveOnly scenarios need real test networks (e.g. a real FTP
	// server); offline runs skip them.
	LiveOnly bool
	// Network is the test network the scenario runs in.
	Network Network
	// Sensor is the `sensor:` section: how the live sensor captures.
	Sensor Sensor
	// Scan holds the nmap 2.02 runs; runs whose times overlap are concurrent.
	Scan []Run
	// Traffic holds ordinary (benign) traffic played alongside or instead
	// of the scans.
	Traffic []Traffic
	Expect  Expect
	// DetectorSet holds the detectors Expect's sections were read
	// against: how to run or read each (never nil after Parse).
	DetectorSet *DetectorSet
	// File is the path the scenario was loaded from ("" when built in code).
	File string
	// Matrix is where the scenario stands in its matrix file (nil when
	// it comes from a plain scenario file).
	Matrix *MatrixPoint
}

// Network is the scenario's `network:` section.
type Network struct {
	Hosts []Host
}

// Host is one target host.
type Host struct {
	// Host is the target as the test network builds it: its Addr is in
	// the lab (when the file gives none, Parse assigns one: 198.18.1.2,
	// .3, ... in file order, skipping addresses other hosts of the file
	// name); its Stack is "kernel" (a real Linux namespace) or
	// "personality/NAME"; its OpenTCP, FilteredTCP and ProhibitedTCP are
	// the file's open, filtered and prohibited lists, OpenUDP its
	// open_udp, FTP its ftp, Identd its identd.
	labnet.Host
	Line int
}

// Run is one nmap 2.02 process started at At after the scenario begins.
type Run struct {
	At time.Duration
	// Nmap is the nmap 2.02 command line without the program name, with
	// host names from the network section as targets.
	Nmap string
	// Srand, when set, is the process's srand() seed (nmap 2.01 seeded
	// glibc's rand() with tv_usec): every random draw of the run follows
	// from it, so a known run can be replayed exactly. Unset, the
	// scenario's seed picks one.
	Srand *uint32
	Line  int
}

// Traffic is ordinary traffic: Count TCP sessions (handshake, a short
// request and reply, orderly close) to Host:Port, or Count DNS lookups to
// Host, Every apart, from At on; or a flood: Count SYNs to Host:Port at
// Rate a second from Sources spoofed addresses, from At on.
type Traffic struct {
	At   time.Duration
	Host string
	Port uint16
	// DNS makes the entry name lookups (UDP to port 53) instead of TCP
	// sessions.
	DNS bool
	// Flood makes the entry a spoofed-source SYN flood (`flood:
	// host:port`); Every is then 0 and Rate and Sources are set.
	Flood bool
	Count int
	Every time.Duration
	// Rate is a flood's SYNs a second.
	Rate int
	// Sources is how many spoofed addresses a flood sends from
	// (labnet.SpoofSources).
	Sources int
	Line    int
}

// Sensor is the `sensor:` section. Its zero value is the default sensor.
type Sensor struct {
	// ReceiveBuffer is the capture socket's receive buffer in bytes
	// (sensor.Options.ReceiveBuffer); 0 leaves the sensor's default.
	ReceiveBuffer int
	// Line is where `sensor:` stands (0 when the file has none).
	Line int
}

// Expect is the scenario's `expect:` section.
type Expect struct {
	// NmapOutput holds strings the nmap output of the runs must contain.
	NmapOutput OutputExpect
	// Detectors maps a detector name ("reference", "p0f", "scanlogd", a
	// declared engine...) to what it must and must not report.
	Detectors map[string]DetectorExpect
	// DetectorOrder lists the Detectors' names in file order.
	DetectorOrder []string
}

// OutputExpect is `expect: nmap_output:`.
type OutputExpect struct {
	Contains []string
	// Lines[i] is where Contains[i] stands in the scenario file.
	Lines []int
	// Line is where `nmap_output:` stands.
	Line int
}

// DetectorExpect is one detector's section under `expect:`.
type DetectorExpect struct {
	Present []Expectation
	Absent  []Expectation
}

// Expectation names a finding by label and, optionally, attributes that
// must all be equal. In YAML it is a bare label (`scan.tcp-syn`) or a map
// with a `label` key (`{label: osdetect, outcome: fingerprinted}`).
type Expectation struct {
	// Label is the finding's label; for a detector whose expectations
	// name fields, the value of its format's key field ("" for any).
	Label string
	// Key is that key field's name for such a detector ("" for label
	// based ones): it is how String writes Label back.
	Key   string
	Attrs map[string]string
	// Line is where the expectation stands in the scenario file.
	Line int
}

// LabHosts is the network's hosts as the simulated and the live network
// take them.
func (n Network) LabHosts() []labnet.Host {
	hosts := make([]labnet.Host, len(n.Hosts))
	for i, h := range n.Hosts {
		hosts[i] = h.Host
	}
	return hosts
}
