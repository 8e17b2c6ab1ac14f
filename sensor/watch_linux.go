package sensor

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"time"

	"golang.org/x/sys/unix"

	"github.com/siglab/siglab/netns/nsthread"
)

// watchPoll bounds how long a Watch read blocks, so that it sees its
// context end while the link is quiet.
const watchPoll = 100 * time.Millisecond

// Watch hands every frame crossing link iface of namespace nsh, in both
// directions, to fn as it arrives, with the kernel's receive time, until
// ctx ends (nil error) or fn returns false. It is the live view of what
// Start records (`siglab lab watch`): it opens its own AF_PACKET socket,
// so any number of watchers and a Sensor can share a link, and it keeps
// nothing. frame is valid only during the call.
func Watch(ctx context.Context, nsh nsthread.Handle, iface string, fn func(t time.Time, frame []byte) bool) error {
	fd, err := watchSocket(nsh, iface)
	if err != nil {
		return fmt.Errorf("%w on %s: %w", ErrOpen, iface, err)
	}
	defer unix.Close(fd)
	buf := make([]byte, snaplen)
	oob := make([]byte, 128)
	for ctx.Err() == nil {
		n, oobn, _, _, err := unix.Recvmsg(fd, buf, oob, unix.MSG_TRUNC)
		switch {
		case errors.Is(err, unix.EAGAIN), errors.Is(err, unix.EINTR):
			continue
		case err != nil:
			return fmt.Errorf("%w on %s: %w", ErrRead, iface, err)
		}
		if !fn(stamp(oob[:oobn]), buf[:min(n, len(buf))]) {
			return nil
		}
	}
	return nil
}

// watchSocket opens, from a thread inside nsh, a raw packet socket bound
// to iface, with kernel timestamps and a read timeout.
func watchSocket(nsh nsthread.Handle, iface string) (fd int, err error) {
	fd = -1
	err = nsthread.Do(nsh, func() error {
		ifi, err := net.InterfaceByName(iface)
		if err != nil {
			return err
		}
		proto := htons(unix.ETH_P_ALL)
		if fd, err = unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, int(proto)); err != nil {
			return err
		}
		return unix.Bind(fd, &unix.SockaddrLinklayer{Protocol: proto, Ifindex: ifi.Index})
	})
	if err == nil {
		err = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_TIMESTAMPNS, 1)
	}
	if err == nil {
		tv := unix.NsecToTimeval(watchPoll.Nanoseconds())
		err = unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv)
	}
	if err != nil && fd >= 0 {
		unix.Close(fd)
		fd = -1
	}
	return fd, err
}

// stamp is the SO_TIMESTAMPNS receive time in oob, or now without one.
func stamp(oob []byte) time.Time {
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err == nil {
		for _, m := range msgs {
			if m.Header.Level == unix.SOL_SOCKET && m.Header.Type == unix.SO_TIMESTAMPNS && len(m.Data) >= 16 {
				// struct timespec of a 64-bit kernel: two native int64s.
				sec, nsec := binary.NativeEndian.Uint64(m.Data), binary.NativeEndian.Uint64(m.Data[8:])
				return time.Unix(int64(sec), int64(nsec))
			}
		}
	}
	return time.Now()
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }
