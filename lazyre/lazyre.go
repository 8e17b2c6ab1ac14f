package lazyre

import (
	"regexp"
	"sync"
)

// New returns a function giving the compiled expr, compiled on the
// first call.
func New(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}
