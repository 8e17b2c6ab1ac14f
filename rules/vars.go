package rules

import (
	"fmt"

	"github.com/siglab/siglab/labnet"
	"go.yaml.in/yaml/v3"
)

// Var is one variable's value as written and where it was defined.
type Var struct {
	Value string
	At    Pos
}

// Vars holds address and port variables by name (without "$"). Snort's
// "var" defines both kinds, as Snort 2 lets either use it.
type Vars struct {
	Addrs map[string]Var
	Ports map[string]Var
}

// LabVars is the lab's defaults: HOME_NET is the lab's target side
// (labnet.Range without labnet.ScannerSide, where siglab's scanner and
// decoys live, and without labnet.Infra, where other tools scan from
// under `siglab capture`), so EXTERNAL_NET, its negation, holds every
// scanner, as the classic rules expect of an attacker; the port groups
// are Suricata's defaults.
func LabVars() *Vars {
	v := &Vars{}
	at := Pos{File: "lab defaults"}
	addr := map[string]string{
		"HOME_NET":     "[" + labnet.Range.String() + ",!" + labnet.ScannerSide.String() + ",!" + labnet.Infra.String() + "]",
		"EXTERNAL_NET": "!$HOME_NET",
		"HTTP_SERVERS": "$HOME_NET", "SMTP_SERVERS": "$HOME_NET", "SQL_SERVERS": "$HOME_NET",
		"DNS_SERVERS": "$HOME_NET", "TELNET_SERVERS": "$HOME_NET", "SSH_SERVERS": "$HOME_NET",
	}
	port := map[string]string{
		"HTTP_PORTS": "80", "SHELLCODE_PORTS": "!80", "ORACLE_PORTS": "1521",
		"SSH_PORTS": "22", "DNP3_PORTS": "20000", "MODBUS_PORTS": "502",
		"FILE_DATA_PORTS": "[$HTTP_PORTS,110,143]", "FTP_PORTS": "21",
	}
	for k, s := range addr {
		v.set(true, k, Var{s, at})
	}
	for k, s := range port {
		v.set(false, k, Var{s, at})
	}
	return v
}

func (v *Vars) set(addr bool, name string, x Var) {
	if v.Addrs == nil {
		v.Addrs, v.Ports = map[string]Var{}, map[string]Var{}
	}
	if addr {
		v.Addrs[name] = x
	} else {
		v.Ports[name] = x
	}
}

// Merge returns v with o's definitions added, o's winning.
func (v *Vars) Merge(o *Vars) *Vars {
	m := &Vars{}
	for _, src := range []*Vars{v, o} {
		if src == nil {
			continue
		}
		for k, x := range src.Addrs {
			m.set(true, k, x)
		}
		for k, x := range src.Ports {
			m.set(false, k, x)
		}
	}
	return m
}

// define reads "ipvar NAME value", "portvar NAME value", "var NAME value".
func (v *Vars) define(kind string, t text) error {
	f := fields(t)
	if len(f) != 3 {
		return errAt(t.at(0), "%s wants a name and a value", kind)
	}
	if !validName(f[1].s) {
		return errAt(f[1].at(0), "bad variable name %q", f[1].s)
	}
	x := Var{f[2].s, f[2].at(0)}
	switch kind {
	case "ipvar":
		if _, err := parseAddr(f[2]); err != nil {
			return err
		}
		v.set(true, f[1].s, x)
	case "portvar":
		if _, err := parsePort(f[2]); err != nil {
			return err
		}
		v.set(false, f[1].s, x)
	default:
		v.set(true, f[1].s, x)
		v.set(false, f[1].s, x)
	}
	return nil
}

// ParseSuricataVars reads the vars: address-groups: and port-groups: of
// a suricata.yaml; the rest of the file is not siglab's business.
func ParseSuricataVars(file string, data []byte) (*Vars, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %s: %w", file, oneLine(err.Error()), ErrSyntax)
	}
	v := &Vars{Addrs: map[string]Var{}, Ports: map[string]Var{}}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	vars := lookup(root, "vars")
	if vars == nil {
		return v, nil
	}
	for _, g := range []struct {
		key  string
		addr bool
	}{{"address-groups", true}, {"port-groups", false}} {
		n := lookup(vars, g.key)
		if n == nil {
			continue
		}
		if n.Kind != yaml.MappingNode {
			return nil, errAt(Pos{file, n.Line, n.Column}, "%s is not a mapping", g.key)
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			at := Pos{file, val.Line, val.Column}
			if val.Kind != yaml.ScalarNode || !validName(k.Value) {
				return nil, errAt(Pos{file, k.Line, k.Column}, "bad variable %q", k.Value)
			}
			t := textAt(val.Value, at)
			var err error
			if g.addr {
				_, err = parseAddr(t)
			} else {
				_, err = parsePort(t)
			}
			if err != nil {
				return nil, err
			}
			v.set(g.addr, k.Value, Var{val.Value, at})
		}
	}
	return v, nil
}

func lookup(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// maxDepth stops a variable that refers to itself, directly or not;
// maxExpansions stops lists of variables of lists that would multiply
// into more entries than any real rule set has.
const (
	maxDepth      = 16
	maxExpansions = 10000
)

type budget struct{ n int }

func (b *budget) spend(at Pos) error {
	if b.n++; b.n > maxExpansions {
		return errAt(at, "variables expand to more than %d entries", maxExpansions)
	}
	return nil
}

// ResolveAddr replaces every $VAR in a by its value, recursively; an
// undefined one gives an error naming where a uses it.
func (v *Vars) ResolveAddr(a Addr) (Addr, error) { return v.resolveAddr(a, 0, &budget{}) }

func (v *Vars) resolveAddr(a Addr, depth int, b *budget) (Addr, error) {
	if err := b.spend(a.At); err != nil {
		return a, err
	}
	if depth > maxDepth {
		return a, errAt(a.At, "variable $%s refers to itself", a.Var)
	}
	switch {
	case a.Var != "":
		x, ok := v.Addrs[a.Var]
		if !ok {
			return a, fmt.Errorf("%s: $%s: %w", a.At, a.Var, ErrUndefined)
		}
		t := textAt(x.Value, x.At)
		r, err := parseAddr(t)
		if err != nil {
			return a, err
		}
		r, err = v.resolveAddr(r, depth+1, b)
		if err != nil {
			return a, err
		}
		r.Negated = r.Negated != a.Negated
		r.At = a.At
		return r, nil
	case a.List != nil:
		out := a
		out.List = make([]Addr, len(a.List))
		for i, x := range a.List {
			var err error
			if out.List[i], err = v.resolveAddr(x, depth, b); err != nil {
				return a, err
			}
		}
		return out, nil
	}
	return a, nil
}

// ResolvePort is ResolveAddr for ports.
func (v *Vars) ResolvePort(p Port) (Port, error) { return v.resolvePort(p, 0, &budget{}) }

func (v *Vars) resolvePort(p Port, depth int, b *budget) (Port, error) {
	if err := b.spend(p.At); err != nil {
		return p, err
	}
	if depth > maxDepth {
		return p, errAt(p.At, "variable $%s refers to itself", p.Var)
	}
	switch {
	case p.Var != "":
		x, ok := v.Ports[p.Var]
		if !ok {
			return p, fmt.Errorf("%s: $%s: %w", p.At, p.Var, ErrUndefined)
		}
		t := textAt(x.Value, x.At)
		r, err := parsePort(t)
		if err != nil {
			return p, err
		}
		r, err = v.resolvePort(r, depth+1, b)
		if err != nil {
			return p, err
		}
		r.Negated = r.Negated != p.Negated
		r.At = p.At
		return r, nil
	case p.List != nil:
		out := p
		out.List = make([]Port, len(p.List))
		for i, x := range p.List {
			var err error
			if out.List[i], err = v.resolvePort(x, depth, b); err != nil {
				return p, err
			}
		}
		return out, nil
	}
	return p, nil
}

// Resolve returns a copy of r with its addresses and ports resolved.
func (v *Vars) Resolve(r *Rule) (*Rule, error) {
	c := *r
	var err error
	if c.Src, err = v.ResolveAddr(r.Src); err != nil {
		return nil, err
	}
	if c.SrcPorts, err = v.ResolvePort(r.SrcPorts); err != nil {
		return nil, err
	}
	if c.Dst, err = v.ResolveAddr(r.Dst); err != nil {
		return nil, err
	}
	if c.DstPorts, err = v.ResolvePort(r.DstPorts); err != nil {
		return nil, err
	}
	return &c, nil
}
