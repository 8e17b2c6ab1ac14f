package main_test

import (
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/netns/netnstest"
)

// requireRootFor skips the spec, saying so in the suite's output, when
// the process is not root.
func requireRootFor(why string) {
	if os.Geteuid() != 0 {
		Skip("*** NOT RUN: needs root to " + why + "; run the suite as root ***")
	}
}

// inMountNS runs siglab with args in a private mount namespace (unshare
// --mount --propagation private, util-linux) after setup, a shell command
// that mounts what the spec needs there: none of it is seen outside, so
// the machine's own /dev/net/tun and /run stay as they are. $D is dir.
// after, when not empty, runs in the namespace once siglab has exited,
// e.g. to copy out what a tmpfs holds before it goes with the namespace;
// without it siglab replaces the shell, so the result's pid is siglab's.
func inMountNS(dir, setup, after string, args ...string) result {
	script := setup + ` && exec "$0" "$@"`
	if after != "" {
		script = setup + ` && { "$0" "$@"; rc=$?; ` + after + `; exit $rc; }`
	}
	cmd := exec.Command("unshare", append([]string{"--mount", "--propagation", "private", "sh", "-c", script, bin}, args...)...)
	cmd.Env = append(os.Environ(), "D="+dir)
	return runCmd(cmd)
}

// withoutCaps runs siglab as root without CAP_NET_ADMIN (setpriv drops
// it from the bounding set, so exec does not grant it).
func withoutCaps(args ...string) result {
	return runCmd(exec.Command("setpriv", append([]string{"--inh-caps=-all", "--bounding-set=-net_admin", bin}, args...)...))
}

// absent expects nothing at dir/name: siglab refused before making it.
func absent(name string) func(dir string) {
	return func(dir string) {
		_, err := os.Lstat(filepath.Join(dir, name))
		Expect(err).To(MatchError(fs.ErrNotExist), "%s was made", name)
	}
}

// wholeReports expects dir/seen (a copy of the report directory of a run
// that stopped) to hold no temporary file and only files byte for byte
// as a run with room writes them (dir/ref), verdict.json whole JSON, and
// no junit.xml or summary.json of a run that did not finish.
func wholeReports(dir string) {
	seen, ref := filepath.Join(dir, "seen"), filepath.Join(dir, "ref")
	files := 0
	Expect(filepath.WalkDir(seen, func(path string, d fs.DirEntry, err error) error {
		Expect(err).NotTo(HaveOccurred())
		rel, _ := filepath.Rel(seen, path)
		Expect(d.Name()).NotTo(HavePrefix("."), "a temporary file was left: %s", rel)
		if d.IsDir() {
			if path != seen {
				ents, _ := os.ReadDir(path)
				Expect(ents).NotTo(BeEmpty(), "an empty scenario directory was left: %s", rel)
			}
			return nil
		}
		files++
		got, err := os.ReadFile(path)
		Expect(err).NotTo(HaveOccurred())
		switch d.Name() {
		case "verdict.json": // its elapsed time differs run to run
			var v map[string]any
			Expect(json.Unmarshal(got, &v)).To(Succeed(), "%s is whole JSON", rel)
			return nil
		case "index.html": // its scenario page shows the elapsed time
			Expect(string(got)).To(HaveSuffix("</html>\n"), "%s is whole", rel)
			_, err := os.Stat(filepath.Join(ref, rel))
			Expect(err).NotTo(HaveOccurred(), "%s: not in a full report", rel)
			return nil
		case "scanlogd.log", "psad.log": // the daemons stamp their lines with the wall clock
			Expect(got).To(HaveSuffix("\n"), "%s is whole", rel)
			_, err := os.Stat(filepath.Join(ref, rel))
			Expect(err).NotTo(HaveOccurred(), "%s: not in a full report", rel)
			return nil
		}
		want, err := os.ReadFile(filepath.Join(ref, rel))
		Expect(err).NotTo(HaveOccurred(), "%s: not in a full report", rel)
		Expect(got).To(Equal(want), "%s is whole", rel)
		return nil
	})).To(Succeed())
	Expect(files).To(BeNumerically(">", 0), "the first scenario's report fitted and was kept")
	Expect(filepath.Join(seen, "junit.xml")).NotTo(BeAnExistingFile())
	Expect(filepath.Join(seen, "summary.json")).NotTo(BeAnExistingFile())
}

// A 64 KiB tmpfs does not hold fig1-random-scan's capture (over 116
// KiB); a 160 KiB one holds fig2-syn's report (about 112 KiB in 4 KiB
// pages, its HTML page and picture included) but not that capture next
// to it.
const (
	fullDisk   = `mkdir -p "$D/report" "$D/seen" && mount -t tmpfs -o size=64k siglab-full "$D/report"`
	fullReport = `mkdir -p "$D/report" "$D/seen" && mount -t tmpfs -o size=160k siglab-full "$D/report"`
	copyOut    = `cp -a "$D/report/." "$D/seen/"`
	readOnlyFS = `mkdir -p "$D/report" && mount --bind "$D/report" "$D/report" && mount -o remount,bind,ro "$D/report"`
)

var _ = Describe("siglab in a bad environment", func() {
	DescribeTable("says what is wrong in one line on stderr, exits 2 and leaves no partial file",
		func(run func(dir string) result, says string, leaves func(dir string)) {
			if slices.Contains(CurrentSpecReport().Labels(), "root") {
				requireRootFor("make this environment (a private mount namespace, setpriv)")
			}
			dir := GinkgoT().TempDir()
			Expect(os.Chmod(dir, 0o777)).To(Succeed()) // so an unprivileged siglab is stopped by siglab, not by the directory
			r := run(dir)
			Expect(r.code).To(Equal(2), "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
			Expect(r.stdout).To(BeEmpty(), "no verdict table and no output of a run that did not run")
			lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
			Expect(lines).To(HaveLen(1), r.stderr)
			Expect(lines[0]).To(MatchRegexp(`^siglab: ` + says))
			leaves(dir)
			Expect(netnstest.Namespaces(r.pid+"-")).To(BeEmpty(), "no test network was built")
		},
		Entry("no /dev/net/tun (an empty tmpfs over /dev/net)", Label("root"), func(dir string) result {
			return inMountNS(dir, `mount -t tmpfs -o size=4k,mode=0755 siglab-notun /dev/net`, "", "run", "--report", dir+"/report", "fig2-syn")
		}, `run: live test networks need the TUN device: open /dev/net/tun: no such file or directory \(.*modprobe tun.*\); use --offline$`, absent("report")),
		Entry("/run read-only, a live run", Label("root"), func(dir string) result {
			return inMountNS(dir, `mount --bind /run /run && mount -o remount,bind,ro /run`, "", "run", "--report", dir+"/report", "fig2-syn")
		}, `run: live test networks need a writable /run: /run/netns: read-only file system; use --offline$`, absent("report")),
		Entry("/run read-only, lab up", Label("root"), func(dir string) result {
			return inMountNS(dir, `mount --bind /run /run && mount -o remount,bind,ro /run`, "", "lab", "up")
		}, `lab up: live test networks need a writable /run: /run/netns: read-only file system$`, func(string) {}),
		Entry("root without CAP_NET_ADMIN", Label("root"), func(dir string) result {
			return withoutCaps("run", "--report", dir+"/report", "fig2-syn")
		}, `run: live test networks need root \(CAP_NET_ADMIN and CAP_SYS_ADMIN\): this process has uid 0 but not CAP_NET_ADMIN .*; use --offline$`, absent("report")),
		Entry("root without CAP_NET_ADMIN, lab up", Label("root"), func(dir string) result {
			return withoutCaps("lab", "up")
		}, `lab up: live test networks need root \(CAP_NET_ADMIN and CAP_SYS_ADMIN\): this process has uid 0 but not CAP_NET_ADMIN`, func(string) {}),
		Entry("a live run by a user who is not root", func(dir string) result {
			return runAs(true, "run", "--report", dir+"/report", "fig2-syn")
		}, `run: live test networks need root \(CAP_NET_ADMIN and CAP_SYS_ADMIN\): running as uid \d+; use --offline$`, absent("report")),
		Entry("a report directory the user may not write (0555)", func(dir string) result {
			Expect(os.Mkdir(filepath.Join(dir, "report"), 0o555)).To(Succeed())
			Expect(os.Chmod(filepath.Join(dir, "report"), 0o555)).To(Succeed())
			return runAs(true, "run", "--offline", "--report", dir+"/report", "fig2-syn")
		}, `--report \S+/report: permission denied$`, func(dir string) {
			Expect(os.ReadDir(filepath.Join(dir, "report"))).To(BeEmpty())
		}),
		Entry("a report directory on a read-only mount", Label("root"), func(dir string) result {
			return inMountNS(dir, readOnlyFS, "", "run", "--offline", "--report", dir+"/report", "fig2-syn")
		}, `--report \S+/report: read-only file system$`, func(dir string) {
			Expect(os.ReadDir(filepath.Join(dir, "report"))).To(BeEmpty())
		}),
		Entry("a report directory that fills up (a 160 KiB tmpfs)", Label("root"), func(dir string) result {
			ref := siglab("run", "--offline", "--parallel", "1", "--report", dir+"/ref", "fig2-syn", "fig1-random-scan")
			Expect(ref.code).To(Equal(0), ref.stderr)
			return inMountNS(dir, fullReport, copyOut, "run", "--offline", "--parallel", "1", "--report", dir+"/report", "fig2-syn", "fig1-random-scan")
		}, `--report: \S+/report/fig1-random-scan/capture\.pcap: no space left on device; the run stopped`, wholeReports),
		Entry("generate -o onto a full disk", Label("root"), func(dir string) result {
			return inMountNS(dir, fullDisk, copyOut, "generate", "fig1-random-scan", "-o", dir+"/report/f1.pcap")
		}, `\S+/report/f1\.pcap: cannot write the capture: no space left on device$`, func(dir string) {
			Expect(os.ReadDir(filepath.Join(dir, "seen"))).To(BeEmpty(), "neither the pcap nor its temporary file")
		}),
		Entry("a scenario naming a personality that does not exist", func(dir string) result {
			return siglab("run", "--offline", "--report", dir+"/report", scenarioFile("irix53.yaml", "name: irix53\n"+`
network:
  hosts:
    - name: victim
      stack: personality/irix-5.3
      open: [1, 7]
scan:
  - nmap: -sS -P0 -p1-25 victim
expect:
  reference:
    present: [scan.tcp-syn]
`))
		}, `\S+/irix53\.yaml:6: stack "personality/irix-5\.3": no personality "irix-5\.3" \(known: irix-6\.2, kernel, laserwriter-600, linux-2\.0\.35, os2-warp-3, solaris-2\.6, windows-2003-ipv6, windows-nt4\)$`, absent("report")),
		Entry("a port list past 65535", func(dir string) result {
			return siglab("run", "--offline", "--report", dir+"/report", scenarioFile("ports.yaml", "name: ports\n"+`
network:
  hosts:
    - name: victim
      open: [1, 65536]
scan:
  - nmap: -sS -P0 -p1-25 victim
expect:
  reference:
    present: [scan.tcp-syn]
`))
		}, `\S+/ports\.yaml:6: open port 65536 is out of range 1-65535$`, absent("report")),
		Entry("an nmap port range past 65535", func(dir string) result {
			return siglab("run", "--offline", "--report", dir+"/report", scenarioFile("range.yaml", "name: range\n"+victimNet+`
scan:
  - nmap: -sS -P0 -p1-70000 victim
expect:
  reference:
    present: [scan.tcp-syn]
`))
		}, `\S+/range\.yaml:9: nmap -sS -P0 -p1-70000 victim: scenario cannot run: nmap usage: -p: "70000" is not a port`, absent("report")),
		Entry("a scan time in the past", func(dir string) result {
			return siglab("run", "--offline", "--report", dir+"/report", scenarioFile("past.yaml", "name: past\n"+victimNet+`
scan:
  - at: -5s
    nmap: -sS -P0 -p1-25 victim
expect:
  reference:
    present: [scan.tcp-syn]
`))
		}, `\S+/past\.yaml:9: at: -5s is before the scenario's start`, absent("report")),
		Entry("a host name with shell text in it", func(dir string) result {
			return siglab("run", "--offline", "--report", dir+"/report", scenarioFile("shellhost.yaml", "name: shellhost\n"+`
network:
  hosts:
    - name: victim;touch `+dir+`/pwned
      open: [1, 7]
scan:
  - nmap: -sS -P0 -p1-25 victim
expect:
  reference:
    present: [scan.tcp-syn]
`))
		}, `\S+/shellhost\.yaml:5: host name "victim;touch \S+/pwned": start with a lowercase letter`, func(dir string) {
			absent("report")(dir)
			absent("pwned")(dir)
		}),
		Entry("an nmap command line with shell text in it", func(dir string) result {
			return siglab("run", "--offline", "--report", dir+"/report", scenarioFile("shellnmap.yaml", "name: shellnmap\n"+victimNet+`
scan:
  - nmap: -sS -P0 -p1-25 victim;touch `+dir+`/pwned $(touch `+dir+`/pwned) `+"`touch "+dir+"/pwned`"+`
expect:
  reference:
    present: [scan.tcp-syn]
`))
		}, `\S+/shellnmap\.yaml:9: nmap .*: scenario cannot run: nmap usage: cannot resolve target "victim;touch" \(not a lab host, address or block\)$`, func(dir string) {
			absent("report")(dir)
			absent("pwned")(dir)
		}),
	)

	It("passes capture's {host} substitutions to the tool as one argument each, never through a shell", Label("root"), func() {
		netnstest.RequireRoot()
		dir := GinkgoT().TempDir()
		pwned := filepath.Join(dir, "pwned")
		args := []string{"{victim};touch " + pwned, "$(touch " + pwned + ")", "`touch " + pwned + "`", "{victim} && touch " + pwned}
		r := siglab(append([]string{"capture", "--scenario", "fig2-syn", "-o", filepath.Join(dir, "out.pcap"), "--", "printf", "[%s]\\n"}, args...)...)
		Expect(r.code).To(Equal(0), r.stderr)
		Expect(r.stdout).To(Equal("[198.18.1.2;touch " + pwned + "]\n[$(touch " + pwned + ")]\n[`touch " + pwned + "`]\n[198.18.1.2 && touch " + pwned + "]\n"))
		Expect(pwned).NotTo(BeAnExistingFile())
		Expect(netnstest.Namespaces(r.pid + "-")).To(BeEmpty())
	})
})

var _ = Describe("siglab's files", func() {
	// mode returns the permission bits of every file and directory
	// under root, by path relative to it.
	modes := func(root string) map[string]fs.FileMode {
		m := map[string]fs.FileMode{}
		Expect(filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			Expect(err).NotTo(HaveOccurred())
			info, err := d.Info()
			Expect(err).NotTo(HaveOccurred())
			rel, _ := filepath.Rel(root, path)
			if d.IsDir() {
				rel += "/"
			}
			m[rel] = info.Mode().Perm()
			return nil
		})).To(Succeed())
		return m
	}

	It("are never group- or world-writable, even with umask 0: reports 0600 in 0755 directories, nmap's logs 0644", func() {
		old := syscall.Umask(0) // siglab inherits it
		DeferCleanup(syscall.Umask, old)
		dir := filepath.Dir(scenarioFile("unused.yaml", ""))
		report := filepath.Join(dir, "report")
		r := runAs(true, "run", "--offline", "--report", report, "fig2-syn", "fig2-syn-os-irix")
		Expect(r.code).To(Equal(0), r.stderr)
		Expect(runAs(true, "generate", "fig2-syn", "-o", filepath.Join(dir, "g.pcap")).code).To(Equal(0))
		Expect(runAs(true, "scan", "--offline", "--pcap", filepath.Join(dir, "s.pcap"), "-sS", "-P0", "-p1-25",
			"-oN", filepath.Join(dir, "s.nmap"), "-oM", filepath.Join(dir, "s.gnmap"), "victim").code).To(Equal(0))
		m := modes(report)
		Expect(m).To(HaveKey("fig2-syn-os-irix/capture.pcapng"))
		for path, mode := range m {
			if strings.HasSuffix(path, "/") {
				Expect(mode).To(Equal(fs.FileMode(0o755)), path)
			} else {
				Expect(mode).To(Equal(fs.FileMode(0o600)), path)
			}
		}
		Expect(modes(filepath.Join(dir, "g.pcap"))).To(Equal(map[string]fs.FileMode{".": 0o600}))
		Expect(modes(filepath.Join(dir, "s.pcap"))).To(Equal(map[string]fs.FileMode{".": 0o600}))
		Expect(modes(filepath.Join(dir, "s.nmap"))).To(Equal(map[string]fs.FileMode{".": 0o644}), "as nmap's fopen() made it, less the umask")
		Expect(modes(filepath.Join(dir, "s.gnmap"))).To(Equal(map[string]fs.FileMode{".": 0o644}))
		ents, err := os.ReadDir(dir)
		Expect(err).NotTo(HaveOccurred())
		for _, e := range ents {
			Expect(e.Name()).NotTo(HavePrefix("."), "no temporary file left")
		}
	})

	DescribeTable("need no root: the offline commands work for a user who is not root and never ask for it",
		func(run func(dir string) result, says string) {
			dir := filepath.Dir(scenarioFile("unused.yaml", ""))
			r := run(dir)
			Expect(r.code).To(Equal(0), r.stderr)
			Expect(r.stdout).To(ContainSubstring(says))
			Expect(r.stdout + r.stderr).NotTo(MatchRegexp(`(?i)\broot\b|CAP_`))
		},
		Entry("generate", func(dir string) result {
			return runAs(true, "generate", "fig2-syn", "-o", filepath.Join(dir, "f2.pcap"))
		}, "Interesting ports on victim (198.18.1.2):"),
		Entry("detect", func(dir string) result {
			Expect(runAs(true, "generate", "fig2-syn", "-o", filepath.Join(dir, "f2.pcap")).code).To(Equal(0))
			return runAs(true, "detect", filepath.Join(dir, "f2.pcap"))
		}, "tool.nmap-2.0x"),
		Entry("render", func(dir string) result {
			Expect(runAs(true, "generate", "fig2-syn", "-o", filepath.Join(dir, "f2.pcap")).code).To(Equal(0))
			return runAs(true, "render", "--faq", "--from", "198.18.0.2", filepath.Join(dir, "f2.pcap"))
		}, " > S "),
		Entry("run --offline, with a report", func(dir string) result {
			return runAs(true, "run", "--offline", "--report", filepath.Join(dir, "report"), "fig2-syn")
		}, "1 passed, 0 failed"),
		Entry("scenarios", func(dir string) result {
			return runAs(true, "scenarios")
		}, "fig2-syn-os-irix"),
		Entry("scan --offline", func(dir string) result {
			return runAs(true, "scan", "--offline", "-sS", "-P0", "-p1-25", "victim")
		}, "Interesting ports on victim (198.18.1.2):"),
	)
})
