package report

import (
	"fmt"
	"math/rand/v2"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/object"
)

// syntheticRules are the checks of a synthetic report: four per STRIDE
// category, with defaults across every severity.
var syntheticRules = func() []check.Meta {
	var rules []check.Meta
	sev := []check.Severity{check.Critical, check.High, check.Medium, check.Low, check.Info}
	for i, c := range check.Categories {
		for j := range 4 {
			id := check.ID(fmt.Sprintf("synthetic-%d-%d", i, j))
			if j == 0 {
				id = check.ID(fmt.Sprintf("pss-synthetic-%d", i))
			}
			rules = append(rules, check.Meta{
				ID: id, Title: fmt.Sprintf("Synthetic check %d of %s", j, c), Category: c,
				Severity:    sev[(i+j)%len(sev)],
				Description: "A synthetic check that stands for a real one in rendering benchmarks.",
				Remediation: "Set the synthetic field to a safe value on every container.",
				References:  []string{"https://kubernetes.io/docs/concepts/security/pod-security-standards/"},
			})
		}
	}
	return rules
}()

// trickyStrings need escaping or cleaning in at least one format.
var trickyStrings = []string{
	"line one\nline two", "tab\there", "pipe | and `tick` *bold* _em_ [link](x) #1 ~s~ !x",
	"<script>alert('x')</script> & \"q\"", "é ✓ 日本", "ctrl \x1b[2J \x07 bell", "bad \xff\xfe utf8",
	"cr\rhere", "crlf\r\nthere", "bidi \u202eevil\u202c", "c1 \u009b31m", "nul \x00 end", "trailing   ",
	"\u2028 sep", "   ", "", "back\\slash", "]]> cdata", "\ufffd replacement", "astral \U0001F600",
}

// syntheticReport is a finalized report of n findings shaped like a large
// scan: several findings per resource and per file, some PSS controls, some
// suppressed findings and some without a file. With tricky set, text fields
// also carry characters every format must escape, and the report holds what
// only unusual input produces: findings of one check on one object that are
// not adjacent in report order, a category outside STRIDE, standard input
// and absolute paths.
func syntheticReport(n int, seed uint64, tricky bool) *Report {
	rng := rand.New(rand.NewPCG(seed, 0x6b75626573747269))
	pick := func(ss []string) string { return ss[rng.IntN(len(ss))] }
	maybeTricky := func(s string) string {
		if tricky && rng.IntN(8) == 0 {
			return s + " " + pick(trickyStrings)
		}
		return s
	}
	r := &Report{
		SchemaVersion: SchemaVersion,
		Tool:          Tool{Name: "kubestride", Version: "v0.4.0"},
		Settings:      Settings{FailOn: check.High, PSSLevel: "restricted", PSSVersion: "v1.37"},
		Rules:         syntheticRules,
		Findings:      make([]Finding, 0, n),
	}
	kinds := []string{"Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod"}
	apis := []string{"apps/v1", "apps/v1", "apps/v1", "batch/v1", "batch/v1", "v1"}
	resources := max(1, n/4)
	for range n {
		m := syntheticRules[rng.IntN(len(syntheticRules))]
		res := rng.IntN(resources)
		k := res % len(kinds)
		f := Finding{
			ID: m.ID, Category: m.Category, Severity: m.Severity, Title: m.Title,
			Message: maybeTricky(fmt.Sprintf(`container "app-%d" must set securityContext.field%d to a safe value`, rng.IntN(3), rng.IntN(20))),
			Resource: Resource{
				APIVersion: apis[k], Kind: kinds[k],
				Namespace: fmt.Sprintf("team-%03d", res%97), Name: maybeTricky(fmt.Sprintf("app-%06d", res)),
			},
			Field:       fmt.Sprintf("spec.template.spec.containers[%d].securityContext.field%d", rng.IntN(3), rng.IntN(20)),
			Remediation: m.Remediation,
		}
		if rng.IntN(10) > 0 {
			f.Location = &Location{File: fmt.Sprintf("deploy/team-%03d/app-%06d.yaml", res%97, res), Line: 1 + rng.IntN(400)}
		}
		if m.ID[:4] == "pss-" {
			f.PSS = &check.PSS{Level: "baseline", Version: "v1.37", Check: "synthetic"}
		}
		switch rng.IntN(40) {
		case 0:
			f.Suppressed = &Suppression{Kind: "annotation", Reason: maybeTricky("reviewed by the platform team")}
		case 1:
			f.Suppressed = &Suppression{Kind: "exemption", Reason: maybeTricky("legacy workload"), Expires: "2027-03-31"}
		}
		if rng.IntN(20) == 0 {
			f.Severity = check.Severity(1 + rng.IntN(5)) // a configured override
		}
		if tricky {
			switch rng.IntN(30) {
			case 0:
				f.Resource.APIVersion = "extensions/v1beta1" // same object name, another API group
			case 1:
				f.Resource.Namespace = ""
			case 2:
				f.Resource.Kind = ""
			case 3:
				f.Location = &Location{File: object.StdinName, Line: 3}
			case 4:
				f.Location = &Location{File: "/etc/kubernetes/manifests/app #1.yaml", Line: 7}
			case 5:
				f.Location = &Location{File: maybeTricky("deploy/web app/pod.yaml")}
			case 6:
				f.Category = "Custom"
			case 7:
				f.Suppressed = &Suppression{Reason: "kind not set"}
			case 8:
				f.Field = ""
			case 9:
				f.PSS = &check.PSS{Level: "restricted", Check: pick(trickyStrings)}
			case 10:
				f.Resource = Resource{}
				f.Location = nil
			}
		}
		r.Findings = append(r.Findings, f)
	}
	if tricky {
		r.Rules = append(r.Rules[:len(r.Rules):len(r.Rules)], check.Meta{
			ID: "never-fires", Title: "Check without findings", Category: check.Repudiation, Severity: check.Low,
			Description: "d", Remediation: "r.",
		})
		r.Errors = []Error{{File: "a.yaml", Line: 2, Message: pick(trickyStrings)}, {Message: "no file"}}
		r.Notices = []Notice{{File: "kubestride.yaml", Message: pick(trickyStrings)}, {Message: "plain"}}
	}
	r.Finalize()
	return r
}
