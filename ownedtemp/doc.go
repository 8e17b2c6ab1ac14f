// Package ownedtemp makes temporary directories that name the process
// that owns them ("<prefix><pid>-<random>" in os.TempDir), and removes
// those whose owner is gone. The detectors under test siglab runs (p0f,
// psad and ulogd2, declared engines) work in such directories; a siglab
// killed before it could remove its own leaves them, and `lab clean`
// removes them through Clean without touching a live process's.
//
// Ownership: the directory Mkdir returns is the caller's to remove;
// Clean removes only directories whose owner no longer runs.
package ownedtemp
