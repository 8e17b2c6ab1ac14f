package psad

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/siglab/siglab/external"
	"github.com/siglab/siglab/lazyre"
	"github.com/siglab/siglab/ownedtemp"
)

// Errors of Analyze.
var (
	// ErrMissing: no psad on PATH, or no /etc/psad to copy its
	// configuration from.
	ErrMissing = errors.New("psad is not installed (apt-get install psad)")
	// ErrFailed: psad ran and exited non-zero, could not be run, or
	// printed output Parse cannot read.
	ErrFailed = errors.New("psad failed")
)

// TempPrefix starts the name of every temporary directory of this
// package, in os.TempDir: "siglab-psad-<pid>-<random>", the pid telling
// Clean whose it is. psad's private configuration and data, and an
// NFLOG capture's ulogd2 configuration and log, live there and nowhere
// else.
const TempPrefix = "siglab-psad-"

// ConfDir is where Debian's psad keeps its configuration, which Analyze
// copies and never changes.
var ConfDir = "/etc/psad"

// confFiles are the files of ConfDir psad reads in -A mode.
var confFiles = []string{"psad.conf", "signatures", "auto_dl", "icmp_types", "icmp6_types",
	"ip_options", "posf", "pf.os", "protocols", "snort_rule_dl"}

// Analyze runs Debian's psad offline on lines (`psad -A --stdin`) with a
// private configuration in a fresh temporary directory, removed
// afterwards, and returns what it printed and the Records Format reads
// from it. psad runs as a log server (--log-server: it never lists or
// changes a firewall), with no syslog, mail, whois, DNS or netstat
// lookups, and writes only inside that directory; Perl's hash order is
// fixed so that the same lines give the same output.
func Analyze(ctx context.Context, lines []string) (out []byte, recs []external.Record, err error) {
	bin, err := lookSbin("psad")
	if err != nil {
		return nil, nil, ErrMissing
	}
	dir, err := tempDir()
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrFailed, err)
	}
	defer os.RemoveAll(dir)
	conf, err := writeConfig(dir)
	if err != nil {
		return nil, nil, err
	}
	var stdin bytes.Buffer
	for _, l := range lines {
		stdin.WriteString(strings.TrimRight(l, "\n"))
		stdin.WriteByte('\n')
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, "-A", "--stdin", "--log-server", "--analysis-write-data", "--no-daemon",
		"--no-rdns", "--no-whois", "--no-netstat", "--no-fwcheck", "-c", conf)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = &stdin, &stdout, &stderr
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PERL_HASH_SEED=0", "PERL_PERTURB_KEYS=0", "TZ=UTC")
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Run(); err != nil {
		return stdout.Bytes(), nil, fmt.Errorf("%w: %w: %s", ErrFailed, err, lastLine(stderr.String(), stdout.String()))
	}
	recs, err = Parse(bytes.NewReader(stdout.Bytes()))
	if err != nil {
		return stdout.Bytes(), recs, fmt.Errorf("%w: %w", ErrFailed, err)
	}
	return stdout.Bytes(), recs, nil
}

// tempDir makes a directory named for this process.
func tempDir() (string, error) {
	return ownedtemp.Mkdir(TempPrefix)
}

// pathOverrides are the psad.conf paths Analyze moves, relative to its
// directory. Every other path psad.conf names is derived from these
// ($PSAD_DIR/..., $PSAD_CONF_DIR/...) or is a command psad runs
// read-only (ip, ps) or never runs in -A mode.
var pathOverrides = map[string]string{
	"PSAD_DIR":            "log",
	"PSAD_RUN_DIR":        "run",
	"PSAD_FIFO_DIR":       "fifo",
	"PSAD_CONF_DIR":       "conf",
	"FWSNORT_RULES_DIR":   "conf/fwsnort",
	"IPT_SYSLOG_FILE":     "messages",
	"ETC_HOSTS_DENY_FILE": "hosts.deny",
	"ETC_SYSLOG_CONF":     "syslog.conf",
	"ETC_RSYSLOG_CONF":    "rsyslog.conf",
	"ETC_SYSLOGNG_CONF":   "syslog-ng.conf",
	"ETC_METALOG_CONF":    "metalog.conf",
}

// overrides are the other settings Analyze changes.
var overrides = map[string]string{
	// With ENABLE_SYSLOG_FILE Y psad's setup returns before it would
	// look at (and rewrite) a syslog daemon's configuration.
	"ENABLE_SYSLOG_FILE":      "Y",
	"ENABLE_FW_LOGGING_CHECK": "N",
	"ENABLE_AUTO_IDS":         "N",
	"ALERTING_METHODS":        "noemail,nosyslog",
	"ENABLE_WHOIS_LOOKUPS":    "N",
	"ENABLE_DNS_LOOKUPS":      "N",
	"AUTO_DETECT_JOURNALCTL":  "N",
	"IFCFGTYPE":               "iproute2",
	"HOSTNAME":                "siglab",
}

// confLine is one setting of psad.conf: NAME, the spaces, the value, ";".
var confLine = lazyre.New(`^(\w+)(\s+)(.*?);(.*)$`)

// writeConfig copies ConfDir's files into dir/conf and writes
// dir/psad.conf, Debian's with overrides applied; it returns the
// latter's path.
func writeConfig(dir string) (string, error) {
	confDir := filepath.Join(dir, "conf")
	if err := os.MkdirAll(filepath.Join(confDir, "snort_rules"), 0o700); err != nil {
		return "", fmt.Errorf("%w: %w", ErrFailed, err)
	}
	for _, f := range confFiles {
		b, err := os.ReadFile(filepath.Join(ConfDir, f))
		if errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("%w: %w", ErrMissing, err)
		}
		if err != nil {
			return "", fmt.Errorf("%w: %w", ErrFailed, err)
		}
		if f == "psad.conf" {
			b = rewriteConf(b, dir)
		}
		if err := os.WriteFile(filepath.Join(confDir, f), b, 0o600); err != nil {
			return "", fmt.Errorf("%w: %w", ErrFailed, err)
		}
	}
	// Snort rules psad would match fwsnort's SID log prefixes against
	// (Debian ships the directory empty).
	rules, _ := filepath.Glob(filepath.Join(ConfDir, "snort_rules", "*"))
	for _, r := range rules {
		b, err := os.ReadFile(r)
		if err != nil {
			continue // a subdirectory
		}
		if err := os.WriteFile(filepath.Join(confDir, "snort_rules", filepath.Base(r)), b, 0o600); err != nil {
			return "", fmt.Errorf("%w: %w", ErrFailed, err)
		}
	}
	return filepath.Join(confDir, "psad.conf"), nil
}

// rewriteConf applies pathOverrides and overrides to a psad.conf.
func rewriteConf(conf []byte, dir string) []byte {
	var out bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(conf))
	for sc.Scan() {
		l := sc.Text()
		if m := confLine().FindStringSubmatch(l); m != nil {
			if v, ok := pathOverrides[m[1]]; ok {
				l = m[1] + m[2] + filepath.Join(dir, v) + ";"
			} else if v, ok := overrides[m[1]]; ok {
				l = m[1] + m[2] + v + ";"
			}
		}
		out.WriteString(l)
		out.WriteByte('\n')
	}
	return out.Bytes()
}

// lastLine picks what says why psad failed: its last line on stderr
// ("[*] ..." from die), else on stdout.
func lastLine(outputs ...string) string {
	for _, s := range outputs {
		if l := strings.TrimSpace(s); l != "" {
			ls := strings.Split(l, "\n")
			return strings.TrimSpace(ls[len(ls)-1])
		}
	}
	return "no message"
}
