// Package render prints captures the way analysts read them in 1998: one
// line per packet in tcpdump 3.4's style, or sanitized as the SANS/SHADOW
// FAQ printed its traces ("18:42:25.241999 > S 3596953827:3596953827(0)
// win 4096"). IPv6 packets (today's tools in the live lab: nmap -6,
// ping -6) print in the same style with their IPv6 addresses (Line6),
// ICMPv6 by name and fragments noted; other frames are skipped. Write
// and Line hold no state between calls; a Stream (`siglab lab watch`)
// renders live packets one at a time and keeps, across them, what Write
// keeps across a capture (which RSTs are the scanner kernel's).
package render
