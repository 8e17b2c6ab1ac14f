//go:build linux

package netnstest

import (
	"errors"
	"os"
	"time"

	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/wire"
)

// ReadReply returns the first TCP segment from port sport that tun gives
// within timeout (a lab's answer to a probe sent from the scanner to
// sport), or nil.
func ReadReply(tun *os.File, sport uint16, timeout time.Duration) wire.Packet {
	return AwaitTUN(tun, timeout, func(p wire.Packet) bool { return p.IsTCP() && p.SPort() == sport })
}

// AwaitTUN returns the first IPv4 packet satisfying want that tun gives
// within timeout, or nil.
func AwaitTUN(tun *os.File, timeout time.Duration, want func(wire.Packet) bool) wire.Packet {
	var got wire.Packet
	readTUN(tun, timeout, func(p wire.Packet) bool {
		if want(p) {
			got = p
		}
		return got == nil
	})
	return got
}

// ReadTUN returns every IPv4 packet satisfying keep that tun gives within
// d, in arrival order.
func ReadTUN(tun *os.File, d time.Duration, keep func(wire.Packet) bool) []wire.Packet {
	var out []wire.Packet
	readTUN(tun, d, func(p wire.Packet) bool {
		if keep(p) {
			out = append(out, p)
		}
		return true
	})
	return out
}

// readTUN hands each whole IPv4 packet tun gives (a copy) to next until
// next returns false or d has passed.
func readTUN(tun *os.File, d time.Duration, next func(wire.Packet) bool) {
	buf := make([]byte, 65536)
	Expect(tun.SetReadDeadline(time.Now().Add(d))).To(Succeed())
	for {
		n, err := tun.Read(buf)
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return
		}
		Expect(err).NotTo(HaveOccurred())
		if p, ok := wire.ParsePacket(append([]byte(nil), buf[:n]...)); ok && !next(p) {
			return
		}
	}
}
