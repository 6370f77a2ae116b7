package checks

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"k8s.io/pod-security-admission/api"

	"github.com/kubestride/kubestride/internal/catalog"
	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/golden"
	imagepolicy "github.com/kubestride/kubestride/internal/image/policy"
)

// TestRegistryWellFormed holds every built-in check to the catalogue's rules:
// complete metadata (the registry refuses anything less at start-up, so this
// re-checks it) and at least one pass and one fail fixture.
func TestRegistryWellFormed(t *testing.T) {
	all := check.Default().All()
	if len(all) == 0 {
		t.Fatal("no checks registered")
	}
	for _, c := range all {
		m := c.Meta()
		t.Run(string(m.ID), func(t *testing.T) {
			if err := m.Validate(); err != nil {
				t.Error(err)
			}
			if strings.HasSuffix(m.Title, ".") {
				t.Errorf("title %q must not end with a period", m.Title)
			}
			if !strings.HasSuffix(m.Description, ".") {
				t.Errorf("description must be full sentences ending with a period")
			}
			for _, r := range m.References {
				if !strings.HasPrefix(r, "https://") {
					t.Errorf("reference %q is not an https URL", r)
				}
			}
			test, ok := liveOnly[m.ID]
			if m.Topic == check.TopicAuditLog {
				// An audit log's checks judge events, which no manifest
				// carries; check_auditlog_test.go streams events through them.
				test, ok = "check_auditlog_test.go", true
			}
			if ok {
				if _, err := os.Stat(test); err != nil {
					t.Errorf("a check without fixtures needs its table test: %v", err)
				}
				return
			}
			for _, kind := range []string{"pass", "fail"} {
				files, _ := filepath.Glob(filepath.Join("testdata", string(m.ID), kind, "*.yaml"))
				if len(files) == 0 {
					t.Errorf("no %s fixtures in testdata/%s/%s", kind, m.ID, kind)
				}
			}
		})
	}
}

// liveOnly lists the checks that judge what only the live-cluster collector
// records, which no manifest can carry; each has a table-driven test that
// builds those records instead of fixtures.
var liveOnly = map[check.ID]string{
	"owner-reference-mismatch": "check_owner_reference_mismatch_test.go",
	// What the node command reads of a file (mode, owner), which no manifest
	// carries.
	"etcd-data-dir-permissions":     "check_etcd_data_dir_permissions_test.go",
	"encryption-config-permissions": "node_encryption_test.go",
	// The seccomp profiles under the kubelet's directory, which the node
	// command (and scan --node-root) reads and no manifest carries.
	"seccomp-profile-non-blocking":   "check_seccomp_profile_non_blocking_test.go",
	"seccomp-localhost-non-blocking": "check_seccomp_localhost_non_blocking_test.go",
}

// TestFixtures runs each check alone on each of its fixtures: every file
// under fail/ must give at least one finding of that check, every file under
// pass/ none. A fail fixture may list the exact messages it must produce in
// comment lines "# want: <message>" (each must appear; others may too), and
// the PSS level to scan at in "# pss-level: baseline".
func TestFixtures(t *testing.T) {
	for _, c := range check.Default().All() {
		id := c.Meta().ID
		for _, kind := range []string{"pass", "fail"} {
			files, _ := filepath.Glob(filepath.Join("testdata", string(id), kind, "*.yaml"))
			for _, file := range files {
				t.Run(string(id)+"/"+kind+"/"+filepath.Base(file), func(t *testing.T) {
					data, err := os.ReadFile(file)
					if err != nil {
						t.Fatal(err)
					}
					opts := defaultOptions
					if lv := directives(data, "pss-level"); len(lv) > 0 {
						l, err := api.ParseLevel(lv[0])
						if err != nil {
							t.Fatal(err)
						}
						opts.PSS.Level = l
					}
					if pf := directives(data, "image-policy"); len(pf) > 0 {
						p, err := imagepolicy.Load(filepath.Join(filepath.Dir(file), pf[0]))
						if err != nil {
							t.Fatal(err)
						}
						opts.Images = &check.Images{Policy: p}
					}
					findings := run(c, load(t, file, string(data)), opts)
					var got []string
					for _, f := range findings {
						got = append(got, f.Message())
					}
					sort.Strings(got)
					if kind == "pass" && len(findings) > 0 {
						t.Errorf("pass fixture gave %d findings, want none:\n  %s", len(findings), strings.Join(got, "\n  "))
					}
					if kind == "fail" {
						if len(findings) == 0 {
							t.Errorf("fail fixture gave no finding")
						}
						for _, want := range directives(data, "want") {
							if !contains(got, want) {
								t.Errorf("missing finding %q; got:\n  %s", want, strings.Join(got, "\n  "))
							}
						}
					}
					for _, f := range findings {
						if f.Reason == "" {
							t.Errorf("finding %q has no reason", f.Message())
						}
						if f.Object == nil || f.Path == "" {
							t.Errorf("finding %q has no object or path", f.Message())
						}
					}
				})
			}
		}
	}
}

func directives(data []byte, name string) []string {
	var out []string
	prefix := "# " + name + ": "
	for _, l := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimRight(l, "\r"), prefix); ok {
			out = append(out, rest)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestDocsUpToDate keeps docs/checks.md equal to the registry.
func TestDocsUpToDate(t *testing.T) {
	var b bytes.Buffer
	if err := catalog.Markdown(&b, check.Default().All()); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join("..", "..", "docs", "checks.md"), b.Bytes())
}
