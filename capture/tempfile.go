package capture

import (
	"os"
	"path/filepath"
)

// tempFile is a file being written that becomes path only when whole.
// Where the system allows (Linux, tempfile_linux.go), it has no name
// until then, so a process killed while writing, by SIGKILL too, leaves
// nothing behind; elsewhere it is a hidden file beside path, removed on
// every error path, which only a hard kill can leave.
type tempFile struct {
	*os.File
	named string // the temporary name, "" while the file has none
}

// createNamedTemp is the portable tempFile: a hidden, unpredictable name
// in path's directory, mode 0600.
func createNamedTemp(path string) (*tempFile, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return nil, err
	}
	return &tempFile{File: f, named: f.Name()}, nil
}

// discard closes and removes a tempFile that will not be published.
func (t *tempFile) discard() {
	t.Close()
	if t.named != "" {
		os.Remove(t.named)
	}
}
