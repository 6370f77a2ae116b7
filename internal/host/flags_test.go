package host

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestParseArgs: flags are read as pflag reads them.
func TestParseArgs(t *testing.T) {
	args := []string{
		"--secure-port=6443",
		"--etcd-servers", "https://127.0.0.1:2379",
		"--anonymous-auth", "false", // boolean: true, then a positional "false"
		"--audit-log-path", "-", // standard output
		"--v", "-1",
		"positional",
		"---odd",
		"--profiling=false",
		"--token-auth-file=",
		"--allow-privileged",
		"--",
		"--after=terminator",
	}
	got := ParseArgs(args, "spec.containers[0].command", 1)
	want := []Flag{
		{Name: "secure-port", Value: "6443", Field: "spec.containers[0].command[1]"},
		{Name: "etcd-servers", Value: "https://127.0.0.1:2379", Field: "spec.containers[0].command[2]"},
		{Name: "anonymous-auth", Value: "true", Field: "spec.containers[0].command[4]"},
		{Name: "audit-log-path", Value: "-", Field: "spec.containers[0].command[6]"},
		{Name: "v", Value: "-1", Field: "spec.containers[0].command[8]"},
		{Name: "profiling", Value: "false", Field: "spec.containers[0].command[12]"},
		{Name: "token-auth-file", Value: "", Field: "spec.containers[0].command[13]"},
		{Name: "allow-privileged", Value: "true", Field: "spec.containers[0].command[14]"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseArgs (-want +got):\n%s", diff)
	}
	c := &Component{Flags: append(got, Flag{Name: "profiling", Value: "true"})}
	if f, _ := c.Flag("profiling"); f.Value != "true" {
		t.Errorf("the last occurrence wins: profiling=%q", f.Value)
	}
	if v := c.Value("nope", "def"); v != "def" {
		t.Errorf("Value of an unset flag = %q, want the default", v)
	}
}

func TestSplitWords(t *testing.T) {
	got := SplitWords(`--a="x y" --b='q "r"' c\ d  "" --e`)
	want := []string{"--a=x y", `--b=q "r"`, "c d", "", "--e"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("SplitWords (-want +got):\n%s", diff)
	}
	flags := ParseUnitArgs(`--config=/var/lib/kubelet/config.yaml --node-ip "10.0.0.1"`, "10-kubeadm.conf", 4)
	wantFlags := []Flag{
		{Name: "config", Value: "/var/lib/kubelet/config.yaml", File: "10-kubeadm.conf", Line: 4},
		{Name: "node-ip", Value: "10.0.0.1", File: "10-kubeadm.conf", Line: 4},
	}
	if diff := cmp.Diff(wantFlags, flags); diff != "" {
		t.Errorf("ParseUnitArgs (-want +got):\n%s", diff)
	}
}
