package netns

import (
	"fmt"
	"unsafe"

	"github.com/siglab/siglab/netns/nsthread"
	"golang.org/x/sys/unix"
)

// ethtoolValue is struct ethtool_value.
type ethtoolValue struct{ cmd, data uint32 }

// ifreqData is struct ifreq with its union used as ifr_data.
type ifreqData struct {
	name [unix.IFNAMSIZ]byte
	data unsafe.Pointer
	_    [24 - unsafe.Sizeof(uintptr(0))]byte // pad to sizeof(struct ifreq)
}

// txChecksumOff turns off transmit checksum offload on a link in ns.
// With it on, a veth hands locally made TCP segments on with only the
// pseudo-header summed (CHECKSUM_PARTIAL), and the sensor, capturing
// further down the path, would record them with wrong checksums no real
// wire shows. Off, the sending kernel sums them itself (and segments
// GSO super-packets before they leave, so captures show MTU-sized frames).
func txChecksumOff(ns nsthread.Handle, name string) error {
	return nsthread.Do(ns, func() error {
		fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return err
		}
		defer unix.Close(fd)
		v := &ethtoolValue{cmd: unix.ETHTOOL_STXCSUM}
		ifr := &ifreqData{data: unsafe.Pointer(v)}
		copy(ifr.name[:], name)
		_, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), unix.SIOCETHTOOL, uintptr(unsafe.Pointer(ifr)))
		if errno != 0 {
			return fmt.Errorf("ethtool -K %s tx off: %w", name, errno)
		}
		return nil
	})
}
