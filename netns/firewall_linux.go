package netns

import (
	"encoding/binary"
	"fmt"

	"github.com/google/nftables"
	"github.com/google/nftables/expr"
	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/netns/nsthread"
	"golang.org/x/sys/unix"
)

// The firewall of a kernel host: its filtered and prohibited ports as
// nftables rules in the host's own namespace, so that the kernel, not
// siglab, drops or rejects the probes, as a 1998 host firewall did.
// Ownership and lifetime: Build installs the rules once, before the
// host's links exist; they belong to the namespace and go with it when
// Close deletes it. Nothing is held open between Build and Close (the
// netlink socket lives for the one batch), and no packet path of siglab
// runs through this code.

// fwTable is the nftables table siglab makes in a kernel host's
// namespace; its input chain holds one rule per non-empty port list.
const (
	fwTable = "siglab"
	fwChain = "input"
)

// A reject is ICMP destination unreachable code 13 (communication
// administratively prohibited), what a 1998 router's or host's reject
// rule sent and nmap 2.02 reported as Firewalled; over IPv6 the same
// rule sends its analogue, ICMPv6 destination unreachable code 1
// (nftables' icmpx admin-prohibited).

// portRule is one list of a host's ports and what the firewall does to
// packets for them.
type portRule struct {
	set    string // the named set holding the ports
	proto  uint8  // unix.IPPROTO_TCP or unix.IPPROTO_UDP
	ports  []uint16
	reject bool // ICMP 3/13; otherwise a silent drop
}

// portRules are h's firewall lists, empty ones included.
func portRules(h labnet.Host) []portRule {
	return []portRule{
		{set: "filtered-tcp", proto: unix.IPPROTO_TCP, ports: h.FilteredTCP},
		{set: "prohibited-tcp", proto: unix.IPPROTO_TCP, ports: h.ProhibitedTCP, reject: true},
		{set: "filtered-udp", proto: unix.IPPROTO_UDP, ports: h.FilteredUDP},
		{set: "prohibited-udp", proto: unix.IPPROTO_UDP, ports: h.ProhibitedUDP, reject: true},
	}
}

// firewall installs kernel host h's filtered and prohibited ports in its
// namespace ns (role, e.g. h0, names the namespace in errors): table
// inet siglab (IPv4 and IPv6 alike), a filter chain on the input hook
// (priority 0, policy accept) and, per non-empty list, a constant set of
// ports and one rule `meta l4proto P th dport @set drop` or `... reject
// with icmpx type admin-prohibited`. The input hook runs after reassembly, so fragmented
// probes (nmap -f) meet the same rules. Everything goes in one netlink
// batch, which the kernel applies atomically: all rules or none. A host
// without such ports costs nothing (no table, no netlink round trip).
func (l *Lab) firewall(ns nsthread.Handle, role string, h hostPlan) error {
	rules := portRules(h.Host)
	if !anyPorts(rules) {
		return nil
	}
	c, err := nftables.New(nftables.WithNetNSFd(int(ns)))
	if err != nil {
		return fmt.Errorf("host %q: %w: nftables: %w", h.Name, ErrFirewall, err)
	}
	t := c.AddTable(&nftables.Table{Family: nftables.TableFamilyINet, Name: fwTable})
	accept := nftables.ChainPolicyAccept
	ch := c.AddChain(&nftables.Chain{Name: fwChain, Table: t, Type: nftables.ChainTypeFilter,
		Hooknum: nftables.ChainHookInput, Priority: nftables.ChainPriorityFilter, Policy: &accept})
	for i, r := range rules {
		if len(r.ports) == 0 {
			continue
		}
		// Explicit IDs (unique within the batch) keep nftables' global
		// ID counter, which is not safe for concurrent Builds, out of it.
		s := &nftables.Set{Table: t, ID: uint32(i + 1), Name: r.set, Constant: true, KeyType: nftables.TypeInetService}
		if err := c.AddSet(s, setElements(r.ports)); err != nil {
			return fmt.Errorf("host %q: %w: set %s: %w", h.Name, ErrFirewall, r.set, err)
		}
		c.AddRule(&nftables.Rule{Table: t, Chain: ch, Exprs: ruleExprs(s, r)})
	}
	if err := c.Flush(); err != nil {
		return fmt.Errorf("host %q: %w: install rules in %s: %w (does the kernel have nf_tables and nft_reject_inet?)",
			h.Name, ErrFirewall, l.nsName(role), err)
	}
	return nil
}

func anyPorts(rules []portRule) bool {
	for _, r := range rules {
		if len(r.ports) > 0 {
			return true
		}
	}
	return false
}

// setElements are ports as set keys: inet_service is big-endian.
func setElements(ports []uint16) []nftables.SetElement {
	els := make([]nftables.SetElement, len(ports))
	for i, p := range ports {
		els[i].Key = binary.BigEndian.AppendUint16(nil, p)
	}
	return els
}

// ruleExprs is `meta l4proto P th dport @set` and the verdict.
func ruleExprs(s *nftables.Set, r portRule) []expr.Any {
	e := []expr.Any{
		&expr.Meta{Key: expr.MetaKeyL4PROTO, Register: 1},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{r.proto}},
		&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseTransportHeader, Offset: 2, Len: 2},
		&expr.Lookup{SourceRegister: 1, SetName: s.Name, SetID: s.ID},
	}
	if r.reject {
		return append(e, &expr.Reject{Type: unix.NFT_REJECT_ICMPX_UNREACH, Code: unix.NFT_REJECT_ICMPX_ADMIN_PROHIBITED})
	}
	return append(e, &expr.Verdict{Kind: expr.VerdictDrop})
}

// MLD report types (RFC 2710, RFC 3810): what quietMLD drops.
var mldTypes = []byte{131, 132, 143} // v1 report, v1 done, v2 report

// quietMLD installs, in a router namespace whose links carry IPv6 (scan,
// sens), table inet siglab with a filter chain on the output hook that
// drops the MLD reports its kernel sends when a link comes up (`meta
// nfproto ipv6 meta l4proto ipv6-icmp icmpv6 type T drop` for each T of
// mldTypes): nothing in the lab snoops multicast, so they serve no one,
// and they would otherwise land in the first milliseconds of a capture
// of siglab-dn0. Neighbour discovery is untouched. Install it before the
// links exist. Like the hosts' firewall it goes with the namespace.
func (l *Lab) quietMLD(ns nsthread.Handle, role string) error {
	c, err := nftables.New(nftables.WithNetNSFd(int(ns)))
	if err != nil {
		return fmt.Errorf("%s: %w: nftables: %w", l.nsName(role), ErrFirewall, err)
	}
	t := c.AddTable(&nftables.Table{Family: nftables.TableFamilyINet, Name: fwTable})
	accept := nftables.ChainPolicyAccept
	ch := c.AddChain(&nftables.Chain{Name: "output", Table: t, Type: nftables.ChainTypeFilter,
		Hooknum: nftables.ChainHookOutput, Priority: nftables.ChainPriorityFilter, Policy: &accept})
	for _, typ := range mldTypes {
		c.AddRule(&nftables.Rule{Table: t, Chain: ch, Exprs: []expr.Any{
			&expr.Meta{Key: expr.MetaKeyNFPROTO, Register: 1},
			&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{unix.NFPROTO_IPV6}},
			&expr.Meta{Key: expr.MetaKeyL4PROTO, Register: 1},
			&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{unix.IPPROTO_ICMPV6}},
			&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseTransportHeader, Offset: 0, Len: 1},
			&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{typ}},
			&expr.Verdict{Kind: expr.VerdictDrop},
		}})
	}
	if err := c.Flush(); err != nil {
		return fmt.Errorf("%s: %w: install the MLD rules: %w", l.nsName(role), ErrFirewall, err)
	}
	return nil
}
