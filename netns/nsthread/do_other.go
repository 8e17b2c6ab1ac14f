//go:build !linux

package nsthread

// Do runs nothing off Linux: it returns ErrUnsupported without calling fn.
func Do(h Handle, fn func() error) error { return ErrUnsupported }

// Hold is unsupported off Linux.
func Hold(h Handle, fn func() error) (release func(), err error) { return func() {}, ErrUnsupported }
