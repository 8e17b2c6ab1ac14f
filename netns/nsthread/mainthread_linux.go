package nsthread

import "runtime"

// init keeps the main goroutine on the main thread for the life of the
// process, so that no other goroutine ever runs there.
//
// Do on a failed switch back, and netns when it makes a namespace or a
// private mount namespace, taint the thread they run on and never unlock
// it, counting on the Go runtime to end the thread with the goroutine.
// But the runtime cannot end the main thread: it wedges it instead,
// tainted, for good. The main thread is the one /proc/self/ns/net and
// /proc/self/mountinfo describe, and a siglab process's first goroutine
// to make a namespace usually runs there (its caller waits on a channel,
// leaving the thread free). So `siglab run` kept its first lab's scan
// namespace alive until it exited, and netns.Clean in the test suite,
// which skips "its own" namespace read from /proc/self/ns/net, took the
// host's namespace for an orphaned lab's and deleted the host's stray
// siglab links in its name (`make flake` caught the spec "Clean ...
// spares live labs" failing one run in ten). Init functions run on the
// main thread, and a lock taken in one holds through main
// (runtime.LockOSThread's documentation).
func init() { runtime.LockOSThread() }
