package main

import (
	"fmt"
	"os"
	"time"

	"github.com/siglab/siglab/scenarios"
	"github.com/siglab/siglab/shard"
	"github.com/siglab/siglab/verifier"
)

// shardOf picks the run's share of the suite: --shard K/N, or a
// Kubernetes Indexed Job's JOB_COMPLETION_INDEX (+1) of --shards or
// SIGLAB_SHARDS, or the whole suite. It returns the scenarios to run, in
// suite order, and the record the report keeps of them.
func (r *runCmd) shardOf(e *env, list []*scenarios.Scenario) ([]*scenarios.Scenario, *verifier.ShardRecord, error) {
	sp, err := r.shardSpec()
	if err != nil {
		return nil, nil, err
	}
	names := make([]string, len(list))
	for i, s := range list {
		names[i] = s.Name
	}
	var timings map[string]time.Duration
	if r.Timings != "" {
		if sp == shard.All && r.Shard == "" {
			return nil, nil, usageErr("--timings: only with a shard (--shard K/N, or JOB_COMPLETION_INDEX)")
		}
		if timings, err = shard.ReadTimings(r.Timings); err != nil {
			return nil, nil, usageErr("--timings: %v", err)
		}
	}
	rec := &verifier.ShardRecord{Index: sp.Index, Count: sp.Count, SuiteSize: len(list), SuiteHash: shard.SuiteHash(names),
		Assigned: []verifier.Assigned{}}
	var out []*scenarios.Scenario
	for _, i := range shard.Select(names, sp, timings) {
		out = append(out, list[i])
		rec.Assigned = append(rec.Assigned, verifier.Assigned{Scenario: names[i], Position: i})
	}
	if sp != shard.All {
		fmt.Fprintf(e.stderr, "siglab: shard %s: %d of the suite's %d scenarios\n", sp, len(out), len(list))
	}
	return out, rec, nil
}

// shardSpec is the shard the flags and the environment name.
func (r *runCmd) shardSpec() (shard.Spec, error) {
	if r.Shards < 0 {
		return shard.Spec{}, usageErr("--shards: %d: give at least 1", r.Shards)
	}
	if r.Shard != "" {
		sp, err := shard.Parse(r.Shard)
		if err != nil {
			return shard.Spec{}, usageErr("--shard: %v", err)
		}
		if r.Shards != 0 && r.Shards != sp.Count {
			return shard.Spec{}, usageErr("--shard %s and --shards %d disagree on the number of shards", r.Shard, r.Shards)
		}
		return sp, nil
	}
	sp, ok, err := shard.FromEnv(os.Getenv, r.Shards)
	switch {
	case err != nil:
		return shard.Spec{}, usageErr("%v", err)
	case ok:
		return sp, nil
	case r.Shards != 0:
		return shard.Spec{}, usageErr("--shards %d: without %s set (a Kubernetes Indexed Job's pod), say which shard with --shard K/N", r.Shards, shard.EnvIndex)
	}
	return shard.All, nil
}
