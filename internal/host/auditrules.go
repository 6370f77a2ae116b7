package host

// auditd rules: reading the file watches of an audit.rules file (as
// auditctl -R and augenrules read etc/audit/rules.d/*.rules), judging
// whether they cover a path, and writing the watches the integrity checks
// ask for.

import (
	"fmt"
	"path"
	"slices"
	"strings"
)

// ParseAuditRules returns the file watches of an auditd rules file (data,
// read from file), each with its line, and an error naming file and line
// for each watch it cannot read. A watch is written
//
//	-w PATH [-p PERMS] [-k KEY]
//
// (auditctl's default permissions, without -p, are rwxa) or as a syscall
// rule on the exit list
//
//	-a always,exit [-F arch=b64] [-S SYSCALLS] -F path=PATH|-F dir=PATH [-F perm=PERMS] [-k KEY|-F key=KEY]
//
// where "-F path=" watches the path itself (Exact) and "-F dir=" the whole
// tree; without perm= a rule on all syscalls (no -S, or -S all) watches
// every access, and one on some syscalls is kept with no Perms, which no
// permission check accepts. Blank lines, comments (#) and the rules that
// are no watches (-D, -b, -e, -f, syscall rules without path or dir,
// "never" rules) are skipped. "-W PATH" removes an earlier watch of PATH in
// the same file, as auditctl does.
func ParseAuditRules(file string, data []byte) ([]AuditRule, []error) {
	var rules []AuditRule
	var errs []error
	for i, line := range strings.Split(string(data), "\n") {
		n := i + 1
		fields := strings.Fields(line)
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		fail := func(format string, args ...any) {
			errs = append(errs, fmt.Errorf("%s:%d: %s", file, n, fmt.Sprintf(format, args...)))
		}
		opts, err := ruleOptions(fields)
		if err != nil {
			fail("%v", err)
			continue
		}
		switch {
		case opts.has("-W"):
			p := opts.last("-W")
			kept := rules[:0]
			for _, r := range rules {
				if r.Path != p || r.File != file || r.Exact {
					kept = append(kept, r)
				}
			}
			rules = kept
		case opts.has("-w"):
			r := AuditRule{Path: opts.last("-w"), Perms: "rwxa", Key: opts.last("-k"), File: file, Line: n}
			if !strings.HasPrefix(r.Path, "/") {
				fail("watch path %q must be absolute", r.Path)
				continue
			}
			if opts.has("-p") {
				p, err := normPerms(opts.last("-p"))
				if err != nil {
					fail("-p: %v", err)
					continue
				}
				r.Perms = p
			}
			rules = append(rules, r)
		case opts.has("-a") || opts.has("-A"):
			list := opts.last("-a")
			if list == "" {
				list = opts.last("-A")
			}
			if !exitAlways(list) {
				continue
			}
			r, ok, err := syscallWatch(opts)
			if err != nil {
				fail("%v", err)
				continue
			}
			if ok {
				r.File, r.Line = file, n
				rules = append(rules, r)
			}
		}
	}
	return rules, errs
}

// ruleArgs are the options of one rule line: each option with the values
// given to it, in order.
type ruleArgs struct {
	names  []string
	values []string
}

func (a ruleArgs) has(name string) bool {
	for _, n := range a.names {
		if n == name {
			return true
		}
	}
	return false
}

func (a ruleArgs) last(name string) string {
	for i := len(a.names) - 1; i >= 0; i-- {
		if a.names[i] == name {
			return a.values[i]
		}
	}
	return ""
}

func (a ruleArgs) all(name string) []string {
	var out []string
	for i, n := range a.names {
		if n == name {
			out = append(out, a.values[i])
		}
	}
	return out
}

// noValue are auditctl's options that take no value.
var noValue = map[string]bool{"-D": true, "-l": true, "-s": true, "-i": true, "-c": true, "-v": true, "-h": true, "--reset-lost": true}

// ruleOptions splits a rule line into options and values.
func ruleOptions(fields []string) (ruleArgs, error) {
	var a ruleArgs
	for i := 0; i < len(fields); i++ {
		f := fields[i]
		if !strings.HasPrefix(f, "-") {
			return a, fmt.Errorf("unexpected %q: want an option", f)
		}
		if noValue[f] {
			a.names, a.values = append(a.names, f), append(a.values, "")
			continue
		}
		if eq := strings.IndexByte(f, '='); eq > 0 && strings.HasPrefix(f, "--") {
			a.names, a.values = append(a.names, f[:eq]), append(a.values, f[eq+1:])
			continue
		}
		if i+1 >= len(fields) {
			return a, fmt.Errorf("option %s needs a value", f)
		}
		a.names, a.values = append(a.names, f), append(a.values, fields[i+1])
		i++
	}
	return a, nil
}

// exitAlways reports whether list ("always,exit", "exit,always") is the
// exit list with the always action.
func exitAlways(list string) bool {
	parts := strings.Split(list, ",")
	if len(parts) != 2 {
		return false
	}
	return (parts[0] == "always" && parts[1] == "exit") || (parts[0] == "exit" && parts[1] == "always")
}

// syscallWatch reads a syscall rule as a watch; ok is false when it is no
// watch (no path or dir field).
func syscallWatch(opts ruleArgs) (AuditRule, bool, error) {
	var r AuditRule
	var perm string
	var hasPath, hasPerm bool
	for _, f := range opts.all("-F") {
		name, value, op := splitField(f)
		switch name {
		case "path", "dir":
			if op != "=" {
				return r, false, fmt.Errorf("-F %s: a watch needs %s=PATH, not %q", name, name, f)
			}
			if !strings.HasPrefix(value, "/") {
				return r, false, fmt.Errorf("-F %s: path %q must be absolute", name, value)
			}
			r.Path, r.Exact, hasPath = value, name == "path", true
		case "perm":
			if op != "=" {
				return r, false, fmt.Errorf("-F perm: want perm=PERMS, not %q", f)
			}
			perm, hasPerm = value, true
		case "key":
			r.Key = value
		}
	}
	if !hasPath {
		return r, false, nil
	}
	if k := opts.last("-k"); k != "" {
		r.Key = k
	}
	switch {
	case hasPerm:
		p, err := normPerms(perm)
		if err != nil {
			return r, false, fmt.Errorf("-F perm: %v", err)
		}
		r.Perms = p
	default:
		all := !opts.has("-S")
		for _, s := range opts.all("-S") {
			if s == "all" {
				all = true
			}
		}
		if all {
			r.Perms = "rwxa"
		}
	}
	return r, true, nil
}

// splitField splits an -F field "name<op>value" at its operator.
func splitField(f string) (name, value, op string) {
	for i := 0; i < len(f); i++ {
		switch f[i] {
		case '=', '!', '<', '>', '&':
			j := i + 1
			for j < len(f) && strings.IndexByte("=<>&", f[j]) >= 0 {
				j++
			}
			return f[:i], f[j:], f[i:j]
		}
	}
	return f, "", ""
}

// normPerms checks a permission set (any of r, w, x, a) and returns it in
// the order rwxa.
func normPerms(p string) (string, error) {
	if p == "" {
		return "", fmt.Errorf("permissions are empty: want some of r, w, x, a")
	}
	var seen [4]bool
	for _, c := range p {
		i := strings.IndexRune("rwxa", c)
		if i < 0 {
			return "", fmt.Errorf("permission %q in %q is not one of r, w, x, a", c, p)
		}
		seen[i] = true
	}
	var b strings.Builder
	for i, s := range seen {
		if s {
			b.WriteByte("rwxa"[i])
		}
	}
	return b.String(), nil
}

// Covers reports whether rule r records changes to target (a path on the
// node): r watches writes (w) and attribute changes (a), and watches
// target itself or, as "-w" and "-F dir=" do, a directory above it.
func (r AuditRule) Covers(target string) bool {
	return r.Watches(target) && strings.Contains(r.Perms, "w") && strings.Contains(r.Perms, "a")
}

// Watches reports whether r watches target, whatever the permissions:
// target itself, or a path under r's directory unless r is Exact.
func (r AuditRule) Watches(target string) bool {
	p, t := path.Clean(r.Path), path.Clean(target)
	if p == t {
		return true
	}
	if r.Exact {
		return false
	}
	return p == "/" || strings.HasPrefix(t, p+"/")
}

// AuditdRules returns the auditd rules that record every write and
// attribute change to paths: one "-w PATH -p wa -k kubestride-NAME" line
// each, in the order given without repeats, under a header that says where
// to install them. NAME is the path's last two elements joined by "-"
// ("etc-kubernetes", "bin-kubelet"). A path auditd cannot watch (relative,
// or with white space, which rules cannot quote) is written as a comment
// that says so. This is what "kubestride node auditd-rules" prints; with
// the paths WatchPaths returns, the rules satisfy the integrity checks.
func AuditdRules(paths []string) string {
	var b strings.Builder
	b.WriteString("# auditd watches on the Kubernetes binaries, configuration and data, written by kubestride.\n")
	b.WriteString("# Install as /etc/audit/rules.d/kubestride.rules and load with: augenrules --load\n")
	seen := map[string]bool{}
	for _, p := range paths {
		if seen[p] {
			continue
		}
		seen[p] = true
		if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, " \t\r\n") {
			fmt.Fprintf(&b, "# cannot watch %q: auditd needs an absolute path without white space\n", p)
			continue
		}
		p = path.Clean(p)
		fmt.Fprintf(&b, "-w %s -p wa -k %s\n", p, auditKey(p))
	}
	return b.String()
}

// auditKey names the watch of p: "kubestride-" and p's last two elements.
func auditKey(p string) string {
	parts := strings.Split(strings.Trim(p, "/"), "/")
	if len(parts) > 2 {
		parts = parts[len(parts)-2:]
	}
	name := strings.Join(parts, "-")
	if name == "" {
		name = "root"
	}
	return "kubestride-" + name
}

// The Kubernetes binaries the integrity checks want watched, and where a
// package installs them.
var (
	KubernetesBinaries = []string{"kubelet", "kubeadm", "kubectl"}
	binaryDirs         = []string{"/usr/bin", "/usr/local/bin"}
)

// DefaultEtcdDataDir is where etcd keeps its data unless --data-dir says
// otherwise in kubeadm's layout.
const DefaultEtcdDataDir = "/var/lib/etcd"

// WatchPaths returns the paths on a node that auditd should watch for
// writes and attribute changes: the Kubernetes binaries (BinaryPaths),
// then /etc/kubernetes, /var/lib/kubelet and etcd's data directory
// (ConfigPaths). components are the node's components (static pods,
// processes, kubelet unit); n is what the node command read (nil for
// none).
func WatchPaths(components []*Component, n *Node) []string {
	return append(BinaryPaths(n), ConfigPaths(components, n)...)
}

// BinaryPaths returns where the Kubernetes binaries (kubelet, kubeadm,
// kubectl) are on the node: wherever n.Files records one (any directory,
// by name), else /usr/bin/NAME unless n.Files records both /usr/bin/NAME
// and /usr/local/bin/NAME as missing.
func BinaryPaths(n *Node) []string {
	var files map[string]FileInfo
	if n != nil {
		files = n.Files
	}
	var out []string
	for _, name := range KubernetesBinaries {
		var found []string
		for p, fi := range files {
			if !fi.Missing && !fi.Mode.IsDir() && path.Base(p) == name && strings.HasPrefix(p, "/") {
				found = append(found, p)
			}
		}
		if len(found) == 0 {
			missing := true
			for _, d := range binaryDirs {
				if fi, ok := files[d+"/"+name]; !ok || !fi.Missing {
					missing = false
				}
			}
			if !missing {
				found = append(found, binaryDirs[0]+"/"+name)
			}
		}
		slices.Sort(found)
		out = append(out, found...)
	}
	return out
}

// ConfigPaths returns the configuration and data directories of a node:
// /etc/kubernetes, /var/lib/kubelet, and etcd's data directory when the
// node runs etcd: its --data-dir (the last etcd component that sets it),
// else /var/lib/etcd, which is also watched when n.Files records it as
// present.
func ConfigPaths(components []*Component, n *Node) []string {
	out := []string{"/etc/kubernetes", "/var/lib/kubelet"}
	dataDir, etcd := "", false
	for _, c := range components {
		if c.Name != Etcd {
			continue
		}
		etcd = true
		if d := c.Value("data-dir", ""); d != "" {
			dataDir = d
		}
	}
	if n != nil {
		if fi, ok := n.Files[DefaultEtcdDataDir]; ok && !fi.Missing {
			etcd = true
		}
	}
	if etcd {
		if dataDir == "" {
			dataDir = DefaultEtcdDataDir
		}
		out = append(out, path.Clean(dataDir))
	}
	return out
}
