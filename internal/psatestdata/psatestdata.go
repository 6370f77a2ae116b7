package psatestdata

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"k8s.io/pod-security-admission/api"
)

// Module is the module that ships the fixtures.
const Module = "k8s.io/pod-security-admission"

// Fixture is one fixture file.
type Fixture struct {
	// Level is the level the verdict holds at: baseline or restricted.
	Level api.Level
	// Version is the version directory, such as v1.25.
	Version string
	// Pass is true for a pod the level allows, false for one it forbids.
	Pass bool
	// Check is the lowercased PSA check ID the fixture was made for, taken
	// from the file name without its trailing digits ("capabilities_baseline"
	// from capabilities_baseline3.yaml).
	Check string
	// File is the absolute path of the file.
	File string
}

// VersionDir is one <level>/<version> directory.
type VersionDir struct {
	Level   api.Level
	Version string
	// Minor is the minor version (25 for v1.25).
	Minor int
	// Dir is the absolute path of the directory, which holds pass/ and fail/.
	Dir string
}

// Root returns the fixture tree: the test/testdata directory of the
// k8s.io/pod-security-admission module that the kubestride module requires.
// It asks the go command first (go list -m), which honours replace
// directives; without it, it reads the version from go.mod and looks in the
// module cache (GOMODCACHE, else GOPATH/pkg/mod, else ~/go/pkg/mod). The
// working directory must be inside the kubestride module, as it is for a
// test.
func Root() (string, error) {
	dir, errList := listModuleDir()
	if errList != nil {
		var errCache error
		dir, errCache = moduleCacheDir()
		if errCache != nil {
			return "", fmt.Errorf("find module %s: go list: %w; module cache: %w", Module, errList, errCache)
		}
	}
	root := filepath.Join(dir, "test", "testdata")
	for _, lv := range []string{"baseline", "restricted"} {
		if st, err := os.Stat(filepath.Join(root, lv)); err != nil || !st.IsDir() {
			return "", fmt.Errorf("module %s in %s has no fixtures in test/testdata/%s", Module, dir, lv)
		}
	}
	return root, nil
}

func listModuleDir() (string, error) {
	var stderr bytes.Buffer
	cmd := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", Module)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return "", fmt.Errorf("%w: %s", err, msg)
		}
		return "", err
	}
	dir := strings.TrimSpace(string(out))
	if dir == "" {
		return "", errors.New("module is not in the module cache (run go mod download)")
	}
	return dir, nil
}

func moduleCacheDir() (string, error) {
	gomod, err := findGoMod()
	if err != nil {
		return "", err
	}
	version, err := RequiredVersion(gomod)
	if err != nil {
		return "", err
	}
	cache := os.Getenv("GOMODCACHE")
	if cache == "" {
		gopath := os.Getenv("GOPATH")
		if gopath == "" {
			home, err := os.UserHomeDir()
			if err != nil {
				return "", fmt.Errorf("no GOMODCACHE, GOPATH or home directory: %w", err)
			}
			gopath = filepath.Join(home, "go")
		}
		cache = filepath.Join(filepath.SplitList(gopath)[0], "pkg", "mod")
	}
	dir := filepath.Join(cache, escapePath(Module)+"@"+escapePath(version))
	if _, err := os.Stat(dir); err != nil {
		return "", fmt.Errorf("module %s@%s is not in the module cache %s: %w", Module, version, cache, err)
	}
	return dir, nil
}

// findGoMod walks up from the working directory to the kubestride go.mod.
func findGoMod() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("working directory: %w", err)
	}
	for {
		p := filepath.Join(dir, "go.mod")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// GoMod returns the path of the go.mod of the module holding the working
// directory.
func GoMod() (string, error) { return findGoMod() }

// RequiredVersion returns the version of Module that the go.mod file at path
// requires, or the version a replace directive substitutes for it.
func RequiredVersion(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read go.mod: %w", err)
	}
	var required, replaced string
	inBlock := ""
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if i := strings.Index(line, "//"); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		f := strings.Fields(line)
		switch {
		case len(f) == 0:
			continue
		case inBlock != "" && f[0] == ")":
			inBlock = ""
			continue
		case len(f) == 2 && f[1] == "(":
			inBlock = f[0]
			continue
		}
		directive := inBlock
		if directive == "" {
			directive, f = f[0], f[1:]
		}
		switch {
		case directive == "require" && len(f) >= 2 && f[0] == Module:
			required = f[1]
		case directive == "replace" && len(f) >= 4 && f[0] == Module:
			// Module [version] => path|module version
			if arrow := indexOf(f, "=>"); arrow >= 0 && len(f) == arrow+3 {
				replaced = f[arrow+2]
			}
		}
	}
	if err := sc.Err(); err != nil {
		return "", fmt.Errorf("read go.mod: %w", err)
	}
	if replaced != "" {
		return replaced, nil
	}
	if required == "" {
		return "", fmt.Errorf("%s does not require %s", path, Module)
	}
	return required, nil
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// escapePath applies the module cache's case encoding: each upper-case
// letter becomes "!" and its lower-case form.
func escapePath(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 'A' && r <= 'Z' {
			b.WriteByte('!')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

var versionDirRe = regexp.MustCompile(`^v1\.(0|[1-9][0-9]*)$`)

// VersionDirs lists the <level>/v1.N directories under root for both
// levels, baseline first, versions in increasing order.
func VersionDirs(root string) ([]VersionDir, error) {
	var out []VersionDir
	for _, lv := range []api.Level{api.LevelBaseline, api.LevelRestricted} {
		entries, err := os.ReadDir(filepath.Join(root, string(lv)))
		if err != nil {
			return nil, fmt.Errorf("list fixtures: %w", err)
		}
		var dirs []VersionDir
		for _, e := range entries {
			m := versionDirRe.FindStringSubmatch(e.Name())
			if !e.IsDir() || m == nil {
				continue
			}
			minor, _ := strconv.Atoi(m[1])
			dirs = append(dirs, VersionDir{Level: lv, Version: e.Name(), Minor: minor, Dir: filepath.Join(root, string(lv), e.Name())})
		}
		if len(dirs) == 0 {
			return nil, fmt.Errorf("list fixtures: no v1.N directory in %s", filepath.Join(root, string(lv)))
		}
		sort.Slice(dirs, func(i, j int) bool { return dirs[i].Minor < dirs[j].Minor })
		out = append(out, dirs...)
	}
	return out, nil
}

// Files lists the fixtures of one version directory, pass/ then fail/, each
// sorted by name.
func (d VersionDir) Files() ([]Fixture, error) {
	var out []Fixture
	for _, kind := range []string{"pass", "fail"} {
		files, err := filepath.Glob(filepath.Join(d.Dir, kind, "*.yaml"))
		if err != nil {
			return nil, fmt.Errorf("list fixtures: %w", err)
		}
		sort.Strings(files)
		for _, f := range files {
			out = append(out, Fixture{Level: d.Level, Version: d.Version, Pass: kind == "pass", Check: CheckOf(f), File: f})
		}
	}
	return out, nil
}

// All lists every fixture under root.
func All(root string) ([]Fixture, error) {
	dirs, err := VersionDirs(root)
	if err != nil {
		return nil, err
	}
	var out []Fixture
	for _, d := range dirs {
		fs, err := d.Files()
		if err != nil {
			return nil, err
		}
		out = append(out, fs...)
	}
	return out, nil
}

// CheckOf returns the lowercased PSA check ID a fixture file is named after:
// its base name without .yaml and trailing digits.
func CheckOf(file string) string {
	name := strings.TrimSuffix(filepath.Base(file), ".yaml")
	return strings.TrimRight(name, "0123456789")
}

// LevelVersionLess orders keys written "level/v1.N" (as the fixture
// folders are) by level, then by N as a number, so v1.10 comes after v1.9.
func LevelVersionLess(a, b string) bool {
	la, va, _ := strings.Cut(a, "/v1.")
	lb, vb, _ := strings.Cut(b, "/v1.")
	if la != lb {
		return la < lb
	}
	var na, nb int
	fmt.Sscan(va, &na)
	fmt.Sscan(vb, &nb)
	return na < nb
}
