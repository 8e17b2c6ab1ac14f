// Package sensor captures a live lab's traffic where an IDS sensor would
// sit: on the sensor namespace's link toward the scanner
// (netns.Lab.SensorIface in netns.Lab.SensorNS), which every
// scanner<->target packet crosses in both directions. It records whole
// Ethernet frames with the kernel's receive timestamps (SO_TIMESTAMPNS)
// into a capture.Capture and reports the kernel's drop count,
// independently of the generator's bookkeeping. It enters the namespace
// with netns/nsthread and knows nothing else of the lab that made it.
//
// Options: StartWith takes Options; its ReceiveBuffer sizes the
// capture's receive ring, the kernel's queue of frames not read yet
// (default 8 MiB). Stress scenarios
// shrink it so that a flood overflows it: the kernel then drops frames
// and counts them (PACKET_STATISTICS), the sensor reports the count in
// Capture.Dropped, and the verdict is inconclusive rather than a pass on
// a partial capture. A frame longer than a ring block (only with rings
// under 512 KiB) is kept in part by the kernel; the sensor does not record
// it and counts it as dropped too.
//
// Capture: Start opens an AF_PACKET socket of its own (no libpcap, no
// gopacket) from a thread inside the sensor namespace, with a TPACKET_V3
// receive ring mapped into our memory (ring_linux.go): the kernel copies
// each frame once, into the ring, stamped with its receive time, and
// hands over blocks of frames; the reader copies them into the capture
// without a system call per frame (the recvfrom per frame of the
// earlier pcapgo.EthernetHandle cost a third of a live scan's CPU). A
// block is handed over when full or 10 ms after its first frame.
//
// Ownership: Start starts one goroutine that reads the ring. Stop ends
// that goroutine, unmaps the ring, closes the socket and hands the
// Capture over to the caller; call Stop before closing the Lab. A
// Sensor captures once.
//
// Stopping: Stop sends a stop marker: one Ethernet frame with the local
// experimental EtherType 0x88B5, a per-sensor nonce and a unicast
// destination no one has, out of the capture link. The reader sees its
// own marker in the ring, which also means every frame queued before it
// has been read, and exits; the marker is never recorded (nor anything
// after it). The peer kernel drops it as "other host" before any
// protocol sees it; it carries no IP and goes nowhere beyond the lab's
// veth. Only if no marker gets through for two seconds (the ring full
// all that time) does Stop take the link down as a last resort and say
// so with ErrForced. If the link goes away under the sensor, the kernel
// reports ENETDOWN on the socket: the reader keeps what the ring holds
// and Stop's error wraps ErrRead.
//
// Watching: Watch (`siglab lab watch`) hands each frame crossing the
// link to a function as it arrives, from a raw AF_PACKET socket of its
// own with kernel timestamps and a short read timeout, so it ends with
// its context; it records nothing and needs no stop marker. Any number
// of watchers and a Sensor may share a link.
//
// Per-OS files: the capture lives in sensor_linux.go and ring_linux.go,
// the live view in watch_linux.go, the options in options.go; elsewhere
// sensor_other.go's and watch_other.go's Start, StartWith, Watch
// and Stop return ErrUnsupported (which wraps errors.ErrUnsupported), so
// the packages above build on every system and offline runs need no
// sensor.
package sensor
