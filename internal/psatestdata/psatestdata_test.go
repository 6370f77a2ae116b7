package psatestdata

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

func TestRequiredVersion(t *testing.T) {
	tests := []struct {
		name, gomod, want, wantErr string
	}{
		{
			name:  "require block",
			gomod: "module m\n\ngo 1.26\n\nrequire (\n\tk8s.io/api v0.37.2\n\tk8s.io/pod-security-admission v0.37.2 // pinned\n)\n",
			want:  "v0.37.2",
		},
		{
			name:  "single require",
			gomod: "module m\nrequire k8s.io/pod-security-admission v0.36.1\n",
			want:  "v0.36.1",
		},
		{
			name:  "replaced by a version",
			gomod: "module m\nrequire k8s.io/pod-security-admission v0.36.1\nreplace k8s.io/pod-security-admission => k8s.io/pod-security-admission v0.37.0\n",
			want:  "v0.37.0",
		},
		{
			name:  "replaced by a directory keeps the required version",
			gomod: "module m\nrequire k8s.io/pod-security-admission v0.36.1\nreplace k8s.io/pod-security-admission => ../psa\n",
			want:  "v0.36.1",
		},
		{
			name:    "not required",
			gomod:   "module m\nrequire k8s.io/api v0.37.2\n",
			wantErr: "does not require",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "go.mod")
			if err := os.WriteFile(p, []byte(tt.gomod), 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := RequiredVersion(p)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("RequiredVersion = %q, %v; want an error containing %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("RequiredVersion = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestEscapePath(t *testing.T) {
	if got, want := escapePath("github.com/BurntSushi/toml"), "github.com/!burnt!sushi/toml"; got != want {
		t.Errorf("escapePath = %q, want %q", got, want)
	}
}

func TestCheckOf(t *testing.T) {
	for file, want := range map[string]string{
		"/x/fail/capabilities_baseline12.yaml": "capabilities_baseline",
		"/x/pass/base.yaml":                    "base",
		"hostprobesandhostlifecycle0.yaml":     "hostprobesandhostlifecycle",
	} {
		if got := CheckOf(file); got != want {
			t.Errorf("CheckOf(%q) = %q, want %q", file, got, want)
		}
	}
}

// TestRootFromModuleCache finds the fixtures without the go command, from
// go.mod and the module cache, and checks that both ways agree.
func TestRootFromModuleCache(t *testing.T) {
	viaGo, err := Root()
	if err != nil {
		t.Fatal(err)
	}
	dir, err := moduleCacheDir()
	if err != nil {
		t.Skipf("module cache lookup unavailable here: %v", err)
	}
	if got := filepath.Join(dir, "test", "testdata"); got != viaGo {
		t.Errorf("module cache gives %s, go list gives %s", got, viaGo)
	}
	dirs, err := VersionDirs(viaGo)
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) < 2 || dirs[0].Version != "v1.0" {
		t.Errorf("VersionDirs = %d directories starting with %+v, want v1.0 first", len(dirs), dirs[0])
	}
}

func TestLevelVersionLess(t *testing.T) {
	keys := []string{"restricted/v1.2", "baseline/v1.10", "baseline/v1.9", "restricted/v1.0"}
	sort.Slice(keys, func(i, j int) bool { return LevelVersionLess(keys[i], keys[j]) })
	if got := strings.Join(keys, " "); got != "baseline/v1.9 baseline/v1.10 restricted/v1.0 restricted/v1.2" {
		t.Errorf("order: %s", got)
	}
}
