package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kubestride/kubestride/internal/report"
)

// nsBundle is an install bundle without metadata.namespace, in the style of
// upstream operators.
var nsBundle = filepath.Join("internal", "cli", "testdata", "nsbundle", "install.yaml")

// TestNamespacelessBundleScan scans the bundle as `kubectl apply -n` would
// place it: its Role is found bound by its RoleBinding, its Deployment is
// linked to its ServiceAccount and every namespaced finding names the
// namespace.
func TestNamespacelessBundleScan(t *testing.T) {
	chdirRoot(t)
	for _, tc := range []struct {
		name string
		args []string
		ns   string
	}{
		{"-n", []string{"-n", "widgets"}, "widgets"},
		{"--namespace", []string{"--namespace=widgets"}, "widgets"},
		{"default", nil, "default"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append(append([]string{"scan", "-f", "json"}, tc.args...), nsBundle)
			out, stderr, code := run(t, "", args...)
			if code != report.ExitFindings {
				t.Fatalf("exit code = %d, want %d; stderr:\n%s", code, report.ExitFindings, stderr)
			}
			r := decodeReport(t, out)
			notice := `4 objects without metadata.namespace were placed in namespace "` + tc.ns + `" (as kubectl apply -n ` + tc.ns + ` would)`
			if len(r.Notices) == 0 || r.Notices[0].Message != notice {
				t.Errorf("notices = %+v, want first %q", r.Notices, notice)
			}
			ids := map[string]report.Finding{}
			for _, f := range r.Findings {
				res := f.Resource
				switch want := tc.ns; res.Kind {
				case "ClusterRole", "ClusterRoleBinding":
					if res.Namespace != "" {
						t.Errorf("%s on %s %s: namespace %q, want none", f.ID, res.Kind, res.Name, res.Namespace)
					}
				default:
					if res.Namespace != want {
						t.Errorf("%s on %s %s: namespace %q, want %q", f.ID, res.Kind, res.Name, res.Namespace, want)
					}
				}
				ids[string(f.ID)+" "+res.Kind] = f
			}
			secrets, ok := ids["rbac-secrets-read Role"]
			if !ok {
				t.Fatalf("no rbac-secrets-read finding on the Role; findings: %v", keys(ids))
			}
			if want := "via RoleBinding " + tc.ns + "/widget-operator-leader-election"; !strings.Contains(secrets.Message, want) || strings.Contains(secrets.Message, "not bound") {
				t.Errorf("rbac-secrets-read message %q does not name %q", secrets.Message, want)
			}
			if want := "used by Deployment " + tc.ns + "/widget-operator"; !strings.Contains(secrets.Message, want) {
				t.Errorf("rbac-secrets-read message %q does not link the workload (%q)", secrets.Message, want)
			}
			if _, ok := ids["service-account-token-automount Deployment"]; !ok {
				t.Errorf("no service-account-token-automount finding on the Deployment; findings: %v", keys(ids))
			}
			imp, ok := ids["rbac-impersonate ClusterRole"]
			if !ok {
				t.Fatalf("no rbac-impersonate finding; findings: %v", keys(ids))
			}
			// The ClusterRoleBinding names the subject in widgets: only there
			// is it the Deployment's service account.
			if linked := strings.Contains(imp.Message, "used by Deployment widgets/widget-operator"); linked != (tc.ns == "widgets") {
				t.Errorf("rbac-impersonate message %q: workload linked = %v, want %v", imp.Message, linked, tc.ns == "widgets")
			}
		})
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestNamespacelessBundleRBAC asks the rbac commands about the bundle.
func TestNamespacelessBundleRBAC(t *testing.T) {
	chdirRoot(t)
	type whoCan struct {
		Subjects []struct {
			Kind, Name, Namespace string
			Grants                []struct {
				Binding struct{ Kind, Name, Namespace string }
			}
		}
	}
	for _, tc := range []struct {
		name string
		args []string
		// want is the namespace/name of the subject allowed, "" for none.
		want string
	}{
		{"who-can -n", []string{"who-can", "get", "secrets", "-n", "widgets"}, "widgets/widget-operator"},
		// As with kubectl, -n is also where the bundle is placed.
		{"who-can other namespace", []string{"who-can", "get", "secrets", "-n", "other"}, "other/widget-operator"},
		// A request across all namespaces is not allowed by a Role.
		{"who-can default", []string{"who-can", "get", "secrets"}, ""},
		{"who-can leases", []string{"who-can", "update", "leases.coordination.k8s.io", "-n", "widgets"}, "widgets/widget-operator"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, stderr, code := run(t, "", append(append([]string{"rbac"}, tc.args...), "-f", "json", nsBundle)...)
			if code != report.ExitOK {
				t.Fatalf("exit code = %d; stderr:\n%s", code, stderr)
			}
			var w whoCan
			if err := json.Unmarshal([]byte(out), &w); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range w.Subjects {
				got = append(got, s.Namespace+"/"+s.Name)
				for _, g := range s.Grants {
					if g.Binding.Kind == "RoleBinding" && g.Binding.Namespace != s.Namespace {
						t.Errorf("grant through %+v, want the binding in %s", g.Binding, s.Namespace)
					}
				}
			}
			if strings.Join(got, ",") != tc.want {
				t.Errorf("subjects = %v, want %q", got, tc.want)
			}
			if tc.want != "" && !strings.Contains(stderr, `placed in namespace "`+strings.Split(tc.want, "/")[0]+`"`) {
				t.Errorf("stderr does not say where the objects were placed:\n%s", stderr)
			}
		})
	}

	t.Run("paths", func(t *testing.T) {
		for _, ns := range []string{"widgets", ""} {
			args := []string{"rbac", "paths", "-f", "json", nsBundle}
			if ns != "" {
				args = append(args, "-n", ns)
			}
			out, stderr, code := run(t, "", args...)
			if code != report.ExitFindings {
				t.Fatalf("%v: exit code = %d; stderr:\n%s", args, code, stderr)
			}
			if !strings.Contains(out, `"namespace": "widgets"`) || !strings.Contains(out, "widget-operator-manager") {
				t.Errorf("%v: no path of the service account:\n%s", args, out)
			}
		}
	})

	t.Run("can", func(t *testing.T) {
		out, stderr, code := run(t, "", "rbac", "can", "serviceaccount:widgets:widget-operator", "-n", "widgets", nsBundle)
		if code != report.ExitOK {
			t.Fatalf("exit code = %d; stderr:\n%s", code, stderr)
		}
		if !strings.Contains(out, "widgets ") || !strings.Contains(out, "leases") {
			t.Errorf("the Role's grants in widgets are missing:\n%s", out)
		}
	})

	t.Run("-n with --cluster", func(t *testing.T) {
		_, stderr, code := run(t, "", "rbac", "paths", "--cluster", "-n", "widgets")
		if code != report.ExitError || !strings.Contains(stderr, "-n/--namespace") {
			t.Errorf("exit code = %d, stderr %q; want a usage error naming -n/--namespace", code, stderr)
		}
	})
}
