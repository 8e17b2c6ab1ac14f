//go:build !linux

package capture

import "os"

// createTemp is a named temp file where there is no O_TMPFILE.
func createTemp(path string) (*tempFile, error) { return createNamedTemp(path) }

// publish renames the whole file into place and closes it.
func (t *tempFile) publish(path string) error {
	if err := t.Close(); err != nil {
		os.Remove(t.named)
		return err
	}
	return os.Rename(t.named, path)
}
