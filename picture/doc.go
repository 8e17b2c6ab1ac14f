// Package picture draws a capture as an SVG: each probe a mark at its
// time, shaped by its technique, each answer a stroke over the probe it
// answers, one colour per source, and the detector's findings as
// labelled spans over the marks. `siglab render --svg` writes one;
// WriteSVG is what a report page calls.
//
// Who owns what: the package reads a capture.Capture and a slice of
// detector.Finding and writes bytes; it keeps nothing. It classifies
// packets itself (classify.go), with a few lines of the detector's
// knowledge copied rather than shared (nmap's OS-probe option lists):
// a drawing has no business widening the detector's API.
//
// Marks. Probes: SYN, FIN, Xmas, Null, ACK, Maimon (FIN|ACK), other TCP,
// UDP, ICMP echo (and timestamp or mask requests), OS probe (TCP with
// nmap's OS option lists, the UDP probe to a port OS probes went to,
// today's IE echoes with code 9) and TSeq (bare SYNs to one port, each
// from the next source port with the next sequence number). Answers, on
// the flow of a probe seen before: open (SYN/ACK, or any UDP or ICMP
// reply), closed (RST, or ICMP port unreachable to a UDP probe),
// filtered (any other ICMP unreachable). Not drawn: the prober's own RSTs
// after a SYN/ACK, resets answering nothing, and the rest of a
// connection a probe opened (a connect scan's or a session's ACKs, data
// and FINs); a retry, a packet like the flow's first, is drawn again.
// IPv4 only.
//
// View. Target address against time when the probes went to more
// distinct targets than distinct ports (sweeps, campaigns), destination
// port against time otherwise. Up to 40 distinct ports are drawn one
// labelled row each in port order (ICMP below them); more are drawn on a
// linear port axis (ICMP at 0). Targets are always one row each, in
// address order, about a dozen of them labelled.
//
// Colours. A source is one process: an address and its source port
// (nmap 2.0x keeps one port per scan process, so the 17 concurrent
// processes of exploits plus are 17 colours). OS probes and TSeq SYNs,
// whose ports change on every probe, are their address's "OS detection".
// An address using more than 24 source ports (a connect scan) is one
// colour. Colours come from a fixed 24-colour palette in order of first
// appearance; sources past it share grey, counted in the legend.
//
// Bounds. Marks are binned on a 160 x 100 grid (a cell about the size of a mark) over the data: of
// identical marks (kind and colour) in one cell only the first is drawn,
// since the rest would only overdraw it. A full-range scan therefore
// costs at most a few marks per cell, not one per packet. At most 10
// findings get a span; the tenth lane counts the rest.
//
// Determinism. The same capture and findings give the same bytes on every
// machine: gonum.org/v1/plot measures text with the Liberation fonts
// compiled into the binary (codeberg.org/go-fonts/liberation), never the
// system's, and its SVG writer names the family ("Liberation Serif")
// without embedding it, so only a viewer's rendering, never the file,
// depends on installed fonts. Maps here are only looked up, never ranged
// over for output; sources and rows are ordered by first appearance or
// by value, findings by start, label and scanner.
package picture
