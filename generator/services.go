package generator

// services is the scanning host's /etc/services as nmap 2.02 read it: TCP
// entries in file order. nmap 2.02 shipped no services file of its own; it
// read the scanner's. This table reconstructs a 1998 Linux netbase file.
// It has no entry for 22 (ssh had not yet been added in 1998's netbase),
// which is why the FAQ's figure 3 lists port 22 as "unknown". Its ten
// TCP ports above 1024 make the default list 1034 ports long, the length
// that reproduces the FAQ's figure 1 from srand(439649): the ping's four
// draws and the 1034 of the shuffle come before the ISN 3596953827.
var services = []struct {
	port uint16
	name string
}{
	{1, "tcpmux"}, {7, "echo"}, {9, "discard"}, {11, "systat"}, {13, "daytime"},
	{15, "netstat"}, {17, "qotd"}, {18, "msp"}, {19, "chargen"}, {20, "ftp-data"},
	{21, "ftp"}, {23, "telnet"}, {25, "smtp"}, {37, "time"}, {39, "rlp"},
	{42, "nameserver"}, {43, "whois"}, {49, "tacacs"}, {50, "re-mail-ck"},
	{53, "domain"}, {57, "mtp"}, {65, "tacacs-ds"}, {67, "bootps"}, {68, "bootpc"},
	{70, "gopher"}, {77, "rje"}, {79, "finger"}, {80, "www"}, {87, "link"},
	{88, "kerberos"}, {95, "supdup"}, {101, "hostnames"}, {102, "iso-tsap"},
	{105, "csnet-ns"}, {107, "rtelnet"}, {109, "pop-2"}, {110, "pop-3"},
	{111, "sunrpc"}, {113, "auth"}, {115, "sftp"}, {117, "uucp-path"},
	{119, "nntp"}, {123, "ntp"}, {137, "netbios-ns"}, {138, "netbios-dgm"},
	{139, "netbios-ssn"}, {143, "imap"}, {161, "snmp"}, {162, "snmp-trap"},
	{163, "cmip-man"}, {164, "cmip-agent"}, {177, "xdmcp"}, {178, "nextstep"},
	{179, "bgp"}, {191, "prospero"}, {194, "irc"}, {199, "smux"},
	{201, "at-rtmp"}, {202, "at-nbp"}, {204, "at-echo"}, {206, "at-zis"},
	{210, "z3950"}, {213, "ipx"}, {220, "imap3"}, {372, "ulistserv"},
	{389, "ldap"}, {443, "https"}, {444, "snpp"}, {487, "saft"}, {512, "exec"},
	{513, "login"}, {514, "shell"}, {515, "printer"}, {526, "tempo"},
	{530, "courier"}, {531, "conference"}, {532, "netnews"}, {538, "gdomap"},
	{540, "uucp"}, {543, "klogin"}, {544, "kshell"}, {556, "remotefs"},
	{749, "kerberos-adm"}, {1080, "socks"}, {1109, "kpop"}, {1524, "ingreslock"},
	{2049, "nfs"}, {2105, "eklogin"}, {4559, "hylafax"}, {6000, "x11"}, {6667, "ircd"},
	{7000, "afs3-fileserver"}, {7100, "xfs"},
}

// serviceName is the name nmap printed for a TCP port, "unknown" if the
// services file has none.
func serviceName(port uint16) string {
	for _, s := range services {
		if s.port == port {
			return s.name
		}
	}
	return "unknown"
}

// defaultPorts is 2.02's default list: 1-1024, then every TCP port above
// 1024 in the services file, in file order. With fast set (-F) it is only
// the services file's ports.
func defaultPorts(fast bool) []uint16 {
	var out []uint16
	if !fast {
		for p := 1; p <= 1024; p++ {
			out = append(out, uint16(p))
		}
	}
	for _, s := range services {
		if fast || s.port > 1024 {
			out = append(out, s.port)
		}
	}
	return out
}
