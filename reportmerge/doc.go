// Package reportmerge merges the report directories of a suite's shards
// (each written by `siglab run --shard K/N --report DIR`) into one
// report, as if one run had made it: junit.xml, summary.json, the
// coverage matrix (matrix.md, matrix.json, matrix.junit.xml, when the
// shards wrote one), index.html, and each scenario's own directory.
//
// Each shard's summary.json records its K/N, its suite's size and hash
// and the scenarios it was given with their places in the suite
// (verifier.ShardRecord), so Merge puts the scenarios back in suite
// order and finds what is wrong with the set it was given: a shard
// missing, a scenario given but not reported (a shard cut short), the
// same scenario reported twice with different outcomes, a shard of
// another suite. Those are Problems: Merge still writes what it has and
// the command exits 1. A directory that is not a shard's report (no
// summary.json, no shard record, bad JSON, a scenario name that is not a
// directory name) is ErrInput: nothing is written, exit 2.
//
// The merged files are written by the same writers a run uses
// (verifier.WriteJUnit, WriteSummaryShard, Matrix, htmlreport.WriteIndex)
// from verdicts rebuilt from summary.json and each scenario's
// verdict.json, so the merged JUnit is an unsharded run's apart from its
// times. Scenario directories are hard-linked into OUT where the file
// system allows, else copied.
//
// Ownership: Merge reads the shard directories and never changes them;
// OUT and what Merge writes there are the caller's.
package reportmerge
