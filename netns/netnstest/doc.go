//go:build linux

// Package netnstest is the kit of the specs that build live test
// networks: the root check, labs removed after the spec, namespaces held
// open and looked into, a mount namespace with a fresh /run of the
// spec's own, connections from inside a namespace, reading the
// lab's TUN with a deadline, and the check that nothing of a lab is left
// behind. The netns, sensor, verifier and siglab command suites share it
// instead of each keeping copies.
//
// It is imported only by _test.go files, from inside a running Ginkgo
// spec (it calls Skip, Expect and DeferCleanup); the internal specs of
// package netns cannot import it (netnstest imports netns).
//
// Ownership and lifetimes:
//   - RequireRoot skips the spec, loudly, when the process is not root;
//     every other function assumes root and the spec's own labs.
//   - BuildLab's Lab belongs to the spec: DeferCleanup closes it when the
//     spec (or, called from BeforeAll, the Ordered container) ends, pass
//     or fail, and fails the spec if Close does. The spec may close it
//     earlier; Close is idempotent.
//   - HoldNS's handle and DialFrom's connection are closed the same way,
//     after the spec; the spec must not close the handle itself, and may
//     close the connection.
//   - The TUN readers read from a file they do not own: they set its read
//     deadline and leave it set, and return copies of the packets.
//   - Namespaces, RootLinks and Leftovers only look; removing what a spec
//     left is netns.Clean's job.
//   - FreshMountNS's mount namespace (an empty tmpfs on /run, commands run
//     in it through nsenter) belongs to the spec: its holder process is
//     killed after the spec, which drops the namespace and every pin in
//     it; processes the spec starts in it are the spec's to end.
package netnstest
