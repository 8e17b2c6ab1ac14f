package rulelab

import (
	"fmt"

	"github.com/siglab/siglab/rules"
)

// addrSet is a resolved address field: a list whose plain items are
// ORed (none means any) and whose negated items must all hold, as Snort
// and Suricata read "[a,b,!c]"; the whole may be negated.
type addrSet struct {
	negated bool
	any     bool
	nets    []ipNet    // plain prefixes
	sub     []*addrSet // nested or negated lists and negated prefixes
}

type ipNet struct{ base, mask uint32 }

func (n ipNet) has(ip uint32) bool { return ip&n.mask == n.base }

func (a *addrSet) has(ip uint32) bool {
	return a.inner(ip) != a.negated
}

func (a *addrSet) inner(ip uint32) bool {
	if a.any {
		return true
	}
	hit := false
	for _, n := range a.nets {
		if n.has(ip) {
			hit = true
			break
		}
	}
	return listHas(hit, len(a.nets) > 0, a.sub, ip)
}

func (a *addrSet) neg() bool { return a.negated }

// member is a nested item of a list: a set that may be negated.
type member[V any] interface {
	has(V) bool
	neg() bool
}

// listHas is the list logic of address and port fields: the plain
// items (hit says whether one of the flat ones holds v; plain whether
// there are any) and nested plain lists are ORed, none meaning any, and
// every negated item must hold.
func listHas[V any, S member[V]](hit, plain bool, sub []S, v V) bool {
	for _, s := range sub {
		if !s.neg() {
			plain = true
			hit = hit || s.has(v)
		}
	}
	if plain && !hit {
		return false
	}
	for _, s := range sub {
		if s.neg() && !s.has(v) {
			return false
		}
	}
	return true
}

// newAddrSet builds the set of a resolved Addr; IPv6 prefixes match no
// IPv4 packet.
func newAddrSet(a rules.Addr) (*addrSet, error) {
	s := &addrSet{negated: a.Negated}
	switch {
	case a.Any:
		s.any = true
	case a.Var != "":
		return nil, fmt.Errorf("variable $%s left unresolved", a.Var)
	case a.List != nil:
		for _, it := range a.List {
			sub, err := newAddrSet(it)
			if err != nil {
				return nil, err
			}
			if !sub.negated && sub.sub == nil && !sub.any {
				s.nets = append(s.nets, sub.nets...)
				continue
			}
			s.sub = append(s.sub, sub)
		}
	default:
		if a.Prefix.Addr().Is4() {
			bits := a.Prefix.Bits()
			mask := uint32(0)
			if bits > 0 {
				mask = ^uint32(0) << (32 - bits)
			}
			b := a.Prefix.Addr().As4()
			base := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
			s.nets = append(s.nets, ipNet{base & mask, mask})
		} else {
			// An IPv6 address: a list of no IPv4 network.
			s.sub = append(s.sub, &addrSet{negated: true, any: true})
		}
	}
	return s, nil
}

// portSet is addrSet for ports.
type portSet struct {
	negated bool
	any     bool
	ranges  [][2]uint16
	sub     []*portSet
}

func (p *portSet) has(v uint16) bool { return p.inner(v) != p.negated }

func (p *portSet) inner(v uint16) bool {
	if p.any {
		return true
	}
	hit := false
	for _, r := range p.ranges {
		if v >= r[0] && v <= r[1] {
			hit = true
			break
		}
	}
	return listHas(hit, len(p.ranges) > 0, p.sub, v)
}

func (p *portSet) neg() bool { return p.negated }

func newPortSet(p rules.Port) (*portSet, error) {
	s := &portSet{negated: p.Negated}
	switch {
	case p.Any:
		s.any = true
	case p.Var != "":
		return nil, fmt.Errorf("variable $%s left unresolved", p.Var)
	case p.List != nil:
		for _, it := range p.List {
			sub, err := newPortSet(it)
			if err != nil {
				return nil, err
			}
			if !sub.negated && sub.sub == nil && !sub.any {
				s.ranges = append(s.ranges, sub.ranges...)
				continue
			}
			s.sub = append(s.sub, sub)
		}
	default:
		s.ranges = append(s.ranges, [2]uint16{p.Lo, p.Hi})
	}
	return s, nil
}

// values lists the ports a plain set holds, or false when it is
// negated, any, or holds more than limit ports (too many to index).
func (p *portSet) values(limit int) ([]uint16, bool) {
	if p.negated || p.any || len(p.sub) > 0 {
		return nil, false
	}
	var out []uint16
	for _, r := range p.ranges {
		if int(r[1])-int(r[0])+1+len(out) > limit {
			return nil, false
		}
		for v := int(r[0]); v <= int(r[1]); v++ {
			out = append(out, uint16(v))
		}
	}
	return out, true
}
