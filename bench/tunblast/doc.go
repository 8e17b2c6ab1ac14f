// Command tunblast measures the live lab path's own ceiling, for issue
// 19 (scripts/bench-live.sh runs it as root): it builds the lab of a
// scenario with siglab's own lab code, starts the same sensor a scan
// has, and writes pre-built TCP SYNs, one per port, into the lab's TUN
// as fast as one writer can, while another goroutine reads the
// target's answers back from the TUN as the generator would. It does
// nothing else per packet, so the packets/s the sensor sees are what
// the path (TUN write, forwarding through the scan and sensor
// namespaces, the target's kernel, the way back, the sensor's capture)
// carries at most for one writer: the ceiling siglab's live scan is
// judged against.
//
//	tunblast [-scenario bench/fullrange.yaml] [-host victim] [-ports 65535] [-window N] [-o OUT.pcap] [-sensor=false]
//
// It prints one line of key=value words on stdout: written (SYNs),
// write_s and write_pps (the writer's own rate), replies (answers read
// from the TUN) and dropped (the sensor's kernel drops); -o writes the
// sensor's capture for `benchreport pcapstat`, which measures packets/s
// at the sensor exactly as for the scans. -sensor=false runs without a
// capture, to show what the capture costs the path. -window N keeps at
// most N SYNs unanswered (nmap 2.02 keeps 150): the ceiling of a
// scanner that paces itself by its answers, which waits whenever the
// path is slow to bring them back; without it the writer never waits.
//
// Safety: every packet goes to the scenario host's address in the lab
// the command built (198.18.0.0/15), checked by the generator's
// containment guard before anything is sent; the lab is removed on
// exit, on error and on Ctrl-C.
package main
