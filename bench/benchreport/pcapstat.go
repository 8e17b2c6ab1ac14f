package main

import (
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"time"

	"github.com/siglab/siglab/capture"
)

// stat is what the live comparison needs from one capture.
type stat struct {
	Packets int           // every frame in the file
	Probes  int           // TCP SYNs without ACK to the target
	Span    time.Duration // first to last probe, as the sensor stamped them
	Sources int           // distinct IPv4 source addresses, in any packet
}

// String is the script's interface: key=value words in a fixed order.
func (s stat) String() string {
	return fmt.Sprintf("packets=%d probes=%d span_s=%.6f sources=%d", s.Packets, s.Probes, s.Span.Seconds(), s.Sources)
}

// pcapStat streams path once: the captures of the 10-million-packet
// benchmark must not be loaded whole.
func pcapStat(path, target string) (stat, error) {
	dst, err := netip.ParseAddr(target)
	if err != nil || !dst.Is4() {
		return stat{}, fmt.Errorf("%w: target %q is not an IPv4 address", errUsage, target)
	}
	f, err := os.Open(path)
	if err != nil {
		return stat{}, err
	}
	defer f.Close()
	src, err := capture.Open(f)
	if err != nil {
		return stat{}, fmt.Errorf("%s: %w", path, err)
	}
	return count(src, dst.As4())
}

// count reads src to the end; a probe is a first fragment (or whole
// packet) of TCP with SYN set and ACK clear, sent to dst. The set of
// sources is what shows the spoofed-sources capture really has a
// million of them (some MB of map there, a few bytes elsewhere).
func count(src capture.Source, dst [4]byte) (stat, error) {
	var st stat
	var first, last time.Time
	seen := map[[4]byte]struct{}{}
	lt := src.LinkType()
	for {
		data, ci, err := src.ReadPacketData()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			st.Sources = len(seen)
			return st, fmt.Errorf("packet %d: %w", st.Packets+1, err)
		}
		st.Packets++
		ip, err := capture.IPv4(lt, data)
		if err != nil {
			continue
		}
		seen[[4]byte(ip[12:16])] = struct{}{}
		if !isSYN(ip, dst) {
			continue
		}
		if st.Probes == 0 {
			first = ci.Timestamp
		}
		last = ci.Timestamp
		st.Probes++
	}
	st.Span = last.Sub(first)
	st.Sources = len(seen)
	return st, nil
}

// isSYN reports a TCP SYN without ACK to dst in an IPv4 packet.
func isSYN(ip []byte, dst [4]byte) bool {
	ihl := int(ip[0]&0x0f) * 4
	if ip[9] != 6 || [4]byte(ip[16:20]) != dst || len(ip) < ihl+14 {
		return false
	}
	if ip[6]&0x1f != 0 || ip[7] != 0 { // a later fragment holds no header
		return false
	}
	flags := ip[ihl+13]
	return flags&0x02 != 0 && flags&0x10 == 0
}
