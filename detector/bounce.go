package detector

import (
	"fmt"
	"strconv"
)

const labelBounce = "scan.ftp-bounce"

// analyzeBounce reports an FTP bounce scan: PORT commands on the
// source's FTP control connection naming at least MinScanPorts ports of
// hosts other than the source itself, each followed by LIST.
func analyzeBounce(a *analysis) {
	b := a.src.bounce
	fs := a.flowsOf(kindBounce)
	if b == nil || distinctPorts(fs) < a.cfg.MinScanPorts {
		return
	}
	open := count(fs, func(f *flow) bool { return f.has(gotReply) })
	closed := count(fs, func(f *flow) bool { return f.has(gotRST) })
	server := netAddr(b.server)
	f := Finding{
		Label: labelBounce, Scanner: a.scanner, Targets: targetsOf(fs), Ports: distinctPorts(fs),
		Attrs: map[string]string{
			"ftp_server": server.String(),
			"open":       strconv.Itoa(open),
			"closed":     strconv.Itoa(closed),
		},
	}
	f.First, f.Last, f.Packets = span(fs)
	for _, run := range splitByTarget(fs) {
		f.Evidence = append(f.Evidence, fmt.Sprintf("PORT commands to FTP server %s:%d naming %s of %s, not the client", server, b.ctlPort, plural(distinctPorts(run), "port"), netAddr(run[0].target)))
	}
	if open+closed > 0 {
		f.Evidence = append(f.Evidence, fmt.Sprintf("after LIST the server answered 1xx/2xx (it could connect: open) for %s and 4xx/5xx (425: closed) for %d", plural(open, "port"), closed))
	}
	if n := count(fs, func(f *flow) bool { return f.has(relayed) }); n > 0 {
		f.Evidence = append(f.Evidence, fmt.Sprintf("the server's data connections from port 20 to %s were seen", plural(n, "of those port")))
	}
	if b.nmapPass {
		f.Evidence = append(f.Evidence, "logged in with password -wwwuser@, nmap's default for -b")
	}
	a.out = append(a.out, f)
}
