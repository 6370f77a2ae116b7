package checks

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"k8s.io/pod-security-admission/api"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/host"
	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/pss"
	"github.com/kubestride/kubestride/internal/source"
)

// The one harness of the checks' unit tests: load manifest text, run one
// registered check alone on it, and reduce its findings to comparable
// values. The manifest builders are at the end of this file.

// defaultOptions are the scan defaults: restricted, latest.
var defaultOptions = check.Options{PSS: api.LevelVersion{Level: api.LevelRestricted, Version: api.LatestVersion()}}

// finding is what a check's unit test compares of a check.Finding.
type finding struct {
	// Object is the object at fault: "Kind namespace/name", or "Kind name"
	// for an object without a namespace.
	Object string
	Path   string
	Reason string
	Detail string
	// Severity is the finding's own severity: zero when the finding keeps
	// the check's default.
	Severity check.Severity
	// Line is the manifest line of Path, or of the nearest enclosing field
	// the manifest sets. Only cases that set lines compare it.
	Line int
}

// checkCase is one case of a check's table-driven test: a manifest (one or
// more YAML documents) and the findings it must give, in order.
type checkCase struct {
	name     string
	manifest string
	// level and version are the Pod Security Standards level and version
	// to scan at; they default to restricted and latest.
	level, version string
	// lines makes the case compare each finding's Line too.
	lines bool
	// host is what the node command read beside the manifest, for the
	// node checks; nil for none.
	host *host.Node
	want []finding
}

// runCases runs the registered check id on each case and compares the
// findings exactly. A Pod Security Standards check's case must hold one
// workload, and each of its findings must be about that workload and carry
// the control's PSS identity at the case's level and version; any other
// check's findings must carry none.
func runCases(t *testing.T, id check.ID, cases []checkCase) {
	t.Helper()
	c := registered(t, id)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			opts := caseOptions(t, tc.level, tc.version)
			inv := load(t, "test.yaml", tc.manifest)
			inv.Host = tc.host
			findings := run(c, inv, opts)
			checkPSS(t, c, inv, opts, findings)
			var ignore []cmp.Option
			if !tc.lines {
				ignore = append(ignore, cmpopts.IgnoreFields(finding{}, "Line"))
			}
			if diff := cmp.Diff(tc.want, comparable(findings), ignore...); diff != "" {
				t.Errorf("%s findings mismatch (-want +got):\n%s", id, diff)
			}
		})
	}
}

// runCheck loads manifest and runs the registered check id alone on it at
// the scan defaults.
func runCheck(t *testing.T, id check.ID, manifest string) []finding {
	t.Helper()
	return comparable(run(registered(t, id), load(t, "test.yaml", manifest), defaultOptions))
}

// registered returns the registered check id.
func registered(t *testing.T, id check.ID) check.Check {
	t.Helper()
	c, ok := check.Default().Get(id)
	if !ok {
		t.Fatalf("check %s is not registered", id)
	}
	return c
}

// load decodes manifest, read from file, into a new inventory.
func load(t *testing.T, file, manifest string) *inventory.Inventory {
	t.Helper()
	inv := inventory.New()
	if errs := source.Decode(file, []byte(manifest), inv.Add); len(errs) > 0 {
		t.Fatalf("manifest does not load: %v", errs)
	}
	return inv
}

// run runs c alone on inv, settling its findings as the scan engine does.
func run(c check.Check, inv *inventory.Inventory, opts check.Options) []check.Finding {
	return check.Settle(c.Run(context.Background(), inv, opts), inv)
}

// comparable reduces findings to what the tests compare.
func comparable(findings []check.Finding) []finding {
	var out []finding
	for _, f := range findings {
		if f.File != nil {
			out = append(out, finding{Object: "File " + f.File.Path, Path: f.File.Key, Reason: f.Reason, Detail: f.Detail, Severity: f.Severity, Line: f.File.Line})
			continue
		}
		obj := f.Object.Kind + " " + f.Object.Name()
		if ns := f.Object.Namespace(); ns != "" {
			obj = f.Object.Kind + " " + ns + "/" + f.Object.Name()
		}
		out = append(out, finding{Object: obj, Path: f.Path, Reason: f.Reason, Detail: f.Detail, Severity: f.Severity, Line: f.Object.Line(f.Path)})
	}
	return out
}

// caseOptions returns the options to scan at level and version, which
// default to restricted and latest.
func caseOptions(t *testing.T, level, version string) check.Options {
	t.Helper()
	if level == "" {
		level = "restricted"
	}
	if version == "" {
		version = "latest"
	}
	lv, err := pss.ParseLevelVersion(level, version)
	if err != nil {
		t.Fatal(err)
	}
	return check.Options{PSS: lv}
}

// checkPSS holds findings to the PSS rules of runCases.
func checkPSS(t *testing.T, c check.Check, inv *inventory.Inventory, opts check.Options, findings []check.Finding) {
	t.Helper()
	p, ok := c.(pssCheck)
	if !ok {
		for _, f := range findings {
			if f.PSS != nil {
				t.Errorf("finding %q of a check that is no PSS control carries PSS %+v", f.Message(), *f.PSS)
			}
		}
		return
	}
	if len(inv.Workloads) != 1 {
		t.Fatalf("manifest holds %d workloads, want 1", len(inv.Workloads))
	}
	for _, f := range findings {
		ctl, ok := pss.For(opts.PSS).Control(p.psaID)
		if !ok {
			// A baseline control replaced at restricted reports under the
			// restricted control in force that replaces it.
			ctl = overridingControl(opts, p.psaID)
			ok = ctl != nil
		}
		if !ok {
			t.Errorf("finding from a control not in force at %s", opts.PSS)
			continue
		}
		want := check.PSS{Level: string(ctl.Level), Version: pss.VersionString(opts.PSS.Version), Check: ctl.ID}
		if f.PSS == nil || *f.PSS != want {
			t.Errorf("PSS = %+v, want %+v", f.PSS, want)
		}
		if f.Object != inv.Workloads[0].Object {
			t.Errorf("finding is not about the workload")
		}
	}
}

// pod returns a Pod named "app" in namespace shop whose spec is spec,
// written unindented (block or flow style).
func pod(spec string) string {
	return podMeta("", spec)
}

// podMeta is pod with metadata lines besides the name and namespace,
// written unindented.
func podMeta(meta, spec string) string {
	return `apiVersion: v1
kind: Pod
metadata:
  name: app
  namespace: shop
` + indent(meta, "  ") + `spec:
` + indent(spec, "  ")
}

// deployment returns a Deployment named "app" in namespace shop whose pod
// spec is spec, written unindented (block or flow style).
func deployment(spec string) string {
	return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  namespace: shop
spec:
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec:
` + indent(spec, "      ")
}

// configMap returns a ConfigMap named "app" in namespace shop with the
// given body (data and binaryData, unindented).
func configMap(body string) string {
	return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app, namespace: shop}\n" + body
}

// limitRange returns a LimitRange named "defaults" in namespace ns with one
// item, as a document of its own.
func limitRange(ns, item string) string {
	return "---\napiVersion: v1\nkind: LimitRange\nmetadata: {name: defaults, namespace: " + ns + "}\nspec:\n  limits:\n  - " +
		strings.TrimPrefix(indent(item, "    "), "    ")
}

// clusterRole returns a ClusterRole manifest; body holds its rules (and
// any other top-level fields), indented as top-level YAML.
func clusterRole(name, body string) string {
	return "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: " + name + "\n" + body + "---\n"
}

// role returns a Role manifest.
func role(ns, name, body string) string {
	return "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: " + name + "\n  namespace: " + ns + "\n" + body + "---\n"
}

// clusterRoleBinding returns a ClusterRoleBinding manifest; subjects is a
// flow-style list.
func clusterRoleBinding(name, refKind, refName, subjects string) string {
	return "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: " + name +
		"\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: " + refKind + ", name: " + refName + "}\nsubjects: " + subjects + "\n---\n"
}

// roleBinding returns a RoleBinding manifest.
func roleBinding(ns, name, refKind, refName, subjects string) string {
	return "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: " + name + "\n  namespace: " + ns +
		"\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: " + refKind + ", name: " + refName + "}\nsubjects: " + subjects + "\n---\n"
}

// indent prefixes each non-empty line of s; it returns "" for "".
func indent(s, prefix string) string {
	if s == "" {
		return ""
	}
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "\n") + "\n"
}
