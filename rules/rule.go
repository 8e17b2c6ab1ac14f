package rules

import "net/netip"

// Set is what one rules file holds: its rules (enabled and disabled) in
// file order and the variables it defines (ipvar, portvar, var).
type Set struct {
	Rules []*Rule
	Vars  *Vars
}

// Rule is one parsed rule. Options keeps every option in order with its
// raw value; the fields below it are the ones siglab reads from them.
type Rule struct {
	At       Pos    // the rule's first character (after a "#" when Disabled)
	Text     string // the logical line, continuations joined
	Disabled bool   // commented out ("# alert ...") but a valid rule

	Action   string // alert, log, pass, drop, reject, sdrop, ...
	Proto    string // tcp, udp, icmp, ip, or a Snort 3/Suricata service
	Src, Dst Addr
	SrcPorts Port
	DstPorts Port
	Both     bool // "<>": either direction
	// Transactional is Suricata 7's "=>": the rule matches a request
	// and its response together, an application-layer rule siglab does
	// not evaluate.
	Transactional bool

	Options []Option

	SID, Rev, GID, Priority int
	Msg, Classtype          string

	Contents        []Content
	Flags           *Flags
	Fragbits        *Fragbits
	Dsize           *Dsize
	Threshold       *Threshold
	DetectionFilter *Threshold

	// NotEvaluated is the first option whose keyword is outside
	// Evaluated, nil when siglab can evaluate the whole rule.
	NotEvaluated *Option
}

// Unevaluated says why siglab cannot evaluate the rule, "" if it can.
func (r *Rule) Unevaluated() string {
	if r.Transactional {
		return "not evaluated: transactional rule (=>): its request and response are matched together"
	}
	if r.NotEvaluated == nil {
		return ""
	}
	return "not evaluated: keyword " + r.NotEvaluated.Keyword
}

// Option is one "keyword[:value];" of a rule; Value is as written,
// trimmed of surrounding blanks, quotes and escapes kept.
type Option struct {
	Keyword, Value string
	At             Pos // the keyword
}

// Addr is an address field: exactly one of Any, Var, Prefix or List
// is set (a single address is a full-length Prefix).
type Addr struct {
	Negated bool
	Any     bool
	Var     string // without "$"
	Prefix  netip.Prefix
	List    []Addr
	At      Pos
}

// Port is a port field: Any, Var, a range Lo..Hi (a single port has
// Lo == Hi; ":b" has Lo 0 and "a:" Hi 65535) or a List.
type Port struct {
	Negated bool
	Any     bool
	Var     string
	Lo, Hi  uint16
	List    []Port
	At      Pos
}

// Content is one content match with the modifiers that follow it.
// Depth, Offset, Distance and Within are nil when absent.
type Content struct {
	Negated                         bool
	Bytes                           []byte
	Nocase                          bool
	Depth, Offset, Distance, Within *int
}

// TCP flag bits, as in the header's flags byte.
const (
	FIN uint8 = 1 << iota
	SYN
	RST
	PSH
	ACK
	URG
	ECE // Snort's "2" and "E"
	CWR // Snort's "1" and "C"
)

// Flags is flags:[mod]bits[,mask]. Mod is 0 (exactly these, after the
// mask), '+' (these and any others), '*' (any of these) or '!' (not
// these). Bits 0 is "flags:0", no flag set.
type Flags struct {
	Bits, Mask uint8
	Mod        byte
}

// IP fragment bits, as in the header (shifted down to bits 0-2).
const (
	MF       uint8 = 1 // M
	DF       uint8 = 2 // D
	Reserved uint8 = 4 // R
)

// Fragbits is fragbits:[mod]bits with Flags' modifiers.
type Fragbits struct {
	Bits uint8
	Mod  byte
}

// Dsize is dsize: Op "=" (Min), "<" and ">" (Min), "!" (Min, Suricata)
// or "<>" (Min and Max, exclusive as Snort 2 documents it).
type Dsize struct {
	Op       string
	Min, Max int
}

// Threshold is threshold: or detection_filter: (Type "" for the latter).
type Threshold struct {
	Type, Track    string
	Count, Seconds int
}
