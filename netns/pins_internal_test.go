package netns

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/siglab/siglab/netns/nsthread"
)

var _ = Describe("parseMountinfo", func() {
	const table = `22 27 0:21 / /proc rw,relatime - proc proc rw
48 27 254:0 /run/netns /run/netns rw,relatime shared:1 - ext4 /dev/vda rw
50 27 0:4 net:[4026532232] /run/netns/siglab-4652-58-scan rw - nsfs nsfs rw
51 48 0:4 net:[4026532232] /run/netns/siglab-4652-58-scan rw shared:6 master:2 - nsfs nsfs rw
52 48 0:4 net:[4026532940] /run/netns/other\040name rw shared:8 - nsfs nsfs rw
53 48 0:4 net:[4026532941] /run/netns/deeper/siglab-1-1-x rw - nsfs nsfs rw
`
	It("reads ids, roots, mount points (unescaped), file system types and sharing; pins covered or not", func() {
		m, err := parseMountinfo(strings.NewReader(table))
		Expect(err).NotTo(HaveOccurred())
		Expect(m).To(HaveLen(6))
		Expect(m[1]).To(Equal(mountEntry{id: 48, parent: 27, root: "/run/netns", point: "/run/netns", fsType: "ext4", shared: true}))
		Expect(m[2].shared).To(BeFalse())
		Expect(m[3].shared).To(BeTrue())
		Expect(m[4].point).To(Equal("/run/netns/other name"))
		Expect(pinsIn(m, "/run/netns")).To(Equal([]string{"siglab-4652-58-scan"}), "once, though mounted twice; only siglab's, only directly in the directory")
		Expect(mountsAt(m, "/run/netns/siglab-4652-58-scan")).To(Equal(2))
		ino, ok := netInode(m[2].root)
		Expect(ok).To(BeTrue())
		Expect(ino).To(Equal(uint64(4026532232)))
		_, ok = netInode("/run/netns")
		Expect(ok).To(BeFalse())
	})

	It("refuses a malformed line", func() {
		_, err := parseMountinfo(strings.NewReader("22 27 0:21 / /proc rw\n"))
		Expect(err).To(HaveOccurred())
	})
})

// These run on a scratch directory in the test's own mount namespace, so
// that /run/netns, and the pins of other runs on the machine, are never
// touched; every mount made under it is detached after the spec.
var _ = Describe("pins", Label("root"), func() {
	var base, dir string
	const name = "siglab-999999999-1-scan" // pid above pid_max: never alive
	BeforeEach(func() {
		if os.Geteuid() != 0 {
			Skip("*** NOT RUN: needs root (mounts, namespaces) ***")
		}
		base = GinkgoT().TempDir()
		dir = filepath.Join(base, "netns")
		Expect(os.Mkdir(dir, 0o755)).To(Succeed())
		DeferCleanup(detachUnder, base)
	})
	mounts := func() []mountEntry {
		m, err := readMounts("/proc/self/mountinfo")
		Expect(err).NotTo(HaveOccurred())
		return m
	}
	at := func(point string) (n int, shared bool) {
		for _, m := range mounts() {
			if m.point == point {
				n, shared = n+1, m.shared
			}
		}
		return n, shared
	}
	expectRemoved := func(path string) {
		n, _ := at(path)
		Expect(n).To(BeZero(), "mounts left at %s", path)
		_, err := os.Lstat(path)
		Expect(err).To(MatchError(os.ErrNotExist))
	}

	It("makes the directory a shared mount of its own before the first pin, once, as ip netns add does", func() {
		n, _ := at(dir)
		Expect(n).To(BeZero())
		h, err := newNamed(dir, name)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(h.Close)
		n, shared := at(dir)
		Expect(n).To(Equal(1))
		Expect(shared).To(BeTrue())
		pin, _ := at(filepath.Join(dir, name))
		Expect(pin).To(Equal(1))

		By("a later ip netns add only makes it shared again: it covers nothing")
		Expect(ensureShared(dir)).To(Succeed())
		n, _ = at(dir)
		Expect(n).To(Equal(1))
		Expect(deleteNamed(dir, name)).To(Succeed())
		expectRemoved(filepath.Join(dir, name))
	})

	DescribeTable("removes a pin made on a plain directory and then covered, and finds its namespace under the cover",
		func(cover func()) {
			h := pinPlain(filepath.Join(dir, name))
			cover()
			n, _ := at(filepath.Join(dir, name))
			Expect(n).NotTo(BeZero(), "the mount table still has the covered pin")

			ns, err := openPinned(dir, name)
			Expect(err).NotTo(HaveOccurred())
			Expect(ns).NotTo(Equal(nsthread.Handle(-1)))
			Expect(sameNS(ns, h)).To(BeTrue())
			Expect(ns.Close()).To(Succeed())

			names, err := pinNames(dir)
			Expect(err).NotTo(HaveOccurred())
			Expect(names).To(ContainElement(name))
			Expect(deleteNamed(dir, name)).To(Succeed())
			expectRemoved(filepath.Join(dir, name))
			detachUnder(base)
			expectRemoved(filepath.Join(dir, name)) // nor under the cover
		},
		Entry("by iproute2's bind mount of the directory on itself", func() { Expect(ensureShared(dir)).To(Succeed()) }),
		Entry("by a tmpfs over the directory", func() { Expect(unix.Mount("spec", dir, "tmpfs", 0, "")).To(Succeed()) }),
		Entry("by a tmpfs over the directory's parent", func() { Expect(unix.Mount("spec", base, "tmpfs", 0, "")).To(Succeed()) }),
		Entry("twice: a bind mount of the directory, then a tmpfs", func() {
			Expect(ensureShared(dir)).To(Succeed())
			Expect(unix.Mount("spec", dir, "tmpfs", 0, "")).To(Succeed())
		}),
	)

	It("cleanNamespaces finds a hidden pin of a dead process in the mount table and removes it", func() {
		pinPlain(filepath.Join(dir, name))
		Expect(unix.Mount("spec", dir, "tmpfs", 0, "")).To(Succeed())
		removed, err := cleanNamespaces(dir, false)
		Expect(err).NotTo(HaveOccurred())
		Expect(removed).To(Equal([]string{name}))
		expectRemoved(filepath.Join(dir, name))
	})
})

// pinPlain makes a namespace and pins it at path without making the
// directory a mount first (as siglab did before), returning a handle
// closed after the spec.
func pinPlain(path string) nsthread.Handle {
	type result struct {
		h   nsthread.Handle
		err error
	}
	rc := make(chan result, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread is in the new namespace
		h, err := pinNew(path)
		rc <- result{h, err}
	}()
	r := <-rc
	Expect(r.err).NotTo(HaveOccurred())
	DeferCleanup(r.h.Close)
	return r.h
}

// sameNS reports whether two handles are the same namespace.
func sameNS(a, b nsthread.Handle) bool {
	ia, err := fdInode(a)
	Expect(err).NotTo(HaveOccurred())
	ib, err := fdInode(b)
	Expect(err).NotTo(HaveOccurred())
	return ia == ib
}

// detachUnder detaches every mount at or under dir, deepest and newest
// first, until the mount table has none.
func detachUnder(dir string) {
	for range maxLayers {
		m, err := readMounts("/proc/self/mountinfo")
		Expect(err).NotTo(HaveOccurred())
		var points []string
		for _, e := range m {
			if e.point == dir || strings.HasPrefix(e.point, dir+"/") {
				points = append(points, e.point)
			}
		}
		if len(points) == 0 {
			return
		}
		for i := len(points) - 1; i >= 0; i-- {
			_ = unix.Unmount(points[i], unix.MNT_DETACH)
		}
	}
	Fail("mounts left under " + dir)
}
