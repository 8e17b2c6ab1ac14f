// Package verifier runs scenarios and decides whether each got the
// classification its file expects.
//
// The checking and reporting half lives in expect.go (CheckFindings,
// CheckOutput: one Check per expectation, with a plain-words reason when
// it fails), table.go (Verdict, its Status, the verdict table and the exit
// code) and report.go (WriteReport: the per-scenario report directory).
// External detectors have one adapter each: p0f.go runs Debian's p0f on
// a run's capture in a temporary directory it removes (named with its
// pid, so that CleanP0fTemp, which lab clean calls, removes those of
// killed runs), and p0flog.go
// turns its log lines into findings the same checks read; the log is
// kept in Result.P0fLog for the report's p0f.log.
// The run orchestration that produces captures, findings and nmap output
// lives in the package's other files.
//
// Per-OS: the live half (runLive, capturing, RunExternal, ScanLab)
// compiles everywhere against the netns and sensor stubs; off Linux a
// live run or capture fails before anything is tried, with an error
// wrapping ErrSetup and netns.ErrUnsupported. Offline runs work alike on
// every system. On Linux a live run or capture first checks the machine
// (CheckLive: root with CAP_NET_ADMIN and CAP_SYS_ADMIN, /dev/net/tun, a
// writable /run/netns) and fails with ErrSetup naming what is missing.
//
// Nothing here goes through a shell: RunExternal runs its argv as given
// (exec, with {host} replaced by an address inside one argument) and
// p0f gets fixed arguments.
//
// Ownership: the check functions only read the scenario, the findings and
// the output they are given and keep nothing; the Checks they return are
// the caller's. A Verdict is a plain value. WriteReport reads the capture
// while it writes and keeps no reference to it afterwards.
package verifier
