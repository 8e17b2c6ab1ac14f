package sensor

import (
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The ring's geometry. A block is what the kernel hands over at once:
// it fills a block with frames and retires it to us when it is full or
// when retireTimeout has passed since it was opened, whichever is first.
const (
	// maxBlock is the block size of every ring of 512 KiB or more: it
	// keeps whole any frame the capture link can carry (GRO may merge up
	// to 64 KiB), and is small so that a ring has many blocks: a block
	// is handed over partly filled when retireTimeout passes, so a
	// reader held back loses nothing for blocks x retireTimeout at
	// least (640 ms with the default ring), however slow the traffic.
	maxBlock = 128 << 10
	// minBlocks is how many blocks a ring of 512 KiB or more has at
	// least, so that the kernel fills one while we read another.
	minBlocks = 4
	// retireTimeout (ms) bounds how long a frame waits in a block that
	// is not full: it is the latency of the stop marker, and of frames
	// on a quiet link.
	retireTimeout = 10
	// pollTimeout bounds how long one poll(2) waits, so that the reader
	// also sees an error the kernel reports while no block is retired.
	pollTimeout = 100 * time.Millisecond
	// offsetHdr is where a block's tpacket_hdr_v1 starts, after the
	// version and offset_to_priv words of struct tpacket_block_desc.
	offsetHdr = 8
)

// errRingTruncated is recorded when a frame did not fit in a block.
var errRingTruncated = errors.New("frame larger than a ring block")

// ring is an AF_PACKET socket with a TPACKET_V3 receive ring mapped
// into our memory: the kernel copies each frame once, into the ring, in
// the context that delivers it, and we read whole blocks of frames
// without a system call per frame. Only the reader goroutine touches
// the blocks; stats and close may come from any goroutine.
type ring struct {
	fd     int
	mem    []byte
	block  int // bytes per block
	blocks int
	next   int    // the block the reader waits for
	read   uint64 // blocks read so far (the specs see the ring wrap)
}

// ringGeometry is the block size and count for a ring of about size
// bytes: 128 KiB blocks for rings of 512 KiB or more; smaller rings
// (stress scenarios) are split into four blocks of whole pages, at
// least one.
func ringGeometry(size int) (block, blocks int) {
	page := os.Getpagesize()
	switch {
	case size >= minBlocks*maxBlock:
		block = maxBlock
	default:
		block = max(page, size/minBlocks/page*page)
	}
	return block, max(1, size/block)
}

// openRing opens the ring on link ifindex of the calling thread's
// namespace. The socket receives nothing until bound, and is bound only
// once the ring is in place, so no frame of another link gets in.
func openRing(ifindex, size int) (r *ring, err error) {
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("packet socket: %w", err)
	}
	r = &ring{fd: fd}
	defer func() {
		if err != nil {
			r.close()
			r = nil
		}
	}()
	if err := unix.SetsockoptInt(fd, unix.SOL_PACKET, unix.PACKET_VERSION, unix.TPACKET_V3); err != nil {
		return nil, fmt.Errorf("TPACKET_V3: %w", err)
	}
	r.block, r.blocks = ringGeometry(size)
	req := unix.TpacketReq3{
		Block_size: uint32(r.block), Block_nr: uint32(r.blocks),
		// V3 packs frames of any size into a block; the kernel still
		// wants a frame size that divides the block.
		Frame_size: uint32(r.block), Frame_nr: uint32(r.blocks),
		Retire_blk_tov: retireTimeout,
	}
	if err := unix.SetsockoptTpacketReq3(fd, unix.SOL_PACKET, unix.PACKET_RX_RING, &req); err != nil {
		return nil, fmt.Errorf("receive ring of %d x %d bytes: %w", r.blocks, r.block, err)
	}
	// The ring's pages are the kernel's: they are never swapped, so
	// there is nothing to lock.
	if r.mem, err = unix.Mmap(fd, 0, r.block*r.blocks, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED); err != nil {
		return nil, fmt.Errorf("map receive ring: %w", err)
	}
	proto := htons(unix.ETH_P_ALL)
	if err := unix.Bind(fd, &unix.SockaddrLinklayer{Protocol: proto, Ifindex: ifindex}); err != nil {
		return nil, fmt.Errorf("bind: %w", err)
	}
	return r, nil
}

// status is the block's tpacket_hdr_v1.block_status word, which the
// kernel and we hand the block back and forth with.
func (r *ring) status(b int) *uint32 {
	return (*uint32)(unsafe.Pointer(&r.mem[b*r.block+offsetHdr]))
}

// frame is one frame of a block as the kernel wrote it.
type frame struct {
	data      []byte // the captured bytes, in the ring: valid until release
	t         time.Time
	truncated bool // the frame was longer than what the block kept
}

// wait blocks until the next block is ours, an error is pending on the
// socket (the link went away: ENETDOWN) or pollTimeout passes; ready
// reports whether the block is ours.
func (r *ring) wait() (ready bool, err error) {
	if r.ready() {
		return true, nil
	}
	pfd := []unix.PollFd{{Fd: int32(r.fd), Events: unix.POLLIN | unix.POLLERR}}
	_, err = unix.Poll(pfd, int(pollTimeout.Milliseconds()))
	if err != nil && !errors.Is(err, unix.EINTR) {
		return false, fmt.Errorf("poll: %w", err)
	}
	if pfd[0].Revents&unix.POLLERR != 0 {
		if soerr, err := unix.GetsockoptInt(r.fd, unix.SOL_SOCKET, unix.SO_ERROR); err == nil && soerr != 0 {
			return false, unix.Errno(soerr)
		}
	}
	return r.ready(), nil
}

// ready reports whether the next block is ours, without waiting.
func (r *ring) ready() bool {
	return atomic.LoadUint32(r.status(r.next))&unix.TP_STATUS_USER != 0
}

// each calls fn on every frame of the next block, which must be ours
// (wait said so), until fn returns false; it reports whether fn asked
// to stop. The block goes back to the kernel afterwards: fn must copy
// what it keeps.
func (r *ring) each(fn func(f frame) bool) (stopped bool) {
	base := r.next * r.block
	hdr := (*unix.TpacketHdrV1)(unsafe.Pointer(&r.mem[base+offsetHdr]))
	off := int(hdr.Offset_to_first_pkt)
	for range hdr.Num_pkts {
		ph := (*unix.Tpacket3Hdr)(unsafe.Pointer(&r.mem[base+off]))
		start := off + int(ph.Mac)
		f := frame{
			data:      r.mem[base+start : base+start+int(ph.Snaplen)],
			t:         time.Unix(int64(ph.Sec), int64(ph.Nsec)),
			truncated: ph.Snaplen < ph.Len,
		}
		if !fn(f) {
			stopped = true
			break
		}
		off += int(ph.Next_offset)
	}
	atomic.StoreUint32(r.status(r.next), unix.TP_STATUS_KERNEL)
	r.next = (r.next + 1) % r.blocks
	r.read++
	return stopped
}

// drops reads and resets the kernel's drop counter (PACKET_STATISTICS:
// frames the ring had no room for since the last call).
func (r *ring) drops() (uint64, error) {
	st, err := unix.GetsockoptTpacketStatsV3(r.fd, unix.SOL_PACKET, unix.PACKET_STATISTICS)
	if err != nil {
		return 0, fmt.Errorf("PACKET_STATISTICS: %w", err)
	}
	return uint64(st.Drops), nil
}

// close unmaps the ring and closes the socket.
func (r *ring) close() {
	if r.mem != nil {
		_ = unix.Munmap(r.mem)
		r.mem = nil
	}
	if r.fd >= 0 {
		unix.Close(r.fd)
		r.fd = -1
	}
}
