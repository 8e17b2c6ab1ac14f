package sensor

import (
	"fmt"
	"reflect"

	"github.com/google/gopacket/pcapgo"
	"golang.org/x/sys/unix"
)

// receiveBuffer is the capture socket's kernel queue. The default (about
// 212 KB, some 200 small frames) overflows when a scan's burst meets a
// reader the scheduler holds back for a few milliseconds; 64 MiB holds
// any scenario's whole exchange.
const receiveBuffer = 64 << 20

// growReceiveBuffer raises the capture socket's receive buffer with
// SO_RCVBUFFORCE (root ignores rmem_max). gopacket v1.1.19 does not
// expose the socket, so its descriptor is read from the handle's
// unexported field; the spec "keeps a whole burst" checks it took.
func growReceiveBuffer(h *pcapgo.EthernetHandle) error {
	return setReceiveBuffer(h, receiveBuffer)
}

// setReceiveBuffer sets the capture socket's receive buffer to n bytes.
func setReceiveBuffer(h *pcapgo.EthernetHandle, n int) error {
	f := reflect.ValueOf(h).Elem().FieldByName("fd")
	if !f.IsValid() || f.Kind() != reflect.Int {
		return fmt.Errorf("capture socket: pcapgo.EthernetHandle has no fd field")
	}
	if err := unix.SetsockoptInt(int(f.Int()), unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, n); err != nil {
		return fmt.Errorf("capture socket receive buffer: %w", err)
	}
	return nil
}
