// Package shard splits a suite of scenarios into N shards for runs on
// many machines (Kubernetes Indexed Jobs, CI matrices) and says which
// shard this process runs.
//
// A shard is K/N with K from 1 to N (Parse; FromEnv reads a Kubernetes
// Indexed Job's JOB_COMPLETION_INDEX, which counts from 0, as K-1, and
// N from the --shards flag or SIGLAB_SHARDS). Assign deals a suite out
// deterministically: without timings, in the order of a stable hash of
// each scenario's name (FNV-1a), round robin, so shard sizes differ by
// at most one; with timings (ReadTimings: a run's summary.json), longest
// first onto the least loaded shard (LPT), so no shard's total exceeds
// another's by more than one scenario's duration. Every scenario lands
// in exactly one shard, and every process computing the same suite's
// split gets the same one: nothing is exchanged between shards.
//
// SuiteHash names a suite (its scenario names in order), so a merge can
// tell shards of one suite from shards of another.
//
// Ownership: the functions keep nothing; the slices and maps they return
// are the caller's. Nothing here touches the network or the clock.
package shard
