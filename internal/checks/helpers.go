package checks

import (
	"cmp"
	"context"
	"strconv"
	"strings"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/inventory"
)

// Reference URLs used by many checks.
const (
	refPSS             = "https://kubernetes.io/docs/concepts/security/pod-security-standards/"
	refPSA             = "https://kubernetes.io/docs/concepts/security/pod-security-admission/"
	refSecurityContext = "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/"
	refRBACGood        = "https://kubernetes.io/docs/concepts/security/rbac-good-practices/"
	refRBAC            = "https://kubernetes.io/docs/reference/access-authn-authz/rbac/"
	refServiceAccounts = "https://kubernetes.io/docs/concepts/security/service-accounts/"
	refSecrets         = "https://kubernetes.io/docs/concepts/security/secrets-good-practices/"
	refResources       = "https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/"
	refNetworkPolicy   = "https://kubernetes.io/docs/concepts/services-networking/network-policies/"
	refHardening       = "https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF"
)

// funcCheck is a check whose logic is a function over the whole inventory.
type funcCheck struct {
	meta check.Meta
	run  func(inv *inventory.Inventory, opts check.Options) []check.Finding
}

func (c funcCheck) Meta() check.Meta { return c.meta }

func (c funcCheck) Run(_ context.Context, inv *inventory.Inventory, opts check.Options) []check.Finding {
	return c.run(inv, opts)
}

// localCheck is a funcCheck whose findings for an object depend on that
// object alone; see check.Local. Use it for checks that look at each object
// of a kind on its own (Services, ConfigMaps, a Role's own rules).
type localCheck funcCheck

func (c localCheck) Meta() check.Meta { return c.meta }

func (c localCheck) Run(_ context.Context, inv *inventory.Inventory, opts check.Options) []check.Finding {
	return c.run(inv, opts)
}

// Local marks the check as local.
func (localCheck) Local() {}

// perWorkload builds a local check that looks at each workload on its own.
func perWorkload(meta check.Meta, fn func(w *inventory.Workload, opts check.Options) []check.Finding) check.Check {
	meta.Topic = cmp.Or(meta.Topic, check.TopicWorkloads)
	return localCheck{meta: meta, run: func(inv *inventory.Inventory, opts check.Options) []check.Finding {
		var out []check.Finding
		for _, w := range inv.Workloads {
			out = append(out, fn(w, opts)...)
		}
		return out
	}}
}

// perContainer builds a check that looks at each container of each workload
// (init, regular and ephemeral). fn returns the findings for one container;
// it may leave Object unset.
func perContainer(meta check.Meta, fn func(w *inventory.Workload, c inventory.Container) []check.Finding) check.Check {
	return perWorkload(meta, func(w *inventory.Workload, _ check.Options) []check.Finding {
		var out []check.Finding
		for _, c := range w.Containers() {
			for _, f := range fn(w, c) {
				if f.Object == nil {
					f.Object = w.Object
				}
				out = append(out, f)
			}
		}
		return out
	})
}

// containerNoun returns `container "app"`, `init container "setup"` or
// `ephemeral container "debugger"`.
func containerNoun(c inventory.Container) string {
	switch c.Kind {
	case inventory.InitContainer:
		return "init container " + strconv.Quote(c.Name)
	case inventory.EphemeralContainer:
		return "ephemeral container " + strconv.Quote(c.Name)
	}
	return "container " + strconv.Quote(c.Name)
}

// pluralize returns singular when count is 1 and plural otherwise.
func pluralize(singular, plural string, count int) string {
	if count == 1 {
		return singular
	}
	return plural
}

// joinQuote quotes each item and joins them with ", ".
func joinQuote(items []string) string {
	var b strings.Builder
	for i, s := range items {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Quote(s))
	}
	return b.String()
}
