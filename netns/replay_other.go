//go:build !linux

package netns

import "net/netip"

// BuildReplay returns ErrUnsupported off Linux: there is no namespace
// to replay into.
func BuildReplay(role string, addrs []netip.Addr) (*Lab, error) { return nil, ErrUnsupported }
