package rulelab

import (
	"net/netip"
	"time"

	"github.com/siglab/siglab/wire"
)

// MaxAlerts bounds the alerts kept per rule; past it they are counted.
const MaxAlerts = 100000

// Alert is one alert a rule raised.
type Alert struct {
	Time time.Time
	// Packet is the packet's position in the capture, from 1; for a
	// reassembled datagram, that of the fragment that completed it.
	Packet             int
	Proto              uint8
	Src, Dst           netip.Addr
	SPort, DPort       uint16
	ICMPType, ICMPCode uint8
	Reassembled        bool
}

// Engine evaluates compiled rules on packets in time order. It groups
// the rules so that a packet meets only those that can match it: by IP
// protocol, then TCP rules by the flag bytes their flags options
// accept, and TCP and UDP rules with a few destination ports by port.
// One Engine serves one capture; it is not safe for concurrent use.
type Engine struct {
	rules []*compiled

	// Candidates: ipAll (ip rules without one ip_proto), ipBy[proto]
	// (ip rules with it), and per transport protocol byFlags (TCP rules
	// not indexed by port, by flag byte), plain (UDP and ICMP rules not
	// indexed by port) and byPort (rules with a few destination ports).
	ipAll   bucket
	ipBy    [256]bucket
	tcpAny  [256]bucket
	udpAny  bucket
	icmpAny bucket
	tcpPort [][]int32 // 65536 entries once any TCP rule is indexed by port
	udpPort [][]int32

	needFlow bool
	flows    flowTable
	frags    reassembler
	packets  int
	notIPv4  int

	st []ruleState

	// explain, when set, evaluates these rules on every packet in their
	// own order and scores how far each packet got (the why pass).
	explain []int32
	near    []*nearest

	p pkt
}

// ruleState is what a rule gathered so far.
type timeT = time.Time

type ruleState struct {
	matched int
	alerts  []Alert
	count   int // alerts, including those past MaxAlerts
	rate    *rate
}

// portIndexMax is how many destination ports a rule may list and still
// be found by port.
const portIndexMax = 64

func (e *Engine) index() {
	e.st = make([]ruleState, len(e.rules))
	var ipAll, udpAny, icmpAny []int32
	var ipBy, tcpAny [256][]int32
	for i, c := range e.rules {
		if c.status != Silent {
			continue
		}
		if c.rate != nil {
			e.st[i].rate = newRate(c.rate, c.dtf)
		}
		e.needFlow = e.needFlow || c.flow
		id := int32(i)
		switch c.proto {
		case 0:
			if c.ipProto >= 0 {
				ipBy[c.ipProto] = append(ipBy[c.ipProto], id)
			} else {
				ipAll = append(ipAll, id)
			}
		case wire.ProtoTCP:
			if ports, ok := c.dports(); ok {
				e.tcpPort = addPorts(e.tcpPort, ports, id)
				continue
			}
			for f := 0; f < 256; f++ {
				if c.flagOK[f>>6]&(1<<(f&63)) != 0 {
					tcpAny[f] = append(tcpAny[f], id)
				}
			}
		case wire.ProtoUDP:
			if ports, ok := c.dports(); ok {
				e.udpPort = addPorts(e.udpPort, ports, id)
				continue
			}
			udpAny = append(udpAny, id)
		case wire.ProtoICMP:
			icmpAny = append(icmpAny, id)
		}
	}
	e.ipAll = makeBucket(e.rules, ipAll, ipFields)
	e.udpAny = makeBucket(e.rules, udpAny, udpFields)
	e.icmpAny = makeBucket(e.rules, icmpAny, icmpFields)
	for i := range 256 {
		e.ipBy[i] = makeBucket(e.rules, ipBy[i], ipFields)
		e.tcpAny[i] = makeBucket(e.rules, tcpAny[i], tcpFields)
	}
}

// dports are the destination ports a rule may be found by.
func (c *compiled) dports() ([]uint16, bool) {
	for i := range c.checks {
		if c.checks[i].kind == kDport {
			return c.checks[i].port.values(portIndexMax)
		}
	}
	return nil, false
}

func addPorts(idx [][]int32, ports []uint16, id int32) [][]int32 {
	if idx == nil {
		idx = make([][]int32, 65536)
	}
	for _, p := range ports {
		idx[p] = append(idx[p], id)
	}
	return idx
}

// Packet evaluates one IPv4 packet (link header removed) captured at
// t. A fragment is evaluated for the header options on its own; the
// datagram it completes, if any, is then evaluated whole. Packets that
// are not IPv4 are counted and skipped.
func (e *Engine) Packet(t time.Time, ip []byte) {
	e.packets++
	p := &e.p
	p.num = e.packets
	if !p.decode(ip) {
		e.notIPv4++
		return
	}
	if !p.frag {
		e.eval(t, p)
		return
	}
	e.eval(t, p)
	if whole, ok := e.frags.add(t, p, ip); ok {
		num := p.num
		if p.decode(whole) {
			p.num, p.reassembled = num, true
			e.eval(t, p)
		}
	}
}

func (e *Engine) eval(t time.Time, p *pkt) {
	var fi *flowInfo
	var f flowInfo
	if e.needFlow && p.l4ok {
		f = e.flows.update(p)
		fi = &f
	}
	if e.explain != nil {
		e.explainPacket(t, p, fi)
		return
	}
	e.runBucket(&e.ipAll, t, p, fi)
	e.runBucket(&e.ipBy[p.proto], t, p, fi)
	if !p.l4ok {
		return
	}
	switch p.proto {
	case wire.ProtoTCP:
		e.runBucket(&e.tcpAny[p.flags], t, p, fi)
		if e.tcpPort != nil {
			for _, id := range e.tcpPort[p.dport] {
				if e.rules[id].flagOK[p.flags>>6]&(1<<(p.flags&63)) != 0 {
					e.try(id, t, p, fi)
				}
			}
		}
	case wire.ProtoUDP:
		e.runBucket(&e.udpAny, t, p, fi)
		if e.udpPort != nil {
			e.run(e.udpPort[p.dport], t, p, fi)
		}
	case wire.ProtoICMP:
		e.runBucket(&e.icmpAny, t, p, fi)
	}
}

func (e *Engine) run(ids []int32, t time.Time, p *pkt, fi *flowInfo) {
	for _, id := range ids {
		e.try(id, t, p, fi)
	}
}

func (e *Engine) try(id int32, t time.Time, p *pkt, fi *flowInfo) {
	c := e.rules[id]
	for _, k := range c.fast {
		if !c.checks[k].match(p, fi) {
			return
		}
	}
	s := &e.st[id]
	s.matched++
	if s.rate != nil && !s.rate.pass(t, p) {
		return
	}
	s.count++
	if len(s.alerts) < MaxAlerts {
		s.alerts = append(s.alerts, alertOf(t, p))
	}
}

func alertOf(t time.Time, p *pkt) Alert {
	return Alert{
		Time: t, Packet: p.num, Proto: p.proto,
		Src: addrOf(p.src), Dst: addrOf(p.dst),
		SPort: p.sport, DPort: p.dport, ICMPType: p.itype, ICMPCode: p.icode,
		Reassembled: p.reassembled,
	}
}

func addrOf(v uint32) netip.Addr {
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

func u32(a netip.Addr) uint32 {
	b := a.As4()
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}
