// Package sensor captures a live lab's traffic where an IDS sensor would
// sit: on the sensor namespace's link toward the scanner
// (netns.Lab.SensorIface in netns.Lab.SensorNS), which every
// scanner<->target packet crosses in both directions. It records whole
// Ethernet frames with the kernel's receive timestamps (SO_TIMESTAMPNS)
// into a capture.Capture and reports the kernel's drop count,
// independently of the generator's bookkeeping. It enters the namespace
// with netns/nsthread and knows nothing else of the lab that made it.
//
// Options: StartWith takes Options; its ReceiveBuffer sets the capture
// socket's kernel queue (default 64 MiB, enough for any catalogue
// scenario). Stress scenarios shrink it so that a flood overflows it:
// the kernel then drops frames and counts them (PACKET_STATISTICS), the
// sensor reports the count in Capture.Dropped, and the verdict is
// inconclusive rather than a pass on a partial capture.
//
// Ownership: Start opens an AF_PACKET socket (gopacket's pure-Go
// pcapgo.EthernetHandle, no libpcap) from a thread inside the sensor
// namespace and one goroutine that reads it. Stop ends that goroutine,
// closes the socket and hands the Capture over to the caller; call Stop
// before closing the Lab. A Sensor captures once.
//
// Stopping: pcapgo v1.1.19 reads with a plain blocking recvmsg that Close
// does not interrupt. Instead of taking the link down (which would flush
// the lab's routes), Stop sends a stop marker: one Ethernet frame with
// the local experimental EtherType 0x88B5, a per-sensor nonce and a
// unicast destination no one has, out of the capture link. The reader
// sees its own marker, which also means every frame queued before it has
// been read, and exits; the marker is never recorded. The peer kernel
// drops it as "other host" before any protocol sees it; it carries no IP
// and goes nowhere beyond the lab's veth. Only if no marker gets through
// for two seconds (the socket buffer overflowing all that time) does Stop
// take the link down as a last resort and say so with ErrForced.
//
// Watching: Watch (`siglab lab watch`) hands each frame crossing the
// link to a function as it arrives, from a raw AF_PACKET socket of its
// own with kernel timestamps and a short read timeout, so it ends with
// its context; it records nothing and needs no stop marker. Any number
// of watchers and a Sensor may share a link.
//
// Per-OS files: the capture lives in sensor_linux.go and rcvbuf_linux.go,
// the live view in watch_linux.go, the options in options.go; elsewhere
// sensor_other.go's and watch_other.go's Start, StartWith, Watch
// and Stop return ErrUnsupported (which wraps errors.ErrUnsupported), so
// the packages above build on every system and offline runs need no
// sensor.
package sensor
