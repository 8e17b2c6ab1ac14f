package scenarios

import "github.com/siglab/siglab/external"

// formats are the output formats a detectors file may name, by name.
// p0f's is label-based (its mod= values, p0fLabels) and read by the
// verifier, so it has no entry here but is accepted by name.
var formats = map[string]external.Format{}

// formatP0f is the format name of p0f 3's log.
const formatP0f = "p0f"
