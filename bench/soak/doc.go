// Command soak is issue 12's soak and flood measurement (`make soak` as
// root). It runs, in order:
//
//   - the live catalogue -runs times (default 20) in this one process,
//     four scenarios at a time as `siglab run` does, sampling before and
//     after each run its open file descriptors (/proc/self/fd), its
//     goroutines and its resident memory (VmRSS of /proc/self/status,
//     and the Go heap), each after a forced garbage collection so that
//     garbage awaiting collection does not pass for growth, and keeping
//     every scenario's verdict;
//   - `siglab run` as -procs separate processes (default: -runs), each
//     the whole catalogue, keeping its exit code, verdicts, wall time,
//     peak RSS and whether it left a namespace behind;
//   - each stress scenario of scenarios/stress -stress-runs times
//     (default 3) as its own `siglab run` process, keeping the sensor's
//     drops, the verdict, the exit code, the wall time and the peak RSS.
//
// It then checks what the issue asks: descriptors and goroutines at the
// end of the last in-process run equal those at the end of the first,
// resident memory and heap grow by no more than a small allowance (see
// checks.go), every run and every process gives the first run's
// verdicts, every process exits 0 and leaves nothing, and every stress
// run reports drops, is inconclusive, exits 3, ends within its bound and
// peaks under the 100 MB the detector is held to. It writes everything
// to -json and a report to -md (bench/soak.json and bench/soak.md), which
// the README quotes. Exit code 0 when every check holds, 1 when one does
// not, 2 for bad flags or a machine that cannot run labs.
//
// Ownership: bench/ belongs to the measurement work; nothing in the
// product imports this package. It owns the labs it builds (through
// verifier.Run, which removes each) and the siglab processes it starts,
// which it interrupts (SIGINT, so they remove their labs) when it is
// interrupted itself. It holds no state beyond one invocation.
package main
