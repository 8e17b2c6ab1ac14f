package generator

import "syscall"

// hugePages says whether newPortMemory asks for huge pages.
const hugePages = true

// adviseHuge asks the kernel to back b with huge pages when it first
// touches it. A kernel without transparent huge pages refuses, and b is
// faulted in 4 KB pages as before: the error changes nothing.
func adviseHuge(b []byte) { _ = syscall.Madvise(b, syscall.MADV_HUGEPAGE) }
