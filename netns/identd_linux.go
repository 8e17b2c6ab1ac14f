package netns

import (
	"bytes"
	"net"
	"time"

	"github.com/siglab/siglab/labnet"
)

// identdServer is a kernel host's RFC 1413 server (a scenario host's
// identd:), run on port 113 for nmap's -I: it reads one request line,
// answers it from the host's owner table (labnet.Identd.Answer, the very
// answer the offline emulation gives) and closes, as pidentd did. The
// whole read is taken, the NUL nmap 2.0x sends after its CR LF included,
// so the close is an orderly FIN, not a reset for unread data.
func identdServer(c net.Conn, d *labnet.Identd, open []uint16) {
	var req []byte
	buf := make([]byte, 1024)
	for !bytes.Contains(req, []byte("\n")) && len(req) <= labnet.IdentMaxRequest {
		if err := c.SetReadDeadline(time.Now().Add(idleTimeout)); err != nil {
			return
		}
		n, err := c.Read(buf)
		req = append(req, buf[:n]...)
		if err != nil {
			if len(req) == 0 {
				return
			}
			break
		}
	}
	_, _ = c.Write(d.Answer(open, req))
}
