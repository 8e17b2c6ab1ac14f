package nsthread

import (
	"errors"
	"fmt"

	vnetns "github.com/vishvananda/netns"
)

// Handle is an open network namespace (a file descriptor). Callers use
// it without importing vishvananda/netns.
type Handle = vnetns.NsHandle

// ErrUnsupported is what Do returns on systems other than Linux, which
// have no network namespaces to enter. It wraps errors.ErrUnsupported.
var ErrUnsupported = fmt.Errorf("network namespaces need Linux: %w", errors.ErrUnsupported)
