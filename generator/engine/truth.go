package engine

import (
	"encoding/binary"
	"hash/fnv"

	"github.com/siglab/siglab/wire"
)

// Truth is a run's ground truth: what each packet the engine sent was
// ("T3", "SYN probe, decoy 2 of 3", "scanner RST"). A capture's packets
// are matched to it by PacketKey, which leaves out what the path changes
// (TTL, header checksum), so the sensor's copies one hop on still match.
type Truth struct {
	labels map[uint64][]string
}

func newTruth() *Truth { return &Truth{labels: map[uint64][]string{}} }

func (t *Truth) add(key uint64, label string) {
	t.labels[key] = append(t.labels[key], label)
}

// Take returns the label of the next sent packet with this key, in send
// order, or "" when there is none.
func (t *Truth) Take(key uint64) string {
	q := t.labels[key]
	if len(q) == 0 {
		return ""
	}
	t.labels[key] = q[1:]
	return q[0]
}

// PacketKey identifies an IPv4 packet by what no router changes: the
// addresses, protocol, IP ID and fragment field, and the first 16 bytes
// of what follows the IP header (ports, sequence numbers, flags, window;
// ICMP's type, code, id and sequence).
func PacketKey(ip []byte) (uint64, bool) {
	if len(ip) < 20 || ip[0]>>4 != 4 {
		return 0, false
	}
	ihl := int(ip[0]&0x0f) * 4
	if ihl < 20 || len(ip) < ihl {
		return 0, false
	}
	h := fnv.New64a()
	h.Write(ip[4:8])   // ID, flags, fragment offset
	h.Write(ip[9:10])  // protocol
	h.Write(ip[12:20]) // addresses
	l4 := ip[ihl:]
	if n := min(len(l4), 16); n > 0 {
		if ip[9] == wire.ProtoICMP && n >= 4 {
			h.Write(l4[:2]) // type, code (the checksum varies with nothing else)
			h.Write(l4[4:n])
		} else {
			h.Write(l4[:n])
		}
	}
	var tl [2]byte
	binary.BigEndian.PutUint16(tl[:], binary.BigEndian.Uint16(ip[2:]))
	h.Write(tl[:])
	return h.Sum64(), true
}
