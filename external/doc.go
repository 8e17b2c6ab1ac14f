// Package external holds what every detector under test has in common:
// the Record one of them reported, in its own vocabulary, and the Format
// that reads a tool's output into Records.
//
// The detectors themselves live in the subpackages: scanlogd and psad
// (Debian's daemons, run by siglab live in the test network and, as
// root, offline on a capture), and formats, the parsers for the output
// of engines siglab does not run itself (Suricata's eve.json, Snort 2's
// alert_fast, Snort 3's alert_json, Zeek's notice.log). The verifier
// checks a scenario's sections for these detectors against Records, in
// each tool's own field names.
//
// Ownership: a Record is a plain value; parsers return fresh Records
// and keep nothing of the input they read.
package external
