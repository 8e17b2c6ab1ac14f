// Package simnet is the offline network: a link.Link whose targets
// are simulated in user space and whose clock is virtual, so an offline
// run is deterministic for a seed, needs no privileges and takes no
// wall-clock time to wait.
//
// Each host is a labnet.Host answered by the emulated stack (package
// personality) its Stack names: "kernel" (the default) stands in for the live lab's
// real Linux namespaces; the historic personalities (IRIX 6.2, Linux
// 2.0.35, ...) answer as those systems did in 1998. simnet only carries
// packets and keeps time; what a host answers is its stack's business.
//
// A Network owns its hosts (their stacks live and die with it), its event
// queue and its clock. The engine that drives it is its only user and
// calls it from one goroutine. The Tap callback sees every packet that
// crosses the simulated wire, in both directions, with its virtual time:
// it plays the sensor. Plainly, it sees an answer when the scanner reads
// it, possibly after later sends; with Config.InOrder it sees the wire's
// order (wireOrder in order.go), and the Network owns the few packets it
// holds for that (copies of sends, answers it queued) until it hands them
// over or Flush does at the end of the run.
//
// The per-packet path does not allocate: answers wait in a FIFO (events
// in events.go; they are queued in time order), held packets reuse their
// buffers. What a stack's Answer allocates for its replies is the stack's.
package simnet
