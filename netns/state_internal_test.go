package netns

import (
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/siglab/siglab/labnet"
)

// selfState is a state owned by this (live) process.
func selfState(id string, created time.Time) State {
	start, _, err := procStat(os.Getpid())
	Expect(err).NotTo(HaveOccurred())
	return State{ID: id, PID: os.Getpid(), PIDStart: start, Scenario: "fig2-syn", Seed: 7, Created: created,
		Scanner: labnet.DefaultScanner, Hosts: []StateHost{{Host: labnet.Host{Name: "victim", Addr: netip.MustParseAddr("198.18.1.2"), Stack: labnet.Kernel, OpenTCP: []uint16{22}}}}}
}

var _ = Describe("state files", func() {
	var dir string
	BeforeEach(func() { dir = GinkgoT().TempDir() })

	It("round-trip, atomically, and list oldest first", func() {
		t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		a, b := selfState("11-2", t0.Add(time.Second)), selfState("11-1", t0)
		Expect(writeState(dir, a)).To(Succeed())
		Expect(writeState(dir, b)).To(Succeed())
		got, err := readState(dir, "11-2")
		Expect(err).NotTo(HaveOccurred())
		Expect(got).To(Equal(a))
		all, err := readStates(dir)
		Expect(err).NotTo(HaveOccurred())
		Expect(all).To(Equal([]State{b, a}))
		ents, _ := os.ReadDir(dir)
		Expect(ents).To(HaveLen(2), "no temporary file left")
		info, err := os.Stat(statePath(dir, "11-2"))
		Expect(err).NotTo(HaveOccurred())
		Expect(info.Mode().Perm()).To(Equal(os.FileMode(0o600)), "root's alone")
		Expect(removeState(dir, "11-2")).To(Succeed())
		Expect(removeState(dir, "11-2")).To(Succeed(), "gone already is fine")
		_, err = readState(dir, "11-2")
		Expect(err).To(MatchError(ErrNoLab))
	})

	It("keep the directory root's alone: made 0700, narrowed to 0700 from an older siglab's 0755, whatever the umask", func() {
		old := syscall.Umask(0)
		DeferCleanup(syscall.Umask, old)
		made := filepath.Join(dir, "siglab")
		Expect(writeState(made, selfState("11-1", time.Now()))).To(Succeed())
		info, err := os.Stat(made)
		Expect(err).NotTo(HaveOccurred())
		Expect(info.Mode().Perm()).To(Equal(os.FileMode(0o700)))
		info, err = os.Stat(statePath(made, "11-1"))
		Expect(err).NotTo(HaveOccurred())
		Expect(info.Mode().Perm()).To(Equal(os.FileMode(0o600)))

		older := filepath.Join(dir, "older")
		Expect(os.Mkdir(older, 0o755)).To(Succeed())
		Expect(writeState(older, selfState("11-1", time.Now()))).To(Succeed())
		info, err = os.Stat(older)
		Expect(err).NotTo(HaveOccurred())
		Expect(info.Mode().Perm()).To(Equal(os.FileMode(0o700)))
	})

	It("reports a file it cannot parse and lists the others", func() {
		Expect(writeState(dir, selfState("11-1", time.Now()))).To(Succeed())
		Expect(os.WriteFile(filepath.Join(dir, "12-1.json"), []byte("{"), 0o644)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(dir, "README"), []byte("x"), 0o644)).To(Succeed())
		all, err := readStates(dir)
		Expect(err).To(MatchError(ContainSubstring("12-1.json")))
		Expect(all).To(HaveLen(1))
	})

	It("refuses to read or write a state under an ID that is not a lab ID", func() {
		_, err := readState(dir, "../x")
		Expect(err).To(MatchError(ErrNoLab))
		Expect(writeState(dir, State{ID: "../x"})).To(MatchError(ErrNoLab))
	})

	It("tells a live owner from a dead, reused or zombie pid", func() {
		st := selfState("1-1", time.Now())
		Expect(st.Alive()).To(BeTrue())
		reused := st
		reused.PIDStart++
		Expect(reused.Alive()).To(BeFalse(), "same pid, another start time: another process")
		dead := st
		dead.PID = 999999999
		Expect(dead.Alive()).To(BeFalse())

		cmd := exec.Command("true")
		Expect(cmd.Start()).To(Succeed())
		DeferCleanup(cmd.Wait)
		start, _, err := procStat(cmd.Process.Pid)
		Expect(err).NotTo(HaveOccurred())
		zombie := State{PID: cmd.Process.Pid, PIDStart: start}
		Eventually(zombie.Alive, 2*time.Second, 5*time.Millisecond).Should(BeFalse(), "exited, not reaped yet")
	})

	DescribeTable("parses /proc/<pid>/stat, whatever the command name",
		func(line string, start uint64, zombie bool) {
			s, z, err := parseStat(line)
			Expect(err).NotTo(HaveOccurred())
			Expect(s).To(Equal(start))
			Expect(z).To(Equal(zombie))
		},
		Entry("plain", "42 (siglab) S 1 42 42 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 98765 1 2 3", uint64(98765), false),
		Entry("spaces and parens in comm", "42 (a) b (c) Z 1 42 42 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 5 1 2", uint64(5), true),
	)

	DescribeTable("refuses a malformed stat line",
		func(line string) {
			_, _, err := parseStat(line)
			Expect(err).To(HaveOccurred())
		},
		Entry("no comm", "42 siglab S 1"),
		Entry("too short", "42 (x) S 1 2 3"),
		Entry("bad starttime", "42 (x) S 1 42 42 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 x 1"),
	)

	DescribeTable("validID accepts only <pid>-<n>",
		func(id string, ok bool) { Expect(validID(id)).To(Equal(ok)) },
		Entry("lab id", "1234-1", true),
		Entry("empty", "", false),
		Entry("path", "../1-1", false),
		Entry("three parts", "1-2-3", false),
		Entry("no seq", "1234", false),
		Entry("zero pid", "0-1", false),
		Entry("signed seq", "1-+1", false),
	)

	Describe("cleanStates", func() {
		var files map[string]string
		BeforeEach(func() {
			live := selfState("1-1", time.Now())
			live.PID = os.Getppid() // alive, and not this process's open lab
			start, _, err := procStat(live.PID)
			Expect(err).NotTo(HaveOccurred())
			live.PIDStart = start
			reused := live
			reused.ID, reused.PIDStart = "1-2", start+1
			dead := selfState("999999999-1", time.Now())
			dead.PID = 999999999
			ours := selfState(fmt.Sprintf("%d-424243", os.Getpid()), time.Now())
			for _, st := range []State{live, reused, dead, ours} {
				Expect(writeState(dir, st)).To(Succeed())
			}
			files = map[string]string{"live": "1-1.json", "reused": "1-2.json", "dead": "999999999-1.json",
				"ours": ours.ID + ".json", "deadtmp": ".999999999-2.json.tmp123", "corrupt-dead": "999999999-3.json",
				"foreign": "notes.txt"}
			Expect(os.WriteFile(filepath.Join(dir, files["deadtmp"]), []byte("{"), 0o644)).To(Succeed())
			Expect(os.WriteFile(filepath.Join(dir, files["corrupt-dead"]), []byte("{"), 0o644)).To(Succeed())
			Expect(os.WriteFile(filepath.Join(dir, files["foreign"]), []byte("x"), 0o644)).To(Succeed())
			lab := &Lab{id: ours.ID}
			register(lab)
			DeferCleanup(unregister, lab)
		})

		DescribeTable("removes what no live process owns",
			func(all bool, gone ...string) {
				removed, err := cleanStates(dir, all)
				Expect(err).NotTo(HaveOccurred())
				var want []string
				for _, k := range gone {
					want = append(want, "state "+filepath.Join(dir, files[k]))
				}
				Expect(removed).To(ConsistOf(want))
				for k, f := range files {
					_, err := os.Stat(filepath.Join(dir, f))
					Expect(err == nil).To(Equal(!contains(gone, k)), k)
				}
			},
			Entry("stale only", false, "reused", "dead", "deadtmp", "corrupt-dead"),
			Entry("all, but never this process's open labs nor foreign files", true, "live", "reused", "dead", "deadtmp", "corrupt-dead"),
		)
	})

	It("reads no states from a directory that does not exist", func() {
		all, err := readStates(filepath.Join(dir, "nope"))
		Expect(err).NotTo(HaveOccurred())
		Expect(all).To(BeEmpty())
		removed, err := cleanStates(filepath.Join(dir, "nope"), true)
		Expect(err).NotTo(HaveOccurred())
		Expect(removed).To(BeEmpty())
	})
})
