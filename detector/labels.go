package detector

import "slices"

// Suricata's classification.config names and priorities for the two
// classes siglab's labels fall in.
const (
	classScan = "Detection of a Network Scan" // priority 3
	classLeak = "Attempted Information Leak"  // priority 2
)

// LabelInfo is one label of the product contract with the fixed identity
// of its eve alert.
type LabelInfo struct {
	Name     string // the label findings carry, e.g. "scan.tcp-syn"
	SID      int    // Suricata signature_id
	Proto    string // eve proto: TCP, UDP, ICMP, SCTP, or IP (any protocol)
	Category string // Suricata classification name
	Severity int    // that classification's priority
	Text     string // what the label means, for the alert's signature
}

// labelTable is the contract's vocabulary, in the contract's order. It is
// the only list of labels: eve output and the scenario parser's label
// checks are derived from it, so a label cannot be reported without a
// signature or expected by a scenario without being reported. Names come
// from the analyzers' constants, so each is written once. Signature
// numbers are part of the output contract (SIEM rules key on them): a
// label keeps its number forever and a new label takes the next one at
// the end of the table.
var labelTable = []LabelInfo{
	{labelSYNScan, 9000001, "TCP", classScan, 3, "TCP SYN (half-open) port scan"},
	{labelConnect, 9000002, "TCP", classScan, 3, "TCP connect() port scan"},
	{labelFINScan, 9000003, "TCP", classScan, 3, "TCP FIN port scan"},
	{labelXmasScan, 9000004, "TCP", classScan, 3, "TCP Xmas (FIN PSH URG) port scan"},
	{labelNullScan, 9000005, "TCP", classScan, 3, "TCP Null (no flags) port scan"},
	{labelACKScan, 9000006, "TCP", classScan, 3, "TCP ACK port scan"},
	{labelUDP, 9000007, "UDP", classScan, 3, "UDP port scan"},
	{labelSweepEcho, 9000008, "ICMP", classScan, 3, "ICMP echo host sweep"},
	{labelSweepACK, 9000009, "TCP", classScan, 3, "TCP ACK ping host sweep"},
	{labelBounce, 9000010, "TCP", classScan, 3, "FTP bounce port scan"},
	{labelOSDetect, 9000011, "TCP", classLeak, 2, "OS fingerprinting probes"},
	{labelSeqProbe, 9000012, "TCP", classLeak, 2, "TCP sequence predictability sampling"},
	{labelNmap20x, 9000013, "TCP", classLeak, 2, "scanner is nmap 2.0x"},
	{labelNmapModern, 9000014, "TCP", classLeak, 2, "scanner is nmap (current)"},
	{labelOtherTool, 9000015, "TCP", classLeak, 2, "scanner is another known tool"},
	{labelRandomScan, 9000016, "TCP", classScan, 3, "random scan campaign (FAQ figure 1)"},
	{labelExploitsPlus, 9000017, "TCP", classScan, 3, "exploits plus campaign (FAQ figures 4 and 5)"},
	{labelSweepThenScan, 9000018, "TCP", classScan, 3, "sweep-then-scan mapping campaign"},
	{labelDecoy, 9000019, "TCP", classScan, 3, "decoy scan: the same probes from several sources"},
	{labelFragment, 9000020, "TCP", classScan, 3, "probes split into tiny IP fragments"},
	{labelMaimon, 9000021, "TCP", classScan, 3, "TCP Maimon (FIN ACK) port scan"},
	{labelWindowScan, 9000022, "TCP", classScan, 3, "TCP window port scan"},
	{labelCustomScan, 9000023, "TCP", classScan, 3, "TCP port scan with a custom flag set"},
	{labelIPProto, 9000024, "IP", classScan, 3, "IP protocol scan"},
	{labelSCTPInit, 9000025, "SCTP", classScan, 3, "SCTP INIT port scan"},
	{labelSCTPCookie, 9000026, "SCTP", classScan, 3, "SCTP COOKIE ECHO port scan"},
	{labelIdle, 9000027, "TCP", classScan, 3, "idle scan: SYNs spoofed from a zombie whose IP ID the scanner reads"},
	{labelSweepSYN, 9000028, "TCP", classScan, 3, "TCP SYN host sweep (one port or a few across many hosts)"},
	{labelSweepUDP, 9000029, "UDP", classScan, 3, "UDP host sweep (one port or a few across many hosts)"},
	{labelSweepTimestamp, 9000030, "ICMP", classScan, 3, "ICMP timestamp host sweep"},
	{labelSweepMask, 9000031, "ICMP", classScan, 3, "ICMP address mask host sweep"},
	{labelSweepSCTP, 9000032, "SCTP", classScan, 3, "SCTP INIT host sweep"},
	{labelSweepProto, 9000033, "IP", classScan, 3, "IP protocol ping host sweep"},
	{labelVersionProbe, 9000034, "TCP", classLeak, 2, "service and version probes (nmap -sV)"},
	{labelScript, 9000035, "TCP", classLeak, 2, "nmap scripts (NSE) named on the wire"},
}

// labelIndex finds a label's row in labelTable by name, so that WriteEVE
// does not scan the table per finding.
var labelIndex = func() map[string]int {
	m := make(map[string]int, len(labelTable))
	for i, l := range labelTable {
		m[l.Name] = i
	}
	return m
}()

// Labels returns the contract's labels in the contract's order, a copy
// the caller may change.
func Labels() []LabelInfo { return slices.Clone(labelTable) }

// LookupLabel returns the row of the label called name, and false when
// the contract has no such label.
func LookupLabel(name string) (LabelInfo, bool) {
	i, ok := labelIndex[name]
	if !ok {
		return LabelInfo{}, false
	}
	return labelTable[i], true
}
