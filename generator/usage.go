package generator

import "fmt"

// usage is what nmap 2.0x's printusage() printed for -h (nmap.c, 2.01
// and 2.05 alike), byte for byte. Its "-A Allow scanning .0 and .255
// addresses" line is printed only when o.allowall is 0, which
// options_init() never leaves it (IGNORE_ZERO_AND_255_HOSTS is 0), so
// it is not here; the lines after it are printf()s of their own.
func usage() string {
	return fmt.Sprintf("nmap V. %s usage: nmap [Scan Type(s)] [Options] <host or net #1 ... [#N]>\n", Version) +
		"Scan types\n" +
		"   -sT tcp connect() port scan\n" +
		"   -sS tcp SYN stealth port scan (must be root)\n" +
		"   -sF,-sX,-sN Stealth FIN, Xmas, or Null scan (only works against UNIX).\n" +
		"   -sP ping \"scan\". Find which hosts on specified network(s) are up but don't \n" +
		"       port scan them\n" +
		"   -sU UDP port scan, must be r00t\n" +
		"   -b <ftp_relay_host> ftp \"bounce attack\" port scan\n" +
		"Options (none are required, most can be combined):\n" +
		"   -f use tiny fragmented packets for SYN, FIN, Xmas, or NULL scan.\n" +
		"   -P0 Don't ping hosts (needed to scan www.microsoft.com and others)\n" +
		"   -PT Use \"TCP Ping\" to see what hosts are up (for normal and ping scans).\n" +
		"   -PT21 Use \"TCP Ping\" scan with probe destination port of 21 (or whatever).\n" +
		"   -PI Use ICMP ping packet to determines hosts that are up\n" +
		"   -PB Do BOTH TCP & ICMP scans in parallel (TCP dest port can be specified after the 'B')\n" +
		"   -PS Use TCP SYN sweep rather than the default ACK sweep used in \"TCP ping\"\n" +
		"   -O Use TCP/IP fingerprinting to guess what OS the remote host is running\n" +
		"   -p <range> ports: ex: '-p 23' will only try port 23 of the host(s)\n" +
		"                  '-p 20-30,63000-' scans 20-30 and 63000-65535. default: 1-1024 + /etc/services\n" +
		"   -Ddecoy_host1,decoy2,ME,decoy3[,...] Launch scans from decoy host(s) along\n" +
		"      with the real one.  If you care about the order your real IP appears,\n" +
		"      stick \"ME\" somewhere in the list.  Even if the target detects the\n" +
		"      scan, they are unlikely to know which IP is scanning them and which \n" +
		"      are decoys.\n" +
		"   -F fast scan. Only scans ports in /etc/services, a la strobe(1).\n" +
		"   -I Get identd (rfc 1413) info on listening TCP processes.\n" +
		"   -n Don't DNS resolve anything unless we have to (makes ping scans faster)\n" +
		"   -R Try to resolve all hosts, even down ones (can take a lot of time)\n" +
		"   -o <logfile> Output scan logs to <logfile> in human readable.\n" +
		"   -m <logfile> Output scan logs to <logfile> in machine parseable format.\n" +
		"   -i <inputfile> Grab IP numbers or hostnames from file.  Use '-' for stdin\n" +
		"   -g <portnumber> Sets the source port used for scans.  20 and 53 are good choices.\n" +
		"   -S <your_IP> If you want to specify the source address of SYN or FYN scan.\n" +
		"   -v Verbose. Its use is recommended.  Use twice for greater effect.\n" +
		"   -h help, print this junk.  Also see http://www.insecure.org/nmap/\n" +
		"   -V Print version number and exit.\n" +
		"   -e <devicename>. Send packets on interface <devicename> (eth0,ppp0,etc.).\n" +
		"   -q quash argv to something benign, currently set to \"pine\". (deprecated)\n" +
		"Hostnames specified as internet hostname or IP address.  Optional '/mask' specifies subnet. For example:  cert.org/24 or 192.88.209.5/24 or 192.88.209.0-255 or '128.88.209.*' all scan CERT's Class C.\n" +
		"SEE THE MAN PAGE FOR MORE THOROUGH EXPLANATIONS AND EXAMPLES.\n"
}
