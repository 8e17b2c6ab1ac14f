package link

import (
	"errors"
	"time"
)

// ErrTimeout is returned by Link.ReadPacket when the deadline passes with
// no packet.
var ErrTimeout = errors.New("link: read deadline passed")

// Link carries raw IPv4 packets between the engine and a network: a TUN
// device in live runs (TUN), a simulated network offline
// (simnet.Network). The engine is the only user of a Link; it calls it from
// one goroutine.
type Link interface {
	// WritePacket sends one IPv4 packet. The link does not keep p.
	WritePacket(p []byte) error
	// ReadPacket reads the next packet for the scanner into buf and returns
	// its length and arrival time. It waits until deadline at most and then
	// returns ErrTimeout.
	ReadPacket(buf []byte, deadline time.Time) (int, time.Time, error)
	// Now is the link's clock: the wall clock for a TUN, virtual time for a
	// simulated network. Every time the engine handles comes from it.
	Now() time.Time
	// Close releases the link.
	Close() error
}
