package host_test

import (
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kubestride/kubestride/internal/host"
)

func TestParseAuditRules(t *testing.T) {
	const file = "/etc/audit/rules.d/k8s.rules"
	rules := `## Kubernetes watches
-D
-b 8192

-w /usr/bin/kubelet -p wa -k kubelet-bin
-w /etc/kubernetes/ -p rwxa
-w /var/lib/kubelet
-w /tmp/gone -p w
-W /tmp/gone
-a always,exit -F arch=b64 -S all -F path=/usr/bin/kubeadm -F perm=aw -k kubeadm
-a exit,always -F dir=/var/lib/etcd -F perm=wa -F key=etcd
-a always,exit -F arch=b64 -S openat -F path=/usr/bin/kubectl
-a always,exit -F path=/usr/local/bin/kubectl
-a never,exit -F path=/etc/kubernetes/admin.conf
-a always,exit -F arch=b64 -S execve -k exec
-w /etc/kubernetes/pki -p q
-w relative/path -p wa
-a always,exit -F dir!=/var/lib -F perm=wa
-w /etc/kubernetes -p
-e 2
`
	got, errs := host.ParseAuditRules(file, []byte(rules))
	want := []host.AuditRule{
		{Path: "/usr/bin/kubelet", Perms: "wa", Key: "kubelet-bin", File: file, Line: 5},
		{Path: "/etc/kubernetes/", Perms: "rwxa", File: file, Line: 6},
		{Path: "/var/lib/kubelet", Perms: "rwxa", File: file, Line: 7},
		{Path: "/usr/bin/kubeadm", Perms: "wa", Key: "kubeadm", Exact: true, File: file, Line: 10},
		{Path: "/var/lib/etcd", Perms: "wa", Key: "etcd", File: file, Line: 11},
		{Path: "/usr/bin/kubectl", Exact: true, File: file, Line: 12},
		{Path: "/usr/local/bin/kubectl", Perms: "rwxa", Exact: true, File: file, Line: 13},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rules mismatch (-want +got):\n%s", diff)
	}
	var msgs []string
	for _, err := range errs {
		msgs = append(msgs, err.Error())
	}
	wantErrs := []string{
		file + `:16: -p: permission 'q' in "q" is not one of r, w, x, a`,
		file + `:17: watch path "relative/path" must be absolute`,
		file + `:18: -F dir: a watch needs dir=PATH, not "dir!=/var/lib"`,
		file + `:19: option -p needs a value`,
	}
	if diff := cmp.Diff(wantErrs, msgs); diff != "" {
		t.Errorf("errors mismatch (-want +got):\n%s", diff)
	}
}

func TestAuditRuleCovers(t *testing.T) {
	for _, tc := range []struct {
		rule   host.AuditRule
		target string
		want   bool
	}{
		{host.AuditRule{Path: "/etc/kubernetes", Perms: "wa"}, "/etc/kubernetes", true},
		{host.AuditRule{Path: "/etc/kubernetes/", Perms: "rwxa"}, "/etc/kubernetes/manifests/etcd.yaml", true},
		{host.AuditRule{Path: "/etc", Perms: "wa"}, "/etc/kubernetes", true},
		{host.AuditRule{Path: "/etc/kube", Perms: "wa"}, "/etc/kubernetes", false},
		{host.AuditRule{Path: "/etc/kubernetes", Perms: "w"}, "/etc/kubernetes", false},
		{host.AuditRule{Path: "/etc/kubernetes", Perms: "rxa"}, "/etc/kubernetes", false},
		{host.AuditRule{Path: "/etc/kubernetes", Perms: "wa", Exact: true}, "/etc/kubernetes/admin.conf", false},
		{host.AuditRule{Path: "/usr/bin/kubelet", Perms: "wa", Exact: true}, "/usr/bin/kubelet", true},
		{host.AuditRule{Path: "/etc/kubernetes/admin.conf", Perms: "wa"}, "/etc/kubernetes", false},
	} {
		t.Run(fmt.Sprintf("%s %s %s", tc.rule.Path, tc.rule.Perms, tc.target), func(t *testing.T) {
			if got := tc.rule.Covers(tc.target); got != tc.want {
				t.Errorf("Covers = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestAuditdRules(t *testing.T) {
	got := host.AuditdRules([]string{"/usr/bin/kubelet", "/etc/kubernetes/", "/usr/bin/kubelet", "/var/lib/etcd data", "relative"})
	want := `# auditd watches on the Kubernetes binaries, configuration and data, written by kubestride.
# Install as /etc/audit/rules.d/kubestride.rules and load with: augenrules --load
-w /usr/bin/kubelet -p wa -k kubestride-bin-kubelet
-w /etc/kubernetes -p wa -k kubestride-etc-kubernetes
# cannot watch "/var/lib/etcd data": auditd needs an absolute path without white space
# cannot watch "relative": auditd needs an absolute path without white space
`
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rules mismatch (-want +got):\n%s", diff)
	}
}

func TestWatchPaths(t *testing.T) {
	etcd := &host.Component{Name: host.Etcd, Flags: host.ParseArgs([]string{"--data-dir=/data/etcd/", "--name=cp1"}, "", 0)}
	etcdDefault := &host.Component{Name: host.Etcd}
	apiserver := &host.Component{Name: host.APIServer}
	for _, tc := range []struct {
		name       string
		components []*host.Component
		node       *host.Node
		want       []string
	}{{
		name: "a worker, nothing recorded",
		want: []string{"/usr/bin/kubelet", "/usr/bin/kubeadm", "/usr/bin/kubectl", "/etc/kubernetes", "/var/lib/kubelet"},
	}, {
		name:       "etcd with its data dir",
		components: []*host.Component{apiserver, etcd},
		want:       []string{"/usr/bin/kubelet", "/usr/bin/kubeadm", "/usr/bin/kubectl", "/etc/kubernetes", "/var/lib/kubelet", "/data/etcd"},
	}, {
		name:       "etcd at its default",
		components: []*host.Component{etcdDefault},
		want:       []string{"/usr/bin/kubelet", "/usr/bin/kubeadm", "/usr/bin/kubectl", "/etc/kubernetes", "/var/lib/kubelet", "/var/lib/etcd"},
	}, {
		name: "binaries where found, kubectl absent, an etcd data dir",
		node: &host.Node{Files: map[string]host.FileInfo{
			"/usr/local/bin/kubelet": {Mode: 0o755},
			"/opt/bin/kubeadm":       {Mode: 0o755},
			"/usr/bin/kubectl":       {Missing: true},
			"/usr/local/bin/kubectl": {Missing: true},
			"/var/lib/etcd":          {Mode: fs.ModeDir | 0o700},
			"/var/lib/kubelet":       {Mode: fs.ModeDir | 0o700},
		}},
		want: []string{"/usr/local/bin/kubelet", "/opt/bin/kubeadm", "/etc/kubernetes", "/var/lib/kubelet", "/var/lib/etcd"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			got := host.WatchPaths(tc.components, tc.node)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("paths mismatch (-want +got):\n%s", diff)
			}
			// The rules printed for them watch every one.
			rules, errs := host.ParseAuditRules("kubestride.rules", []byte(host.AuditdRules(got)))
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			for _, p := range got {
				covered := false
				for _, r := range rules {
					covered = covered || r.Covers(p)
				}
				if !covered {
					t.Errorf("the rules printed do not cover %s", p)
				}
			}
		})
	}
}

func FuzzParseAuditRules(f *testing.F) {
	f.Add([]byte("-w /etc/kubernetes -p wa -k k8s\n"))
	f.Add([]byte("-a always,exit -F arch=b64 -S all -F path=/usr/bin/kubelet -F perm=wa -k kubelet\n# c\n\n-W /x\n"))
	f.Add([]byte("-a exit,always -F dir=/var/lib/etcd -F perm=rwxa\n-e 2\n-D\n"))
	f.Add([]byte("-w\n-p\n-F\n-a always,exit -F path=\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := strings.Count(string(data), "\n") + 1
		rules, errs := host.ParseAuditRules("f.rules", data)
		for _, r := range rules {
			if r.File != "f.rules" || r.Line < 1 || r.Line > lines || !strings.HasPrefix(r.Path, "/") {
				t.Fatalf("rule %+v", r)
			}
			for _, c := range r.Perms {
				if !strings.ContainsRune("rwxa", c) {
					t.Fatalf("rule %+v: permission %q", r, c)
				}
			}
		}
		for _, err := range errs {
			if !strings.HasPrefix(err.Error(), "f.rules:") {
				t.Fatalf("error does not name the file: %v", err)
			}
		}
	})
}
