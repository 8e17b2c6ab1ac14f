package sensor

import (
	"fmt"
	"reflect"

	"github.com/google/gopacket/pcapgo"
	"golang.org/x/sys/unix"
)

// setReceiveBuffer sets the capture socket's receive buffer to n bytes
// with SO_RCVBUFFORCE (root ignores rmem_max; the kernel doubles n for
// its bookkeeping). gopacket v1.1.19 does not expose the socket, so its
// descriptor is read from the handle's unexported field; the spec "keeps
// a whole burst" checks it took.
func setReceiveBuffer(h *pcapgo.EthernetHandle, n int) error {
	fd, err := handleFD(h)
	if err != nil {
		return err
	}
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, n); err != nil {
		return fmt.Errorf("capture socket receive buffer: %w", err)
	}
	return nil
}

// handleFD is the capture socket of h.
func handleFD(h *pcapgo.EthernetHandle) (int, error) {
	f := reflect.ValueOf(h).Elem().FieldByName("fd")
	if !f.IsValid() || f.Kind() != reflect.Int {
		return -1, fmt.Errorf("capture socket: pcapgo.EthernetHandle has no fd field")
	}
	return int(f.Int()), nil
}

// ReceiveBuffer is the capture socket's receive buffer as the kernel
// kept it when the sensor opened (SO_RCVBUF: twice what was asked, for
// its bookkeeping).
func (s *Sensor) ReceiveBuffer() int { return s.rcvbuf }

// readReceiveBuffer reads SO_RCVBUF back from the capture socket.
func readReceiveBuffer(h *pcapgo.EthernetHandle) (int, error) {
	fd, err := handleFD(h)
	if err != nil {
		return 0, err
	}
	return unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF)
}
