package host

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kubestride/kubestride/internal/object"
	"github.com/kubestride/kubestride/internal/source"
)

func kubeadmObject(t *testing.T, text string) *object.Object {
	t.Helper()
	var objs []*object.Object
	if errs := source.Decode("kubeadm.yaml", []byte(text), func(o *object.Object) { objs = append(objs, o) }); len(errs) > 0 || len(objs) != 1 {
		t.Fatalf("decode: %v (%d objects)", errs, len(objs))
	}
	if KindOf(objs[0]) != KubeadmConfigKind {
		t.Fatalf("KindOf = %v, want a kubeadm configuration", KindOf(objs[0]))
	}
	return objs[0]
}

// TestKubeadmComponents: a ClusterConfiguration's components have kubeadm's
// default flags, then its extraArgs (a list in v1beta4, a map in v1beta3),
// which win; an external etcd replaces the local one.
func TestKubeadmComponents(t *testing.T) {
	v1beta4 := kubeadmObject(t, `apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
apiServer:
  extraArgs:
  - name: authorization-mode
    value: RBAC
  - name: profiling
    value: "false"
etcd:
  local:
    dataDir: /data/etcd
`)
	cs, err := KubeadmComponents(v1beta4)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range cs {
		names = append(names, c.Name)
	}
	if diff := cmp.Diff([]string{APIServer, ControllerManager, Scheduler, Etcd}, names); diff != "" {
		t.Errorf("components (-want +got):\n%s", diff)
	}
	api := cs[0]
	if f, _ := api.Flag("authorization-mode"); f.Value != "RBAC" || f.Field != "apiServer.extraArgs[0]" || v1beta4.Line(f.Field) != 5 {
		t.Errorf("--authorization-mode = %+v (line %d), want RBAC from apiServer.extraArgs[0] on line 5", f, v1beta4.Line(f.Field))
	}
	if f, _ := api.Flag("client-ca-file"); f.Value != "/etc/kubernetes/pki/ca.crt" || f.Field != "apiServer" {
		t.Errorf("--client-ca-file = %+v, want kubeadm's default at apiServer", f)
	}
	if api.ArgsField != "apiServer.extraArgs" || api.String() != "kube-apiserver (kubeadm ClusterConfiguration in kubeadm.yaml)" {
		t.Errorf("ArgsField %q, String %q", api.ArgsField, api.String())
	}
	if v := cs[3].Value("data-dir", ""); v != "/data/etcd" {
		t.Errorf("etcd --data-dir = %q, want the configuration's dataDir", v)
	}

	v1beta3 := kubeadmObject(t, `apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
controllerManager:
  extraArgs:
    profiling: "false"
    bind-address: 0.0.0.0
etcd:
  external:
    endpoints: [https://10.0.0.5:2379, https://10.0.0.6:2379]
    caFile: /etc/etcd/ca.crt
`)
	cs, err = KubeadmComponents(v1beta3)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 3 {
		t.Fatalf("%d components, want 3: an external etcd is not one", len(cs))
	}
	if f, _ := cs[1].Flag("bind-address"); f.Value != "0.0.0.0" || f.Field != "controllerManager.extraArgs.bind-address" {
		t.Errorf("--bind-address = %+v", f)
	}
	if v := cs[0].Value("etcd-servers", ""); v != "https://10.0.0.5:2379,https://10.0.0.6:2379" {
		t.Errorf("--etcd-servers = %q, want the external endpoints", v)
	}
	if v := cs[0].Value("etcd-certfile", "unset"); v != "unset" {
		t.Errorf("--etcd-certfile = %q, want unset: the external etcd names no client certificate", v)
	}

	bad := kubeadmObject(t, "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\napiServer:\n  extraArgs: 3\n")
	if _, err := KubeadmComponents(bad); err == nil {
		t.Error("extraArgs that are neither a list nor a map: no error")
	}
}
