//go:build !linux

package nsthread

// Do runs nothing off Linux: it returns ErrUnsupported without calling fn.
func Do(h Handle, fn func() error) error { return ErrUnsupported }
