// Package verifier runs scenarios and decides whether each got the
// classification its file expects.
//
// The checking and reporting half lives in expect.go (CheckFindings,
// CheckOutput: one Check per expectation, with a plain-words reason when
// it fails), table.go (Verdict, its Status, the verdict table and the exit
// code) and report.go (WriteReport: the per-scenario report directory);
// summary.go writes and reads summary.json, whose shard record (K/N, the
// suite's size and hash, the scenarios the shard was given and their
// places) lets package reportmerge merge sharded runs' reports, and
// SummaryResult.Verdict rebuilds a verdict from it.
// Detectors under test have one adapter each, run by detectors.go for
// every section a scenario has (and, for the coverage matrix, for every
// detector of its set): p0f.go runs Debian's p0f on a run's capture in a
// temporary directory it removes (named with its pid, so that
// CleanDetectors, which lab clean calls, removes those of killed runs),
// and p0flog.go turns its log lines into findings; scanlogd.go and
// psad.go start the daemons inside a live lab's kernel hosts (and replay
// or write from the capture for personality hosts and offline runs);
// engine.go runs a declared engine's command on the capture, or reads
// its output file, and parses it in its format. Each detector's own
// output is kept in its DetectorReport for the report's <name>.log, and
// matrix.go turns a run's reports into the coverage matrix's cells.
// The run orchestration that produces captures, findings and nmap output
// lives in the package's other files; scanlab.go plays one nmap command
// line in a running persistent lab (`scan --lab`) and labrun.go a whole
// scenario there with its own capture on the lab's sensor (RunInLab,
// `lab exercise`), the lab staying its owner's.
//
// Per-OS: the live half (runLive, capturing, RunExternal, ScanLab,
// RunInLab)
// compiles everywhere against the netns and sensor stubs; off Linux a
// live run or capture fails before anything is tried, with an error
// wrapping ErrSetup and netns.ErrUnsupported. Offline runs work alike on
// every system. On Linux a live run or capture first checks the machine
// (CheckLive: root with CAP_NET_ADMIN and CAP_SYS_ADMIN, /dev/net/tun, a
// writable /run/netns) and fails with ErrSetup naming what is missing.
//
// Nothing here goes through a shell: RunExternal runs its argv as given
// (exec, with {host} replaced by an address, {host6} by its IPv6 one,
// inside one argument) and p0f gets fixed arguments.
//
// Ownership: the check functions only read the scenario, the findings and
// the output they are given and keep nothing; the Checks they return are
// the caller's. A Verdict is a plain value. WriteReport reads the capture
// while it writes and keeps no reference to it afterwards.
package verifier
