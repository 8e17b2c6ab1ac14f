package shard_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/shard"
)

// suite is names like a matrix's.
func suite(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("m[technique=t%d,stack=s%d]", i%7, i)
	}
	return out
}

// randomTimings gives every scenario a duration from 10 ms to 30 s.
func randomTimings(names []string, seed uint64) map[string]time.Duration {
	r := rand.New(rand.NewPCG(seed, 1))
	t := map[string]time.Duration{}
	for _, n := range names {
		t[n] = time.Duration(10+r.IntN(30_000)) * time.Millisecond
	}
	return t
}

var _ = Describe("Assign", func() {
	names := suite(1008)

	It("puts every scenario in exactly one shard, for many N, with and without timings", func() {
		for _, timings := range []map[string]time.Duration{nil, randomTimings(names, 1)} {
			for n := 1; n <= 64; n++ {
				seen := make([]int, len(names))
				for k := 1; k <= n; k++ {
					for _, i := range shard.Select(names, shard.Spec{Index: k, Count: n}, timings) {
						seen[i]++
					}
				}
				Expect(slices.Max(seen)).To(Equal(1), "N=%d", n)
				Expect(slices.Min(seen)).To(Equal(1), "N=%d", n)
			}
		}
	})

	It("balances by count within one scenario without timings", func() {
		for _, n := range []int{2, 3, 7, 50, 1000, 2000} {
			size := make([]int, n+1)
			for _, s := range shard.Assign(names, n, nil) {
				size[s]++
			}
			Expect(slices.Max(size[1:])-slices.Min(size[1:])).To(BeNumerically("<=", 1), "N=%d", n)
		}
	})

	It("balances by recorded duration within one scenario's duration (longest first)", func() {
		for seed := range uint64(5) {
			t := randomTimings(names, seed)
			longest := slices.Max(slices.Collect(mapValues(t)))
			for _, n := range []int{2, 5, 16, 50} {
				load := make([]time.Duration, n+1)
				for i, s := range shard.Assign(names, n, t) {
					load[s] += t[names[i]]
				}
				Expect(slices.Max(load[1:])-slices.Min(load[1:])).To(BeNumerically("<=", longest), "N=%d", n)
			}
		}
	})

	It("spreads scenarios of equal recorded durations (0, say) by count", func() {
		t := map[string]time.Duration{}
		for _, n := range names {
			t[n] = 0
		}
		size := make([]int, 9)
		for _, s := range shard.Assign(names, 8, t) {
			size[s]++
		}
		Expect(slices.Max(size[1:]) - slices.Min(size[1:])).To(BeNumerically("<=", 1))
	})

	It("counts a scenario without a recorded duration as the median one", func() {
		t := randomTimings(names[:1000], 3) // eight new scenarios
		a := shard.Assign(names, 8, t)
		Expect(a).To(HaveLen(len(names)))
		Expect(slices.Min(a)).To(Equal(1))
		Expect(slices.Max(a)).To(Equal(8))
	})

	It("is deterministic: the same suite splits the same way in every process", func() {
		Expect(shard.Assign(names, 8, nil)).To(Equal(shard.Assign(slices.Clone(names), 8, nil)))
		t := randomTimings(names, 9)
		Expect(shard.Assign(names, 8, t)).To(Equal(shard.Assign(names, 8, randomTimings(names, 9))))
		// Pinned, so a change of hash or order (which would split suites
		// differently on different siglab versions) is seen; the value is
		// an independent implementation's (FNV-1a order, dealt round robin).
		Expect(shard.Assign([]string{"a", "b", "c", "d", "e"}, 2, nil)).To(Equal([]int{1, 1, 2, 2, 1}))
	})
})

func mapValues(m map[string]time.Duration) func(func(time.Duration) bool) {
	return func(yield func(time.Duration) bool) {
		for _, v := range m {
			if !yield(v) {
				return
			}
		}
	}
}

var _ = Describe("Parse", func() {
	DescribeTable("reads K/N",
		func(in string, want shard.Spec) {
			Expect(shard.Parse(in)).To(Equal(want))
		},
		Entry("the first", "1/8", shard.Spec{Index: 1, Count: 8}),
		Entry("the last", "8/8", shard.Spec{Index: 8, Count: 8}),
		Entry("one of one", "1/1", shard.All),
	)
	DescribeTable("refuses a bad K/N with one line",
		func(in, says string) {
			_, err := shard.Parse(in)
			Expect(errors.Is(err, shard.ErrBadShard)).To(BeTrue())
			Expect(err).To(MatchError(ContainSubstring(says)))
		},
		Entry("K of 0 (K counts from 1)", "0/8", "K counts from 1 to N (8)"),
		Entry("K above N", "9/8", "K counts from 1 to N"),
		Entry("N of 0", "1/0", "N must be at least 1"),
		Entry("no slash", "3", "write K/N"),
		Entry("words", "a/b", "whole numbers"),
		Entry("negative", "-1/4", "K counts from 1"),
	)
})

var _ = Describe("FromEnv", func() {
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	It("reads a Kubernetes Indexed Job's 0-based index as shard index+1", func() {
		sp, ok, err := shard.FromEnv(env("JOB_COMPLETION_INDEX", "0", "SIGLAB_SHARDS", "4"), 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(ok).To(BeTrue())
		Expect(sp).To(Equal(shard.Spec{Index: 1, Count: 4}))
		sp, _, _ = shard.FromEnv(env("JOB_COMPLETION_INDEX", "3", "SIGLAB_SHARDS", "4"), 0)
		Expect(sp).To(Equal(shard.Spec{Index: 4, Count: 4}))
	})
	It("takes N from --shards before SIGLAB_SHARDS", func() {
		sp, ok, err := shard.FromEnv(env("JOB_COMPLETION_INDEX", "5", "SIGLAB_SHARDS", "4"), 10)
		Expect(err).NotTo(HaveOccurred())
		Expect(ok).To(BeTrue())
		Expect(sp).To(Equal(shard.Spec{Index: 6, Count: 10}))
	})
	It("is the whole suite outside a Job", func() {
		_, ok, err := shard.FromEnv(env("SIGLAB_SHARDS", "4"), 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(ok).To(BeFalse())
	})
	DescribeTable("refuses what cannot be a shard",
		func(says string, count int, kv ...string) {
			_, _, err := shard.FromEnv(env(kv...), count)
			Expect(errors.Is(err, shard.ErrBadShard)).To(BeTrue())
			Expect(err).To(MatchError(ContainSubstring(says)))
		},
		Entry("no count", "neither --shards nor SIGLAB_SHARDS", 0, "JOB_COMPLETION_INDEX", "2"),
		Entry("an index past the count", "K counts from 1 to N (4)", 0, "JOB_COMPLETION_INDEX", "4", "SIGLAB_SHARDS", "4"),
		Entry("a bad index", "not a completion index", 0, "JOB_COMPLETION_INDEX", "x", "SIGLAB_SHARDS", "4"),
		Entry("a bad count", "not a number of shards", 0, "JOB_COMPLETION_INDEX", "1", "SIGLAB_SHARDS", "four"),
	)
})

var _ = Describe("ReadTimings", func() {
	write := func(content string) string {
		p := filepath.Join(GinkgoT().TempDir(), "summary.json")
		Expect(os.WriteFile(p, []byte(content), 0o644)).To(Succeed())
		return p
	}
	It("reads each result's elapsed seconds from a summary.json", func() {
		t, err := shard.ReadTimings(write(`{"scenarios": 2, "results": [{"scenario": "a", "elapsed_seconds": 1.5}, {"scenario": "b", "elapsed_seconds": 0.25}]}`))
		Expect(err).NotTo(HaveOccurred())
		Expect(t).To(Equal(map[string]time.Duration{"a": 1500 * time.Millisecond, "b": 250 * time.Millisecond}))
	})
	DescribeTable("refuses what is not a run's summary",
		func(content, says string) {
			_, err := shard.ReadTimings(write(content))
			Expect(errors.Is(err, shard.ErrBadShard)).To(BeTrue())
			Expect(err).To(MatchError(ContainSubstring(says)))
		},
		Entry("not JSON", "nope", "not a summary.json"),
		Entry("no results", `{"x": 1}`, "no results"),
		Entry("no elapsed", `{"results": [{"scenario": "a"}]}`, "result 1 has no scenario or no elapsed_seconds"),
		Entry("negative", `{"results": [{"scenario": "a", "elapsed_seconds": -1}]}`, "result 1"),
	)
	It("names a missing file", func() {
		_, err := shard.ReadTimings("/nonexistent/summary.json")
		Expect(err).To(MatchError(ContainSubstring("/nonexistent/summary.json")))
	})
})

var _ = Describe("SuiteHash", func() {
	It("changes with any name or order", func() {
		a := shard.SuiteHash([]string{"a", "b"})
		Expect(a).To(HaveLen(64))
		Expect(shard.SuiteHash([]string{"b", "a"})).NotTo(Equal(a))
		Expect(shard.SuiteHash([]string{"a", "c"})).NotTo(Equal(a))
		Expect(shard.SuiteHash([]string{"a", "b"})).To(Equal(a))
	})
})
