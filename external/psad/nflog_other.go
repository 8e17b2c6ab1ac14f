//go:build !linux

package psad

import (
	"net/netip"

	"github.com/siglab/siglab/netns/nsthread"
)

// NFLOG is a live firewall log of one lab host; off Linux there is none.
type NFLOG struct{}

// StartNFLOG returns ErrUnsupported off Linux: NFLOG and ulogd2 are
// Linux's.
func StartNFLOG(ns nsthread.Handle, targets []netip.Addr, prefix string) (*NFLOG, error) {
	return nil, ErrUnsupported
}

// Stop returns ErrUnsupported.
func (n *NFLOG) Stop() ([]string, error) { return nil, ErrUnsupported }

// StartNFLOGAccepting is StartNFLOG with accepted services; unsupported here.
func StartNFLOGAccepting(ns nsthread.Handle, targets []netip.Addr, prefix string, accepted map[netip.Addr]Services) (*NFLOG, error) {
	return nil, ErrUnsupported
}
