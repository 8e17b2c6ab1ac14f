package scenarios

import (
	"net/netip"
	"slices"
	"strings"

	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/lazyre"
	"github.com/siglab/siglab/personality"
	"go.yaml.in/yaml/v3"
)

// hostNameRE keeps host names usable as nmap targets and in "host:port":
// a leading letter, so a name never reads as an address or a port.
var hostNameRE = lazyre.New(`^[a-z][a-z0-9-]*$`)

// stackRE is "kernel" or "personality/NAME".
var stackRE = lazyre.New(`^(kernel|personality/[a-z0-9][a-z0-9._-]*)$`)

var hostKeys = []string{"name", "address", "stack", "open", "filtered", "prohibited", "open_udp", "ftp", "identd"}

// Host returns the network host called name.
func (s *Scenario) Host(name string) (Host, bool) {
	for _, h := range s.Network.Hosts {
		if h.Name == name {
			return h, true
		}
	}
	return Host{}, false
}

// network reads `network:`; hosts without an address get one afterwards,
// so an address written further down the file is never handed out twice.
func (p *parser) network(n *yaml.Node) (Network, error) {
	fs, err := p.fields(n, "network", "hosts")
	if err != nil {
		return Network{}, err
	}
	items, err := p.seq(get(fs, "hosts"), "network.hosts")
	if err != nil {
		return Network{}, err
	}
	var nw Network
	names := map[string]int{}     // host name -> its line
	taken := map[netip.Addr]int{} // address -> line of the host that has it
	for _, it := range items {
		h, err := p.host(it)
		if err != nil {
			return Network{}, err
		}
		if line, ok := names[h.Name]; ok {
			return Network{}, p.errf(h.Line, "host %q defined twice (first at line %d)", h.Name, line)
		}
		names[h.Name] = h.Line
		if h.Addr.IsValid() {
			if line, ok := taken[h.Addr]; ok {
				return Network{}, p.errf(h.Line, "address %s already belongs to the host at line %d", h.Addr, line)
			}
			taken[h.Addr] = h.Line
		}
		nw.Hosts = append(nw.Hosts, h)
	}
	return nw, p.assign(nw.Hosts, taken)
}

// assign gives hosts without an address the next free one from
// labnet.FirstHost.
func (p *parser) assign(hosts []Host, taken map[netip.Addr]int) error {
	next := labnet.FirstHost
	for i := range hosts {
		if hosts[i].Addr.IsValid() {
			continue
		}
		for isTaken(taken, next) {
			next = next.Next()
		}
		if outsideLab(next) != "" {
			return p.errf(hosts[i].Line, "no free lab address left for host %q", hosts[i].Name)
		}
		hosts[i].Addr = next
		taken[next] = hosts[i].Line
	}
	return nil
}

func isTaken(taken map[netip.Addr]int, a netip.Addr) bool {
	_, ok := taken[a]
	return ok
}

// host reads one entry of network.hosts.
func (p *parser) host(n *yaml.Node) (Host, error) {
	fs, err := p.fields(n, "host", hostKeys...)
	if err != nil {
		return Host{}, err
	}
	h := Host{Line: n.Line}
	h.Stack = labnet.Kernel
	nn := get(fs, "name")
	if isNull(nn) {
		return Host{}, p.errf(n.Line, "host without a name")
	}
	if h.Name, err = p.str(nn, "host name"); err != nil {
		return Host{}, err
	}
	if !hostNameRE().MatchString(h.Name) {
		return Host{}, p.errf(nn.Line, "host name %q: start with a lowercase letter, then letters, digits or '-'", h.Name)
	}
	h.Line = nn.Line
	if h.Addr, err = p.address(get(fs, "address")); err != nil {
		return Host{}, err
	}
	if sn := get(fs, "stack"); !isNull(sn) {
		stack, err := p.str(sn, "stack")
		if err != nil {
			return Host{}, err
		}
		if !stackRE().MatchString(stack) {
			return Host{}, p.errf(sn.Line, "stack %q: want kernel or personality/NAME (e.g. personality/irix-6.2)", stack)
		}
		h.Stack = labnet.Stack(stack)
		if name := h.Stack.Emulation(); !slices.Contains(personality.Names(), name) {
			return Host{}, p.errf(sn.Line, "stack %q: no personality %q (known: %s)", stack, name, strings.Join(personality.Names(), ", "))
		}
	}
	return p.hostPorts(h, fs)
}

// hostPorts reads open:, filtered: and prohibited:, refusing a TCP port
// in two of them, and open_udp:.
func (p *parser) hostPorts(h Host, fs []field) (Host, error) {
	var err error
	tcp := portLines{}
	if h.OpenTCP, err = p.ports(get(fs, "open"), "open", tcp); err != nil {
		return Host{}, err
	}
	if h.FilteredTCP, err = p.ports(get(fs, "filtered"), "filtered", tcp); err != nil {
		return Host{}, err
	}
	if h.ProhibitedTCP, err = p.ports(get(fs, "prohibited"), "prohibited", tcp); err != nil {
		return Host{}, err
	}
	if h.OpenUDP, err = p.ports(get(fs, "open_udp"), "open_udp", portLines{}); err != nil {
		return Host{}, err
	}
	if h.FTP, err = p.boolean(get(fs, "ftp"), "ftp"); err != nil {
		return Host{}, err
	}
	if h.FTP && !slices.Contains(h.OpenTCP, 21) {
		return Host{}, p.errf(get(fs, "ftp").Line, "ftp: true needs port 21 in open")
	}
	if h.Identd, err = p.identd(get(fs, "identd"), h); err != nil {
		return Host{}, err
	}
	return h, nil
}

// identd reads a host's identd: "true" (every open port owned by root)
// or a mapping with owners: {port: user, ...} and an optional default:
// (the owner of open ports owners does not name; without it they have
// none and the server answers NO-USER). Port 113 must be open and the
// host a kernel host; every owned port must be open.
func (p *parser) identd(n *yaml.Node, h Host) (*labnet.Identd, error) {
	if isNull(n) {
		return nil, nil
	}
	var d labnet.Identd
	if n.Kind == yaml.ScalarNode {
		on, err := p.boolean(n, "identd")
		if err != nil || !on {
			return nil, err
		}
		d.Default = "root"
	} else {
		fs, err := p.fields(n, "identd", "owners", "default")
		if err != nil {
			return nil, err
		}
		if dn := get(fs, "default"); !isNull(dn) {
			if d.Default, err = p.owner(dn, "identd default"); err != nil {
				return nil, err
			}
		}
		if d.Owners, err = p.owners(get(fs, "owners"), h); err != nil {
			return nil, err
		}
	}
	switch {
	case !h.Stack.IsKernel():
		return nil, p.errf(n.Line, "identd: only kernel hosts run one (this host's stack is %s)", h.Stack)
	case !slices.Contains(h.OpenTCP, labnet.IdentdPort):
		return nil, p.errf(n.Line, "identd needs port %d in open", labnet.IdentdPort)
	}
	return &d, nil
}

// owners reads identd's owners: a mapping of open TCP ports to users.
func (p *parser) owners(n *yaml.Node, h Host) (map[uint16]string, error) {
	if isNull(n) {
		return nil, nil
	}
	if n.Kind != yaml.MappingNode {
		return nil, p.errf(n.Line, "identd owners must be a mapping (port: user ...), not %s", kindName(n))
	}
	out := map[uint16]string{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		port, err := p.integer(k, "identd owners port")
		if err != nil {
			return nil, err
		}
		if port < 1 || port > 65535 {
			return nil, p.errf(k.Line, "identd owners port %d is out of range 1-65535", port)
		}
		if !slices.Contains(h.OpenTCP, uint16(port)) {
			return nil, p.errf(k.Line, "identd owners: port %d is not in open (identd only knows listening ports)", port)
		}
		if _, dup := out[uint16(port)]; dup {
			return nil, p.errf(k.Line, "identd owners: port %d listed twice", port)
		}
		if out[uint16(port)], err = p.owner(v, "identd owner"); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ownerRE is a user name as identd gave it: no blank, ':' or ',', which
// would break the reply's fields.
var ownerRE = lazyre.New(`^[A-Za-z0-9._-]{1,32}$`)

func (p *parser) owner(n *yaml.Node, what string) (string, error) {
	s, err := p.str(n, what)
	if err != nil {
		return "", err
	}
	if !ownerRE().MatchString(s) {
		return "", p.errf(n.Line, "%s %q: want a user name (letters, digits, '.', '_', '-'; HIDDEN-USER hides it)", what, s)
	}
	return s, nil
}

// address reads an optional host address and checks it lies in the lab.
func (p *parser) address(n *yaml.Node) (netip.Addr, error) {
	if isNull(n) {
		return netip.Addr{}, nil
	}
	s, err := p.str(n, "address")
	if err != nil {
		return netip.Addr{}, err
	}
	a, err := netip.ParseAddr(strings.TrimSpace(s))
	if err != nil {
		return netip.Addr{}, p.errf(n.Line, "address %q is not an IPv4 address", s)
	}
	if why := outsideLab(a); why != "" {
		return netip.Addr{}, p.errf(n.Line, "address %s is outside the lab: %s", a, why)
	}
	return a, nil
}

// outsideLab says why a is not a usable host address, or "" when it is.
func outsideLab(a netip.Addr) string {
	if !labnet.Contains(a) {
		return "host addresses must lie in " + labnet.Range.String()
	}
	return labnet.HostAddrReserved(a)
}

// portLines maps the ports of a host's lists of one protocol to the list
// and line that name them, so a port is in at most one list.
type portLines map[uint16]portLine

type portLine struct {
	list string
	line int
}

// ports reads the port list what and adds its ports to taken, refusing
// a port listed twice in it or already in another list of taken.
func (p *parser) ports(n *yaml.Node, what string, taken portLines) ([]uint16, error) {
	items, err := p.seq(n, what)
	if err != nil {
		return nil, err
	}
	out := make([]uint16, 0, len(items))
	for _, it := range items {
		v, err := p.integer(it, what+" port")
		if err != nil {
			return nil, err
		}
		if v < 1 || v > 65535 {
			return nil, p.errf(it.Line, "%s port %d is out of range 1-65535", what, v)
		}
		port := uint16(v)
		prev, ok := taken[port]
		switch {
		case ok && prev.list == what:
			return nil, p.errf(it.Line, "%s port %d listed twice (first at line %d)", what, port, prev.line)
		case ok:
			return nil, p.errf(it.Line, "port %d is both %s (line %d) and %s", port, prev.list, prev.line, what)
		}
		taken[port] = portLine{what, it.Line}
		out = append(out, port)
	}
	return out, nil
}
