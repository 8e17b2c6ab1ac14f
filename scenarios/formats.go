package scenarios

import (
	"github.com/siglab/siglab/external"
	engines "github.com/siglab/siglab/external/formats"
	"github.com/siglab/siglab/external/psad"
	"github.com/siglab/siglab/external/scanlogd"
	"sync"
)

// formats are the output formats a detectors file may name, by name:
// the engines' (eve, snort-fast, snort3-json, zeek-notice) and the
// daemons siglab runs itself (psad, scanlogd; their sections name them
// directly).
// p0f's is label-based (its mod= values, p0fLabels) and read by the
// verifier, so it has no entry here but is accepted by name.
var formats = sync.OnceValue(func() map[string]external.Format {
	m := map[string]external.Format{}
	for _, f := range append(engines.Builtin(), psad.Format, scanlogd.Format) {
		m[f.Name] = f
	}
	return m
})

// formatP0f is the format name of p0f 3's log.
const formatP0f = "p0f"
