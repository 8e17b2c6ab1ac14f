// Package render prints captures the way analysts read them in 1998: one
// line per packet in tcpdump 3.4's style, or sanitized as the SANS/SHADOW
// FAQ printed its traces ("18:42:25.241999 > S 3596953827:3596953827(0)
// win 4096"). It holds no state between calls.
package render
