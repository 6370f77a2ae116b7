package e2e

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/kubestride/kubestride/internal/report"
	"github.com/kubestride/kubestride/internal/testcluster"
)

// procFinding is a finding expected on a process: the check, the flag its
// key names, and the argument of the harness's command line it follows
// from ("--flag=value" present, "--flag" present with any value, or
// "!--flag" not given, so the component's default applies).
type procFinding struct {
	id, key, because string
}

// cmdline returns the arguments of process pid.
func cmdline(t *testing.T, pid int) []string {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimRight(string(data), "\x00"), "\x00")
}

// holds reports whether args satisfy because (see procFinding).
func holds(args []string, because string) bool {
	if flag, ok := strings.CutPrefix(because, "!"); ok {
		return !slices.ContainsFunc(args, func(a string) bool { return a == flag || strings.HasPrefix(a, flag+"=") })
	}
	if strings.Contains(because, "=") {
		return slices.ContainsFunc(args, func(a string) bool { return strings.HasPrefix(a, because) })
	}
	return slices.ContainsFunc(args, func(a string) bool { return strings.HasPrefix(a, because+"=") })
}

// TestNodeAuditsTheHarnessProcesses runs `kubestride node --proc --root /`
// on this machine and requires the findings on the command lines of the
// test cluster's own kube-apiserver and etcd to be exactly those their
// flags (testcluster.Start) call for: each finding at /proc/PID/cmdline,
// its key the flag at fault. Other processes (other test clusters on this
// machine) are left out. The files the flags name (under the cluster's
// temporary directory) must be read under / without an error: the client
// CA, valid for a week, is reported as expiring. etcd-member-count judges
// the node's etcd members together: it is reported once, on one of the
// etcd processes of this machine, each test cluster's a single member
// named default.
func TestNodeAuditsTheHarnessProcesses(t *testing.T) {
	apiPID, etcdPID := testcluster.Shared.PIDs()
	dir := testcluster.Shared.Dir
	want := map[int][]procFinding{
		apiPID: {
			{"apiserver-admission-plugins", "--enable-admission-plugins", "!--enable-admission-plugins"}, // NodeRestriction is not a default plugin
			{"apiserver-anonymous-auth", "--anonymous-auth", "!--anonymous-auth"},                        // true by default
			{"apiserver-audit-log", "--audit-log-path", "!--audit-log-path"},
			{"apiserver-authorization-mode", "--authorization-mode", "--authorization-mode=RBAC"}, // without Node
			{"apiserver-encryption-config-missing", "--encryption-provider-config", "!--encryption-provider-config"},
			{"apiserver-etcd-tls", "--etcd-cafile", "!--etcd-cafile"},
			{"apiserver-etcd-tls", "--etcd-certfile", "!--etcd-certfile"},
			{"apiserver-etcd-tls", "--etcd-keyfile", "!--etcd-keyfile"},
			{"apiserver-etcd-tls", "--etcd-servers", "--etcd-servers=http://"},
			{"apiserver-kubelet-tls", "--kubelet-certificate-authority", "!--kubelet-certificate-authority"},
			{"apiserver-kubelet-tls", "--kubelet-client-certificate", "!--kubelet-client-certificate"},
			{"apiserver-kubelet-tls", "--kubelet-client-key", "!--kubelet-client-key"},
			{"apiserver-request-limits", "--enable-priority-and-fairness", "--enable-priority-and-fairness=false"},
			{"apiserver-token-auth-file", "--token-auth-file", "--token-auth-file"},
		},
		etcdPID: {
			{"etcd-client-tls", "--cert-file", "!--cert-file"},
			{"etcd-client-tls", "--client-cert-auth", "!--client-cert-auth"},
			{"etcd-client-tls", "--key-file", "!--key-file"},
			{"etcd-client-tls", "--listen-client-urls", "--listen-client-urls=http://"},
			{"etcd-client-tls", "--trusted-ca-file", "!--trusted-ca-file"},
			{"etcd-peer-tls", "--listen-peer-urls", "--listen-peer-urls=http://"},
			{"etcd-peer-tls", "--peer-cert-file", "!--peer-cert-file"},
			{"etcd-peer-tls", "--peer-client-cert-auth", "!--peer-client-cert-auth"},
			{"etcd-peer-tls", "--peer-key-file", "!--peer-key-file"},
			{"etcd-peer-tls", "--peer-trusted-ca-file", "!--peer-trusted-ca-file"},
		},
	}
	// What the harness sets right, and is therefore not reported.
	notWant := map[int][]string{
		apiPID: {
			"--profiling=false", "--bind-address=127.0.0.1", "--service-account-issuer", "--service-account-key-file",
			"--service-account-signing-key-file", "!--insecure-port", "!--service-account-lookup", "!--tls-min-version",
		},
		etcdPID: {"--initial-cluster=default=http://", "--listen-client-urls=http://127.0.0.1:", "--listen-peer-urls=http://127.0.0.1:", "--data-dir=" + dir},
	}
	for pid, fs := range want {
		args := cmdline(t, pid)
		for _, f := range fs {
			if !holds(args, f.because) {
				t.Fatalf("process %d (%s): the harness's flags no longer say %s, which %s %s rests on", pid, args[0], f.because, f.id, f.key)
			}
		}
		for _, b := range notWant[pid] {
			if !holds(args, b) {
				t.Fatalf("process %d (%s): the harness's flags no longer say %s", pid, args[0], b)
			}
		}
	}

	r, stderr, code := kubestride(t, "node", "--proc", "--root", "/", "-f", "json")
	if code != report.ExitFindings && code != report.ExitError {
		t.Fatalf("kubestride node exit code = %d, want findings; stderr:\n%s", code, stderr)
	}
	for pid, fs := range want {
		src := fmt.Sprintf("/proc/%d/cmdline", pid)
		name := "kube-apiserver"
		if pid == etcdPID {
			name = "etcd"
		}
		var got, exp []string
		for _, f := range r.Findings {
			if f.File == nil || f.File.Path != src || f.ID == "etcd-member-count" {
				continue
			}
			got = append(got, string(f.ID)+" "+f.File.Key)
			if prefix := fmt.Sprintf("%s (process %d) must ", name, pid); !strings.HasPrefix(f.Message, prefix) {
				t.Errorf("%s %s: message %q, want it to start %q", f.ID, f.File.Key, f.Message, prefix)
			}
			if f.File.Line != 0 {
				t.Errorf("%s %s: line %d, want none on a command line", f.ID, f.File.Key, f.File.Line)
			}
		}
		for _, f := range fs {
			exp = append(exp, f.id+" "+f.key)
		}
		slices.Sort(got)
		slices.Sort(exp)
		if !slices.Equal(got, exp) {
			t.Errorf("findings on %s (%s):\n  %s\nwant:\n  %s", src, name, strings.Join(got, "\n  "), strings.Join(exp, "\n  "))
		}
	}

	var members []string
	for _, f := range r.Findings {
		if f.ID == "etcd-member-count" && f.File != nil {
			members = append(members, f.File.Path+" "+f.File.Key+": "+f.Message)
		}
	}
	if len(members) != 1 || !strings.Contains(members[0], "/cmdline --initial-cluster: etcd (process ") ||
		!strings.Contains(members[0], "must run 3 or 5 etcd members, not 1 (--initial-cluster names default;") {
		t.Errorf("etcd-member-count findings:\n  %s\nwant one on an etcd process: a single member named default", strings.Join(members, "\n  "))
	}

	// The files the flags name were read under /: no error about them or
	// the processes, and the week-long client CA is reported as expiring.
	for _, e := range r.Errors {
		if e.File == fmt.Sprintf("/proc/%d/cmdline", apiPID) || e.File == fmt.Sprintf("/proc/%d/cmdline", etcdPID) || strings.HasPrefix(e.File, dir+"/") {
			t.Errorf("error %s:%d: %s", e.File, e.Line, e.Message)
		}
	}
	var expiring []string
	for _, f := range r.Findings {
		if f.File != nil && strings.HasPrefix(f.File.Path, dir+"/") && f.ID == "pki-certificate-expiry" {
			expiring = append(expiring, f.File.Path)
		}
	}
	if ca := dir + "/client-ca.crt"; !slices.Equal(expiring, []string{ca}) {
		t.Errorf("pki-certificate-expiry on the harness's files: %v, want %s (--client-ca-file, valid for 7 days)", expiring, ca)
	}
}
