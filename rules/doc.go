// Package rules reads Snort 2, Snort 3 and Suricata rule text for the
// rule lab (issue 14): Parse gives a Set of Rules with header, options
// in order and raw, and typed values of the options siglab will
// evaluate (flags, fragbits, dsize, threshold, detection_filter,
// content); Vars holds address and port variables from Snort's
// ipvar/portvar/var lines, a suricata.yaml (ParseSuricataVars) or
// LabVars, resolved only when asked (Vars.Resolve).
//
// LabVars' HOME_NET is the lab's target side, 198.18.0.0/15 without
// the scanner's 198.18.0.0/24 and the lab's plumbing 198.19.0.0/16
// (where other tools scan from under `siglab capture`), not one /24:
// targets are addressed from 198.18.1.2 up and may outgrow a /24, and
// EXTERNAL_NET (!$HOME_NET) must still hold every scanner for the
// classic rules to fire.
//
// Errors: every fault wraps ErrSyntax (ErrUndefined for a variable no
// Vars defines) and is one line starting "file:line:column: ". Parse
// does not stop at a bad rule: it keeps the good ones and returns the
// faults as Errors, whose message is the first fault and a count.
// A commented-out line that parses as a rule is kept with Disabled
// set; one that does not is a comment. A rule with a keyword outside
// Evaluated is kept and marked (NotEvaluated), never trimmed.
//
// Ownership: Parse and ParseSuricataVars copy what they keep; the
// caller's bytes are not retained. A Set, its Rules and Vars belong to
// the caller; Resolve and Merge return new values and change nothing.
// Nothing here runs goroutines or touches files.
package rules
