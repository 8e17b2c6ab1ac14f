package rules

import _ "embed"

// classicText is siglab's own rendering of the classic nmap scan rules
// (Snort's scan.rules and icmp.rules, Emerging Threats' scan rules),
// written from the keywords their published signatures use.
//
//go:embed classic.rules
var classicText []byte

// ClassicFile is the name Classic's positions and errors carry.
const ClassicFile = "classic.rules"

// ClassicText returns a copy of the classic set's rule text.
func ClassicText() []byte { return append([]byte(nil), classicText...) }

// Classic parses the classic set: the rule lab's built-in rules, the
// ones the `rules` detector of every scenario is checked against.
func Classic() *Set {
	s, err := Parse(ClassicFile, classicText)
	if err != nil {
		panic("rules: the embedded classic set does not parse: " + err.Error())
	}
	return s
}
