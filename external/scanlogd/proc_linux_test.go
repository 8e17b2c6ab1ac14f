package scanlogd_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/external/scanlogd"
)

var _ = Describe("the /proc readers", func() {
	It("sum the queue and drops of the TCP raw sockets in /proc/net/raw", func() {
		queued, drops, err := scanlogd.ParseRaw(`  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
   6: 00000000:0006 00000000:0000 07 00000000:00000300 00:00000000 00000000   104        0 81234 2 0000000000000000 5
   1: 00000000:0001 00000000:0000 07 00000000:00000a00 00:00000000 00000000     0        0 81235 2 0000000000000000 9
`)
		Expect(err).NotTo(HaveOccurred())
		Expect([]uint64{queued, drops}).To(Equal([]uint64{0x300, 5}), "the ICMP socket (protocol 1) is not scanlogd's")
		_, _, err = scanlogd.ParseRaw("h\n 6: 00000000:0006 00000000:0000 07 00000000:zz 00:00000000 00000000 0 0 1 2 0 5\n")
		Expect(err).To(HaveOccurred())
	})

	It("read ppid, start time and zombies from /proc/<pid>/stat, whatever the command name", func() {
		ppid, start, zombie, err := scanlogd.ParseStat("812 (scan) logd) S 811 812 812 0 -1 4194624 97 0 0 0 0 0 0 0 20 0 1 0 123456 2490368 150 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0")
		Expect(err).NotTo(HaveOccurred())
		Expect([]uint64{uint64(ppid), start}).To(Equal([]uint64{811, 123456}))
		Expect(zombie).To(BeFalse())
		_, _, zombie, err = scanlogd.ParseStat("9 (sh) Z 1 9 9 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 77 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0")
		Expect(err).NotTo(HaveOccurred())
		Expect(zombie).To(BeTrue())
		_, _, _, err = scanlogd.ParseStat("9 sh")
		Expect(err).To(HaveOccurred())
	})
})
