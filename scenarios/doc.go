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
// Ownership: every call returns freshly parsed values; the caller owns
// them and may change them. Nothing is cached or shared between calls, and
// nothing here touches the network.
package scenarios
