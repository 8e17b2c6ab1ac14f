package scenarios

import (
	"maps"
	"slices"
)

// p0fLabels is p0f 3's vocabulary: the `mod=` values its log lines carry
// (start_observation calls in p0f 3.09b's fp_tcp.c, fp_mtu.c, fp_http.c
// and process.c). A p0f expectation names one of these, so a typo such
// as "syn-ack" fails at load time.
var p0fLabels = []string{
	"syn", "syn+ack", "sendsyn probe", "sendsyn response",
	"mtu", "uptime", "host change", "ip sharing",
	"http request", "http response",
}

// Detector names an expectation section may use.
const (
	DetectorReference = "reference"
	DetectorP0f       = "p0f"
)

// vocabularies maps each detector siglab can check to its labels.
var vocabularies = map[string][]string{
	DetectorReference: labels,
	DetectorP0f:       p0fLabels,
}

// Detectors returns the detector names a scenario's expect: may use,
// sorted.
func Detectors() []string { return slices.Sorted(maps.Keys(vocabularies)) }

// DetectorLabels returns det's labels, or nil for an unknown detector.
func DetectorLabels(det string) []string { return slices.Clone(vocabularies[det]) }

// KnownDetectorLabel reports whether l is one of det's labels.
func KnownDetectorLabel(det, l string) bool { return slices.Contains(vocabularies[det], l) }
