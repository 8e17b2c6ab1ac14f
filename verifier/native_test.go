package verifier_test

import (
	"context"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/siglab/siglab/scenarios"
	"github.com/siglab/siglab/verifier"
)

var _ = Describe("native rule sets as detectors", func() {
	// suite writes a detectors file declaring a native set of the
	// given rules, and tech-ping-ack's network and scan with the given
	// expect: section for it, and loads them.
	suite := func(ruleText, expect string) *scenarios.Scenario {
		dir := GinkgoT().TempDir()
		Expect(os.WriteFile(filepath.Join(dir, "local.rules"), []byte(ruleText), 0o644)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(dir, "detectors.yaml"), []byte("detectors:\n  local:\n    native: true\n    rules: local.rules\n"), 0o644)).To(Succeed())
		src := "name: native-ping-ack\nsummary: x\nseed: 16\nnetwork:\n  hosts:\n    - name: victim\n      open: [22, 25]\n" +
			"scan:\n  - nmap: -v -PT80 -sS -p1-30 victim\nexpect:\n  local:\n" + expect
		Expect(os.WriteFile(filepath.Join(dir, "s.yaml"), []byte(src), 0o644)).To(Succeed())
		ss, err := scenarios.Load(filepath.Join(dir, "s.yaml"))
		Expect(err).NotTo(HaveOccurred())
		return ss[0]
	}
	rule := "alert tcp $EXTERNAL_NET any -> $HOME_NET 80 (msg:\"ACK ping to 80\"; flags:A; ack:0; sid:9000001; rev:1;)\n" +
		"alert tcp $EXTERNAL_NET any -> $HOME_NET 80 (msg:\"ACK ping, window 1024\"; flags:A; window:1024; sid:9000002; rev:1;)\n"

	It("runs a declared set in process and checks its sids as a declared engine's", func() {
		s := suite(rule, "    present: [{signature_id: 9000001, count: 1}]\n    absent: [9000002]\n")
		res, err := verifier.RunWith(context.Background(), s, verifier.Options{Offline: true})
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Verdict.Status()).To(Equal(verifier.StatusPass), "%+v", res.Verdict.Checks)
		log := string(res.Log("local"))
		Expect(log).To(ContainSubstring(`"signature_id":9000001`))
		Expect(log).To(ContainSubstring("# sid 9000002 silent: window: seen"))
	})

	It("says beside a miss why the rule did not fire", func() {
		s := suite(rule, "    present: [9000002]\n")
		res, err := verifier.RunWith(context.Background(), s, verifier.Options{Offline: true})
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Verdict.Status()).To(Equal(verifier.StatusFail))
		var details []string
		for _, c := range res.Verdict.Checks {
			if !c.OK {
				details = append(details, c.Detail)
			}
		}
		Expect(details).To(ConsistOf(And(ContainSubstring("sid 9000002 silent"), ContainSubstring("rule wants 1024"))))
	})
})
