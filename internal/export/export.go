package export

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/pod-security-admission/api"
	"k8s.io/utils/ptr"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/pss"
)

// Options say what to export.
type Options struct {
	// PSS is the Pod Security Standards level and version whose controls
	// are exported; privileged exports none.
	PSS api.LevelVersion
	// Checks, when not empty, restricts the export to these checks.
	Checks []check.ID
	// Actions are the bindings' validationActions; empty means Deny.
	Actions []admissionregistrationv1.ValidationAction
	// NamespaceSelector, when set, limits the bindings to the namespaces
	// it selects.
	NamespaceSelector *metav1.LabelSelector
	// Prefix starts every policy and binding name; empty means
	// "kubestride-".
	Prefix string
	// Registry is the catalogue; nil means check.Default().
	Registry *check.Registry
}

// Skipped is a check that was not exported, and why.
type Skipped struct {
	ID     check.ID
	Reason string
}

// Result is an export: a policy and a binding per exported check, in the
// order of the check IDs, and the checks left out.
type Result struct {
	Policies []admissionregistrationv1.ValidatingAdmissionPolicy
	Bindings []admissionregistrationv1.ValidatingAdmissionPolicyBinding
	// Checks are the exported checks, one per policy.
	Checks  []check.ID
	Skipped []Skipped
}

// Label and annotation keys the exported objects carry.
const (
	LabelCheck    = "kubestride.io/check"
	AnnotationPSS = "kubestride.io/pss"
)

// Export builds the policies. A check of Options.Checks that is not in the
// registry is an error; one that cannot be exported is listed in Skipped.
func Export(opts Options) (*Result, error) {
	reg := opts.Registry
	if reg == nil {
		reg = check.Default()
	}
	prefix := opts.Prefix
	if prefix == "" {
		prefix = "kubestride-"
	}
	actions := opts.Actions
	if len(actions) == 0 {
		actions = []admissionregistrationv1.ValidationAction{admissionregistrationv1.Deny}
	}
	want := map[check.ID]bool{}
	for _, id := range opts.Checks {
		if _, ok := reg.Get(id); !ok {
			return nil, fmt.Errorf("no check %q (kubestride checks lists them)", id)
		}
		want[id] = true
	}
	controls, pssSkipped := pssAt(opts.PSS)
	res := &Result{}
	for _, c := range reg.All() {
		m := c.Meta()
		if len(want) > 0 && !want[m.ID] {
			continue
		}
		rule, ok := rules[m.ID]
		pssNote := ""
		if !ok {
			rule, ok = controls[m.ID]
			pssNote = string(opts.PSS.Level) + ":" + pss.VersionString(opts.PSS.Version)
		}
		if !ok {
			res.Skipped = append(res.Skipped, Skipped{ID: m.ID, Reason: Reason(m, pssSkipped)})
			continue
		}
		name := prefix + string(m.ID)
		p := policy(name, m, rule)
		if _, isPSS := controls[m.ID]; isPSS {
			p.Annotations = map[string]string{AnnotationPSS: pssNote}
		}
		res.Policies = append(res.Policies, p)
		res.Bindings = append(res.Bindings, binding(name, m.ID, actions, opts.NamespaceSelector))
		res.Checks = append(res.Checks, m.ID)
	}
	return res, nil
}

// Reason says why the check m cannot be exported; pssSkipped holds the
// reasons of the Pod Security Standards controls not in force.
func Reason(m check.Meta, pssSkipped map[check.ID]string) string {
	if r, ok := pssSkipped[m.ID]; ok {
		return r
	}
	if r, ok := reasons[m.ID]; ok {
		return r
	}
	if r, ok := topicReasons[m.Topic]; ok {
		return r
	}
	return "no CEL form: the check is not a plain condition on one object's fields"
}

// pssAt returns the rules of the controls in force at lv, by kubestride
// check ID, and why each other control is not exported.
func pssAt(lv api.LevelVersion) (map[check.ID]Rule, map[check.ID]string) {
	in := map[check.ID]Rule{}
	skipped := map[check.ID]string{}
	ev := pss.For(lv)
	var overriders = map[string]string{}
	for _, ctl := range ev.Controls() {
		for _, o := range ctl.Overrides {
			overriders[o] = ctl.ID
		}
		if r, ok := pssRule(ctl.ID, lv.Version); ok {
			in[pssCheckIDs[ctl.ID]] = r
		}
	}
	at := string(lv.Level) + ":" + pss.VersionString(lv.Version)
	for psaID, id := range pssCheckIDs {
		if _, ok := in[id]; ok {
			continue
		}
		switch {
		case overriders[psaID] != "":
			skipped[id] = fmt.Sprintf("Pod Security Standards control %s is replaced by %s at %s", psaID, overriders[psaID], at)
		case lv.Level == api.LevelPrivileged:
			skipped[id] = "the privileged level has no Pod Security Standards controls"
		default:
			skipped[id] = fmt.Sprintf("Pod Security Standards control %s is not in force at %s", psaID, at)
		}
	}
	return in, skipped
}

// resourceRules are what every policy matches: Pods and the kinds that
// hold a pod template.
var resourceRules = []admissionregistrationv1.NamedRuleWithOperations{
	namedRule("", "pods", "pods/ephemeralcontainers", "podtemplates", "replicationcontrollers"),
	namedRule("apps", "deployments", "replicasets", "statefulsets", "daemonsets"),
	namedRule("batch", "jobs", "cronjobs"),
}

func namedRule(group string, resources ...string) admissionregistrationv1.NamedRuleWithOperations {
	return admissionregistrationv1.NamedRuleWithOperations{RuleWithOperations: admissionregistrationv1.RuleWithOperations{
		Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create, admissionregistrationv1.Update},
		Rule: admissionregistrationv1.Rule{
			APIGroups:   []string{group},
			APIVersions: []string{"v1"},
			Resources:   resources,
		},
	}}
}

// podSpecChanged is the match condition that leaves out a Pod update
// that changes neither its spec nor its annotations (labels, finalizers,
// status), as Pod Security Admission does.
const podSpecChanged = `request.operation != 'UPDATE' || object.kind != 'Pod' || oldObject == null || ` +
	`object.spec != oldObject.spec || object.metadata.?annotations.orValue({}) != oldObject.metadata.?annotations.orValue({})`

func policy(name string, m check.Meta, r Rule) admissionregistrationv1.ValidatingAdmissionPolicy {
	vars := make([]admissionregistrationv1.Variable, 0, len(sharedVariables)+len(r.Variables))
	for _, v := range append(append([]Variable(nil), sharedVariables...), r.Variables...) {
		vars = append(vars, admissionregistrationv1.Variable{Name: v.Name, Expression: v.Expression})
	}
	reason := metav1.StatusReasonForbidden
	return admissionregistrationv1.ValidatingAdmissionPolicy{
		TypeMeta: metav1.TypeMeta{APIVersion: "admissionregistration.k8s.io/v1", Kind: "ValidatingAdmissionPolicy"},
		ObjectMeta: metav1.ObjectMeta{
			Name:   name,
			Labels: map[string]string{"app.kubernetes.io/managed-by": "kubestride", LabelCheck: string(m.ID)},
		},
		Spec: admissionregistrationv1.ValidatingAdmissionPolicySpec{
			FailurePolicy:    ptr.To(admissionregistrationv1.Fail),
			MatchConstraints: &admissionregistrationv1.MatchResources{ResourceRules: resourceRules},
			MatchConditions:  []admissionregistrationv1.MatchCondition{{Name: "pod-spec-changed", Expression: podSpecChanged}},
			Variables:        vars,
			Validations: []admissionregistrationv1.Validation{{
				Expression:        r.Expression,
				MessageExpression: `object.kind + ' "' + object.metadata.?name.orValue(object.metadata.?generateName.orValue('')) + '" violates kubestride check ` + string(m.ID) + `: ' + ` + r.Message,
				Message:           m.Title,
				Reason:            &reason,
			}},
		},
	}
}

func binding(name string, id check.ID, actions []admissionregistrationv1.ValidationAction, sel *metav1.LabelSelector) admissionregistrationv1.ValidatingAdmissionPolicyBinding {
	b := admissionregistrationv1.ValidatingAdmissionPolicyBinding{
		TypeMeta: metav1.TypeMeta{APIVersion: "admissionregistration.k8s.io/v1", Kind: "ValidatingAdmissionPolicyBinding"},
		ObjectMeta: metav1.ObjectMeta{
			Name:   name,
			Labels: map[string]string{"app.kubernetes.io/managed-by": "kubestride", LabelCheck: string(id)},
		},
		Spec: admissionregistrationv1.ValidatingAdmissionPolicyBindingSpec{
			PolicyName:        name,
			ValidationActions: actions,
		},
	}
	if sel != nil {
		b.Spec.MatchResources = &admissionregistrationv1.MatchResources{NamespaceSelector: sel}
	}
	return b
}

// WriteYAML writes the policies and bindings as a YAML stream, each
// policy followed by its binding.
func (r *Result) WriteYAML(w io.Writer) error {
	for i := range r.Policies {
		for _, obj := range []any{&r.Policies[i], &r.Bindings[i]} {
			data, err := cleanYAML(obj)
			if err != nil {
				return err
			}
			if _, err := fmt.Fprintf(w, "---\n%s", data); err != nil {
				return err
			}
		}
	}
	return nil
}

// cleanYAML marshals obj without the empty creationTimestamp that the
// typed objects carry.
func cleanYAML(obj any) ([]byte, error) {
	data, err := json.Marshal(obj)
	if err != nil {
		return nil, fmt.Errorf("encode policy: %w", err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("encode policy: %w", err)
	}
	if meta, ok := m["metadata"].(map[string]any); ok {
		delete(meta, "creationTimestamp")
	}
	return sigsyaml.Marshal(m)
}

// ParseActions reads a comma-separated list of Deny, Warn and Audit
// (case-insensitive).
func ParseActions(s string) ([]admissionregistrationv1.ValidationAction, error) {
	var out []admissionregistrationv1.ValidationAction
	seen := map[admissionregistrationv1.ValidationAction]bool{}
	for _, part := range strings.Split(s, ",") {
		var a admissionregistrationv1.ValidationAction
		switch strings.ToLower(strings.TrimSpace(part)) {
		case "deny":
			a = admissionregistrationv1.Deny
		case "warn":
			a = admissionregistrationv1.Warn
		case "audit":
			a = admissionregistrationv1.Audit
		default:
			return nil, fmt.Errorf("validation action %q: want Deny, Warn or Audit", strings.TrimSpace(part))
		}
		if !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	if seen[admissionregistrationv1.Deny] && seen[admissionregistrationv1.Warn] {
		return nil, fmt.Errorf("validation actions Deny and Warn together: the API server refuses them (a denial already tells the client)")
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i] < out[j] })
	return out, nil
}
