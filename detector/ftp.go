package detector

import "bytes"

// FTP bounce: nmap -b logs in to an FTP server and, port by port, sends
// PORT naming the target and LIST; the server's reply says whether it
// could connect (1xx: open, 425: closed). The control connection is the
// scanner's own, so its payload tells all; the server's data connections
// from port 20, when the sensor sees them, are marked as relayed so the
// server is not called a scanner.

const ftpDataPort = 20

// bounceState is one client's bounce scan through one FTP server.
type bounceState struct {
	server  ipAddr
	ctlPort uint16
	// last is the index+1 of the flow the latest PORT named; awaiting is
	// the one whose LIST reply is due (0: none).
	last, awaiting int32
	commands       uint32 // PORT commands naming a third host
	nmapPass       bool   // logged in with nmap's default password
}

// ftpCommand reads one client-to-server payload of s's connection.
func (d *Detector) ftpCommand(s *source, p *packet) {
	pl := p.payload
	switch {
	case bytes.HasPrefix(pl, []byte("PORT ")):
		host, port, ok := parsePORT(pl[5:])
		if !ok || host == s.addr {
			return // active FTP for the client itself
		}
		b := s.bounceState()
		b.server, b.ctlPort = p.dst, p.dport
		if b.commands < ^uint32(0) {
			b.commands++
		}
		if f := d.probe(s, flowKey{host, port, kindBounce}, p); f != nil {
			b.last = f.idx + 1
		}
		d.relays.add(p.dst, s.addr)
	case bytes.HasPrefix(pl, []byte("LIST")), bytes.HasPrefix(pl, []byte("NLST")), bytes.HasPrefix(pl, []byte("RETR")):
		if s.bounce != nil {
			s.bounce.awaiting = s.bounce.last
		}
	case bytes.HasPrefix(pl, []byte("PASS -wwwuser@")):
		s.bounceState().nmapPass = true
	}
}

func (s *source) bounceState() *bounceState {
	if s.bounce == nil {
		s.bounce = &bounceState{}
	}
	return s.bounce
}

// reply reads a server-to-client payload: the first reply after LIST
// settles the port the last PORT named.
func (b *bounceState) reply(s *source, p *packet) {
	if p.src != b.server || p.sport != b.ctlPort || b.awaiting == 0 || len(p.payload) < 3 {
		return
	}
	i := int(b.awaiting - 1)
	b.awaiting = 0
	if i >= s.flows.n {
		return
	}
	f := s.flows.at(i)
	switch p.payload[0] {
	case '1', '2':
		f.state |= gotReply
	case '4', '5':
		f.state |= gotRST
	}
}

// parsePORT reads "h1,h2,h3,h4,p1,p2" (then CR LF).
func parsePORT(b []byte) (host ipAddr, port uint16, ok bool) {
	var v [6]int
	n, cur, digits := 0, 0, 0
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			cur = cur*10 + int(c-'0')
			digits++
			if cur > 255 || digits > 3 {
				return host, 0, false
			}
			continue
		case c == ',' && n < 5 && digits > 0:
			v[n], cur, digits = cur, 0, 0
			n++
			continue
		case c == ' ' && n == 0 && digits == 0:
			continue
		}
		break
	}
	if n != 5 || digits == 0 {
		return host, 0, false
	}
	v[5] = cur
	host = addrFrom4([]byte{byte(v[0]), byte(v[1]), byte(v[2]), byte(v[3])})
	return host, uint16(v[4])<<8 | uint16(v[5]), true
}

// relayTable maps FTP servers to the clients whose PORT commands named
// third hosts, for telling the servers' data connections apart.
type relayTable struct {
	r    [16]struct{ server, client ipAddr }
	n    int
	next int
}

func (t *relayTable) add(server, client ipAddr) {
	for i := range t.r[:t.n] {
		if t.r[i].server == server && t.r[i].client == client {
			return
		}
	}
	t.r[t.next].server, t.r[t.next].client = server, client
	t.next = (t.next + 1) % len(t.r)
	t.n = min(t.n+1, len(t.r))
}

// relayedSYN marks a SYN from an FTP server's port 20 to a host and port
// a client named in PORT: both the server's flow and the client's.
func (d *Detector) relayedSYN(p *packet, f *flow) {
	for i := range d.relays.r[:d.relays.n] {
		r := &d.relays.r[i]
		if r.server != p.src {
			continue
		}
		c := d.srcs.get(r.client)
		if c == nil {
			continue
		}
		if bf := c.flows.find(flowKey{p.dst, p.dport, kindBounce}); bf != nil {
			bf.state |= relayed
			f.state |= relayed
			return
		}
	}
}
