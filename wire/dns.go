package wire

import (
	"encoding/binary"
	"errors"
	"net/netip"
	"strings"
)

// ErrNotDNSQuery is returned by DNSAnswer for payloads it does not answer.
var ErrNotDNSQuery = errors.New("not a DNS query")

// DNSQuery builds a standard query (recursion desired) for name's A
// record with the given ID.
func DNSQuery(id uint16, name string) []byte {
	b := make([]byte, 12, 12+len(name)+6)
	binary.BigEndian.PutUint16(b[0:], id)
	b[2] = 0x01                          // RD
	binary.BigEndian.PutUint16(b[4:], 1) // QDCOUNT
	for _, label := range strings.Split(strings.TrimSuffix(name, "."), ".") {
		b = append(b, byte(len(label)))
		b = append(b, label...)
	}
	b = append(b, 0, 0, 1, 0, 1) // root, QTYPE A, QCLASS IN
	return b
}

// DNSAnswer answers a standard query for one A record with addr, as the
// lab's DNS servers do for every name (the lab has no other zone).
func DNSAnswer(query []byte, addr netip.Addr) ([]byte, error) {
	if len(query) < 12 || query[2]&0x80 != 0 || binary.BigEndian.Uint16(query[4:]) != 1 {
		return nil, ErrNotDNSQuery
	}
	end := 12
	for end < len(query) && query[end] != 0 {
		end += int(query[end]) + 1
	}
	end += 5 // root, QTYPE, QCLASS
	if end > len(query) {
		return nil, ErrNotDNSQuery
	}
	r := append([]byte(nil), query[:end]...)
	r[2] |= 0x80 | 0x04                  // QR, AA
	r[3] = 0x80                          // RA
	binary.BigEndian.PutUint16(r[6:], 1) // ANCOUNT
	binary.BigEndian.PutUint16(r[8:], 0)
	binary.BigEndian.PutUint16(r[10:], 0)
	a := addr.As4()
	r = append(r, 0xc0, 12, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, a[0], a[1], a[2], a[3]) // name ptr, A, IN, TTL 3600
	return r, nil
}
