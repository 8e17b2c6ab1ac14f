package psad

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
)

// Errors of StartNFLOG and NFLOG.Stop.
var (
	// ErrULOGDMissing: no ulogd on PATH.
	ErrULOGDMissing = errors.New("ulogd2 is not installed (apt-get install ulogd2)")
	// ErrNFLOG: the rule or ulogd2 could not be set up or did not log
	// every packet the rule matched.
	ErrNFLOG = errors.New("nflog capture")
	// ErrUnsupported is what StartNFLOG returns off Linux. It wraps
	// errors.ErrUnsupported.
	ErrUnsupported = fmt.Errorf("NFLOG capture needs Linux: %w", errors.ErrUnsupported)
)

// ulogdPlugins is where Debian's ulogd2 keeps its plugins: under the
// machine's multiarch directory (x86_64-linux-gnu, aarch64-linux-gnu...).
func ulogdPlugins() string {
	if m, _ := filepath.Glob("/usr/lib/*/ulogd/ulogd_inppkt_NFLOG.so"); len(m) > 0 {
		return filepath.Dir(m[0])
	}
	return "/usr/lib/x86_64-linux-gnu/ulogd"
}

// groups numbers NFLOG groups within this process; with the pid it makes
// a group no other run of siglab on the machine uses at the same time.
var groups atomic.Uint32

// nextGroup is an NFLOG group number (1-65535) unique to this run.
func nextGroup() uint16 {
	return uint16(1 + (uint32(os.Getpid())*131+groups.Add(1))%65535)
}

// ulogdConfig is ulogd2's configuration for one capture: NFLOG on group
// into LOGEMU's file emu, its own messages in log, at info level so that
// it says when it has bound the group.
func ulogdConfig(group uint16, emu, log string) string {
	dir := ulogdPlugins()
	plugins := []string{"inppkt_NFLOG", "raw2packet_BASE", "filter_IFINDEX", "filter_IP2STR", "filter_PRINTPKT", "output_LOGEMU"}
	var b strings.Builder
	fmt.Fprintf(&b, "[global]\nlogfile=%q\nloglevel=3\n", log)
	for _, p := range plugins {
		fmt.Fprintf(&b, "plugin=%q\n", filepath.Join(dir, "ulogd_"+p+".so"))
	}
	b.WriteString("stack=log1:NFLOG,base1:BASE,ifi1:IFINDEX,ip2str1:IP2STR,print1:PRINTPKT,emu1:LOGEMU\n")
	fmt.Fprintf(&b, "[log1]\ngroup=%d\n", group)
	fmt.Fprintf(&b, "[emu1]\nfile=%q\nsync=1\n", emu)
	return b.String()
}

// readyMark is the line ulogd2 logs once its stack is up and the NFLOG
// group bound.
const readyMark = "initialization finished"

// ulogdLines reads LOGEMU's file: one line per packet, the newline off.
func ulogdLines(b []byte) []string {
	s := strings.TrimSuffix(string(b), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// tableName is the nftables table of one capture.
func tableName(group uint16) string { return "siglab-psad-" + strconv.Itoa(int(group)) }
