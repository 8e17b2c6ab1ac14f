// Command benchreport is the Go half of scripts/bench.sh (`make bench` as
// root). The script runs the tools and measures; benchreport does what
// bash does badly:
//
//   - `benchreport pcapstat PCAP TARGET` streams a capture once and prints
//     the probes sent to TARGET (TCP SYNs without ACK), the time from the
//     first to the last of them, all packets and the distinct IPv4
//     sources, as key=value words the script reads with `read`;
//   - `benchreport report RAW OUT.json OUT.md` reads the raw measurements
//     the script appended (one tab-separated line each: section, subject,
//     tool, run, metric, value), takes medians over the runs, computes the
//     ratios per pair and judges issue 7's targets, and writes the results
//     as JSON and as the Markdown table the README quotes.
//
// Ownership: bench/ and scripts/bench.sh belong to issue 7's benchmark
// work; nothing in the product imports this package. It holds no state
// beyond one invocation: everything it needs is in its arguments.
package main
