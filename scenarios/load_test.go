package scenarios_test

import (
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/labnet"
	"github.com/siglab/siglab/scenarios"
)

var _ = Describe("Catalogue", func() {
	It("embeds every *.yaml file of the package directory, all valid", func() {
		files, err := filepath.Glob("*.yaml")
		Expect(err).NotTo(HaveOccurred())
		Expect(files).NotTo(BeEmpty())

		all, err := scenarios.Catalogue()
		Expect(err).NotTo(HaveOccurred())
		Expect(all).To(HaveLen(len(files)))
		for i, s := range all {
			Expect(s.File).To(Equal("scenarios/" + files[i])) // sorted like Glob
			// The files on disk parse to the same thing: what is embedded
			// is what is in the tree.
			fromDisk, err := scenarios.LoadFile(files[i])
			Expect(err).NotTo(HaveOccurred())
			fromDisk.File = s.File
			Expect(fromDisk).To(Equal(s))
		}
	})

	It("names every file after its scenario, so Find reads the one file, and finds each as the whole catalogue has it", func() {
		all, err := scenarios.Catalogue()
		Expect(err).NotTo(HaveOccurred())
		for _, s := range all {
			Expect(s.File).To(Equal("scenarios/" + s.Name + ".yaml"))
			one, err := scenarios.Find(s.Name)
			Expect(err).NotTo(HaveOccurred())
			Expect(one).To(Equal(s))
		}
	})

	It("is listed by Index, name and summary, in order, without parsing (else: go generate ./scenarios)", func() {
		all, err := scenarios.Catalogue()
		Expect(err).NotTo(HaveOccurred())
		want := make([]scenarios.Entry, len(all))
		for i, s := range all {
			want[i] = scenarios.Entry{Name: s.Name, Summary: s.Summary}
		}
		Expect(scenarios.Index()).To(Equal(want), "index_gen.go is stale: run go generate ./scenarios")
	})

	It("has fig2-syn as the FAQ's SYN scan", func() {
		s, err := scenarios.Find("fig2-syn")
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Seed).To(Equal(uint64(7)))
		Expect(s.Summary).To(ContainSubstring("figure 2"))
		Expect(s.Scan).To(HaveLen(1))
		Expect(s.Scan[0].Nmap).To(Equal("-v -sS -P0 -p1-25 victim"))
		v, ok := s.Host("victim")
		Expect(ok).To(BeTrue())
		Expect(v.Stack).To(Equal(labnet.Kernel))
		Expect(v.Addr).To(Equal(netip.MustParseAddr("198.18.1.2")))
		Expect(v.OpenTCP).To(Equal([]uint16{1, 7, 9, 13, 19, 21, 22, 23, 25}))
		Expect(s.Expect.NmapOutput.Contains).To(ConsistOf(
			"Initiating SYN half-open stealth scan against",
			"Adding TCP port 9 (state Open).",
			"Interesting ports on"))
		ref := s.Expect.Detectors["reference"]
		Expect(labelsOf(ref.Present)).To(Equal([]string{"scan.tcp-syn", "tool.nmap-2.0x"}))
		Expect(ref.Present[0].Attrs).To(Equal(map[string]string{"ports": "25", "open": "9"}))
		Expect(labelsOf(ref.Absent)).To(Equal([]string{"tool.nmap-modern", "osdetect"}))
	})

	It("has benign-tcp as staggered sessions with nothing present", func() {
		s, err := scenarios.Find("benign-tcp")
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Scan).To(BeEmpty())
		Expect(s.Traffic).To(HaveLen(3))
		starts := map[time.Duration]bool{}
		ports := []uint16{}
		for _, t := range s.Traffic {
			Expect(t.Host).To(Equal("victim"))
			Expect(t.Count).To(Equal(3))
			Expect(t.Every).To(Equal(time.Second))
			starts[t.At] = true
			ports = append(ports, t.Port)
		}
		Expect(starts).To(HaveLen(3), "starts are staggered")
		Expect(ports).To(Equal([]uint16{21, 22, 25}))
		ref := s.Expect.Detectors["reference"]
		Expect(ref.Present).To(BeEmpty())
		Expect(labelsOf(ref.Absent)).To(Equal([]string{"scan.tcp-syn", "tool.nmap-2.0x"}))

		fig2, err := scenarios.Find("fig2-syn")
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Network).To(Equal(withoutLines(fig2.Network, s.Network)), "same host as fig2-syn")
	})

	It("says which names exist when Find misses", func() {
		_, err := scenarios.Find("fig2-sin")
		Expect(err).To(MatchError(scenarios.ErrNotFound))
		Expect(err.Error()).To(ContainSubstring("fig2-syn"))
	})
})

var _ = Describe("Load", func() {
	var dir string
	BeforeEach(func() { dir = GinkgoT().TempDir() })

	write := func(name, src string) string {
		p := filepath.Join(dir, name)
		Expect(os.WriteFile(p, []byte(src), 0o644)).To(Succeed())
		return p
	}

	It("reads files and directories, each directory sorted by file name", func() {
		write("b.yaml", minimalNamed("bee"))
		write("a.yaml", minimalNamed("ay"))
		write("notes.txt", "not a scenario")
		sub := filepath.Join(dir, "sub")
		Expect(os.Mkdir(sub, 0o755)).To(Succeed())
		one := filepath.Join(sub, "one.yaml")
		Expect(os.WriteFile(one, []byte(minimalNamed("one")), 0o644)).To(Succeed())

		all, err := scenarios.Load(one, dir)
		Expect(err).NotTo(HaveOccurred())
		names := []string{}
		for _, s := range all {
			names = append(names, s.Name)
		}
		Expect(names).To(Equal([]string{"one", "ay", "bee"}))
		Expect(all[1].File).To(Equal(filepath.Join(dir, "a.yaml")))
	})

	It("refuses two scenarios with one name", func() {
		write("a.yaml", minimalNamed("same"))
		b := write("b.yaml", minimalNamed("same"))
		_, err := scenarios.Load(dir)
		Expect(err).To(MatchError(scenarios.ErrInvalid))
		Expect(err.Error()).To(HavePrefix(b + ":1: "))
		Expect(err.Error()).To(ContainSubstring("a.yaml"))
	})

	It("names the file in content errors", func() {
		p := write("bad.yaml", "name: t\nscan: 3\n")
		_, err := scenarios.Load(p)
		Expect(err).To(MatchError(scenarios.ErrInvalid))
		Expect(err.Error()).To(HavePrefix(p + ":2: "))
	})

	It("refuses a directory without scenario files", func() {
		_, err := scenarios.Load(dir)
		Expect(err).To(MatchError(scenarios.ErrNoScenarios))
	})

	It("passes on file system errors", func() {
		_, err := scenarios.LoadFile(filepath.Join(dir, "missing.yaml"))
		Expect(err).To(MatchError(fs.ErrNotExist))
		_, err = scenarios.Load(filepath.Join(dir, "missing"))
		Expect(err).To(MatchError(fs.ErrNotExist))
	})
})

func minimalNamed(name string) string {
	return "name: " + name + "\n" + minimal[len("name: t\n"):]
}

func labelsOf(es []scenarios.Expectation) []string {
	out := []string{}
	for _, e := range es {
		out = append(out, e.Label)
	}
	return out
}

// withoutLines returns n with the host lines of like, so two networks
// written at different places in two files compare equal.
func withoutLines(n, like scenarios.Network) scenarios.Network {
	out := scenarios.Network{}
	for i, h := range n.Hosts {
		if i < len(like.Hosts) {
			h.Line = like.Hosts[i].Line
		}
		out.Hosts = append(out.Hosts, h)
	}
	return out
}
