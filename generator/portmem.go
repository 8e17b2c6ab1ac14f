package generator

import "unsafe"

// A full-range scan's per-port state, its port list and port table, is
// 1.25 MB, each page of it first touched during the scan: in 4 KB pages
// that is 320 page faults, about 10 microseconds each on a virtual
// machine, a tenth of `siglab generate`'s run. newPortMemory puts both in
// one 2 MB page where the kernel gives huge pages on request (Linux's
// transparent huge pages in their default "madvise" mode): one fault.
// The memory is an ordinary pointer-free Go allocation, twice the huge
// page so that an aligned one lies inside; the slices point into it, so
// the collector keeps it while the scan does and frees it after. Where
// there are no huge pages the same memory is faulted in 4 KB pages, as
// the heap's would be.
const (
	hugePage = 2 << 20
	// hugeMin is the fewest ports worth the 4 MB allocation.
	hugeMin = 16384
)

var scanPortSize = int(unsafe.Sizeof(scanPort{}))

// newPortMemory returns zeroed state for n ports and, if table is set, a
// 65,536-entry port table (see portIndex).
func newPortMemory(n int, table bool) ([]scanPort, []int32) {
	tableLen := 0
	if table {
		tableLen = 65536
	}
	if !hugePages || n < hugeMin || n*scanPortSize+tableLen*4 > hugePage {
		var tab []int32
		if table {
			tab = make([]int32, tableLen)
		}
		return make([]scanPort, n), tab
	}
	buf := make([]byte, 2*hugePage)
	off := int(-uintptr(unsafe.Pointer(unsafe.SliceData(buf))) & (hugePage - 1))
	page := buf[off : off+hugePage]
	adviseHuge(page)
	ports := unsafe.Slice((*scanPort)(unsafe.Pointer(&page[0])), n)
	var tab []int32
	if table {
		tab = unsafe.Slice((*int32)(unsafe.Pointer(&page[n*scanPortSize])), tableLen)
	}
	return ports, tab
}
