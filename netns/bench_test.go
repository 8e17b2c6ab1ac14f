package netns_test

import (
	"net/netip"
	"os"
	"testing"

	"github.com/siglab/siglab/netns"
)

// BenchmarkLabUpDown measures Build+Close of a 1-host lab with the
// victim's nine listeners. Run as root:
//
//	go test ./netns -run '^$' -bench LabUpDown
func BenchmarkLabUpDown(b *testing.B) {
	if os.Geteuid() != 0 {
		b.Skip("NOT RUN: needs root to build namespaces")
	}
	spec := netns.Spec{Hosts: []netns.HostSpec{{Name: "victim", Addr: netip.MustParseAddr("198.18.1.2"),
		OpenTCP: []uint16{1, 7, 9, 13, 19, 21, 22, 23, 25}}}}
	for b.Loop() {
		lab, err := netns.Build(spec)
		if err != nil {
			b.Fatal(err)
		}
		if err := lab.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
