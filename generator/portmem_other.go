//go:build !linux

package generator

// hugePages says whether newPortMemory asks for huge pages: only on Linux.
const hugePages = false

func adviseHuge([]byte) {}
