// Package scenarios reads scenario files: a test network, the nmap 2.02
// runs and ordinary traffic played into it, and what each detector must
// and must not report (the product contract, "Scenario files").
//
// Parse, LoadFile and Load turn YAML into *Scenario values and check them
// completely, so that later stages (generator, lab, verifier) never see a
// scenario that cannot run: every error is one line, `file:line: what is
// wrong`, and wraps ErrInvalid. Catalogue and Find serve the built-in
// scenarios, the *.yaml files next to this package, embedded at build time.
//
// A scenario's expect: sections are read against a DetectorSet: the
// built-in detectors (reference, p0f, scanlogd, psad) and the engines a
// detectors file declares (LoadDetectors; Load finds a detectors.yaml
// next to the scenario files). Sections of detectors whose output has
// fields (external.Format) name those fields, checked at load time.
//
// Ownership: every call returns freshly parsed values; the caller owns
// them and may change them. The one thing shared is the built-in
// DetectorSet (Builtin), which nothing changes after package
// initialisation; a scenario's DetectorSet points at it or at its
// detectors file's set. Nothing here touches the network.
package scenarios
