package netns

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/netns/nsthread"
	"golang.org/x/sys/unix"
)

// A 1998 FTP server, enough for nmap's bounce scan (-b): it logs in
// anyone and, as wu-ftpd 2.4 and its peers did, lets PORT name any host,
// not only the client. LIST then connects from port 20 (ftp-data) to that
// host and port: 150 and 226 when the connection opens, 425 when it is
// refused or times out. Only lab addresses are ever dialled.
const (
	ftpGreeting   = "220 siglab FTP server (Version wu-2.4(1) Fri Dec 18 1998) ready."
	ftpDataPort   = 20
	ftpDialWait   = 3 * time.Second
	ftpIdle       = 30 * time.Second
	ftpMaxCommand = 512
)

// ftpServer serves one control connection; ns and self are the host's
// namespace and address, where data connections start.
func ftpServer(c net.Conn, ns nsthread.Handle, self netip.Addr) {
	r := bufio.NewReaderSize(c, ftpMaxCommand)
	say := func(line string) bool {
		_, err := c.Write([]byte(line + "\r\n"))
		return err == nil
	}
	if !say(ftpGreeting) {
		return
	}
	var data netip.AddrPort
	for {
		_ = c.SetReadDeadline(time.Now().Add(ftpIdle))
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(strings.TrimRight(line, "\r\n"), " ")
		reply, quit := ftpCommand(strings.ToUpper(verb), arg, &data, func() bool { return say("150 Opening ASCII mode data connection for /bin/ls.") }, ns, self)
		if !say(reply) || quit {
			return
		}
	}
}

// ftpCommand answers one command. opening announces a data transfer.
func ftpCommand(verb, arg string, data *netip.AddrPort, opening func() bool, ns nsthread.Handle, self netip.Addr) (string, bool) {
	switch verb {
	case "USER":
		return "331 Guest login ok, send your complete e-mail address as password.", false
	case "PASS":
		return "230 Guest login ok, access restrictions apply.", false
	case "SYST":
		return "215 UNIX Type: L8", false
	case "TYPE":
		return "200 Type set to " + arg + ".", false
	case "PORT":
		ap, err := parsePORT(arg)
		if err != nil {
			return "501 " + err.Error(), false
		}
		*data = ap
		return "200 PORT command successful.", false
	case "LIST", "NLST", "RETR":
		if !data.IsValid() {
			return "425 Can't build data connection: no PORT given.", false
		}
		target := *data
		*data = netip.AddrPort{}
		return ftpTransfer(target, opening, ns, self), false
	case "QUIT":
		return "221 Goodbye.", true
	}
	return fmt.Sprintf("500 '%s': command not understood.", verb), false
}

// parsePORT reads "h1,h2,h3,h4,p1,p2" and refuses addresses outside the
// lab (the one check a 1998 server did not make, and siglab must).
func parsePORT(arg string) (netip.AddrPort, error) {
	f := strings.Split(strings.TrimSpace(arg), ",")
	if len(f) != 6 {
		return netip.AddrPort{}, fmt.Errorf("'PORT %s': command not understood.", arg)
	}
	var b [6]byte
	for i, s := range f {
		v, err := strconv.Atoi(s)
		if err != nil || v < 0 || v > 255 {
			return netip.AddrPort{}, fmt.Errorf("'PORT %s': command not understood.", arg)
		}
		b[i] = byte(v)
	}
	ap := netip.AddrPortFrom(netip.AddrFrom4([4]byte(b[:4])), uint16(b[4])<<8|uint16(b[5]))
	if !labnet.Contains(ap.Addr()) { // the FTP server connects inside the lab only
		return netip.AddrPort{}, fmt.Errorf("PORT to %s refused: outside the lab.", ap.Addr())
	}
	return ap, nil
}

// ftpTransfer opens the data connection from port 20 inside the host's
// namespace, sends an empty listing and closes it.
func ftpTransfer(target netip.AddrPort, opening func() bool, ns nsthread.Handle, self netip.Addr) string {
	var conn net.Conn
	err := nsthread.Do(ns, func() (err error) {
		d := net.Dialer{
			Timeout:   ftpDialWait,
			LocalAddr: &net.TCPAddr{IP: self.AsSlice(), Port: ftpDataPort},
			Control:   reuseAddr,
		}
		conn, err = d.DialContext(context.Background(), "tcp4", target.String())
		return err
	})
	if err != nil {
		return "425 Can't build data connection: Connection refused."
	}
	defer conn.Close()
	if !opening() {
		return "426 Connection closed; transfer aborted."
	}
	_, _ = conn.Write([]byte("total 0\r\n"))
	return "226 Transfer complete."
}

// reuseAddr lets successive data connections leave from port 20.
func reuseAddr(_, _ string, rc syscall.RawConn) error {
	var serr error
	err := rc.Control(func(fd uintptr) {
		serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_REUSEADDR, 1)
	})
	if err != nil {
		return err
	}
	return serr
}
