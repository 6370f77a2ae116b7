package host

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/kubestride/kubestride/internal/fieldpath"
	"github.com/kubestride/kubestride/internal/object"
)

// kubeadmDefaults are the flags kubeadm v1.37 writes into each static pod
// manifest, before a ClusterConfiguration's extraArgs, without those that
// name the node (its address, its name, the members of etcd's cluster),
// which a ClusterConfiguration does not say.
var kubeadmDefaults = map[string][]string{
	APIServer: {
		"--allow-privileged=true",
		"--authorization-mode=Node,RBAC",
		"--client-ca-file=/etc/kubernetes/pki/ca.crt",
		"--enable-admission-plugins=NodeRestriction",
		"--enable-bootstrap-token-auth=true",
		"--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt",
		"--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt",
		"--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key",
		"--etcd-servers=https://127.0.0.1:2379",
		"--kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt",
		"--kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key",
		"--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
		"--proxy-client-cert-file=/etc/kubernetes/pki/front-proxy-client.crt",
		"--proxy-client-key-file=/etc/kubernetes/pki/front-proxy-client.key",
		"--requestheader-allowed-names=front-proxy-client",
		"--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt",
		"--requestheader-extra-headers-prefix=X-Remote-Extra-",
		"--requestheader-group-headers=X-Remote-Group",
		"--requestheader-username-headers=X-Remote-User",
		"--secure-port=6443",
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=/etc/kubernetes/pki/sa.pub",
		"--service-account-signing-key-file=/etc/kubernetes/pki/sa.key",
		"--tls-cert-file=/etc/kubernetes/pki/apiserver.crt",
		"--tls-private-key-file=/etc/kubernetes/pki/apiserver.key",
	},
	ControllerManager: {
		"--authentication-kubeconfig=/etc/kubernetes/controller-manager.conf",
		"--authorization-kubeconfig=/etc/kubernetes/controller-manager.conf",
		"--bind-address=127.0.0.1",
		"--client-ca-file=/etc/kubernetes/pki/ca.crt",
		"--cluster-name=kubernetes",
		"--cluster-signing-cert-file=/etc/kubernetes/pki/ca.crt",
		"--cluster-signing-key-file=/etc/kubernetes/pki/ca.key",
		"--controllers=*,bootstrapsigner,tokencleaner",
		"--kubeconfig=/etc/kubernetes/controller-manager.conf",
		"--leader-elect=true",
		"--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt",
		"--root-ca-file=/etc/kubernetes/pki/ca.crt",
		"--service-account-private-key-file=/etc/kubernetes/pki/sa.key",
		"--use-service-account-credentials=true",
	},
	Scheduler: {
		"--authentication-kubeconfig=/etc/kubernetes/scheduler.conf",
		"--authorization-kubeconfig=/etc/kubernetes/scheduler.conf",
		"--bind-address=127.0.0.1",
		"--kubeconfig=/etc/kubernetes/scheduler.conf",
		"--leader-elect=true",
	},
	Etcd: {
		"--cert-file=/etc/kubernetes/pki/etcd/server.crt",
		"--client-cert-auth=true",
		"--data-dir=/var/lib/etcd",
		"--key-file=/etc/kubernetes/pki/etcd/server.key",
		"--listen-client-urls=https://127.0.0.1:2379",
		"--listen-metrics-urls=http://127.0.0.1:2381",
		"--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt",
		"--peer-client-cert-auth=true",
		"--peer-key-file=/etc/kubernetes/pki/etcd/peer.key",
		"--peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt",
		"--snapshot-count=10000",
		"--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt",
	},
}

// kubeadmSections are where a ClusterConfiguration holds each component's
// extra arguments.
var kubeadmSections = []struct{ component, section string }{
	{APIServer, "apiServer"}, {ControllerManager, "controllerManager"}, {Scheduler, "scheduler"}, {Etcd, "etcd.local"},
}

// kubeadmConfig is what KubeadmComponents reads of a ClusterConfiguration.
type kubeadmConfig struct {
	APIServer         kubeadmComponent `json:"apiServer"`
	ControllerManager kubeadmComponent `json:"controllerManager"`
	Scheduler         kubeadmComponent `json:"scheduler"`
	Etcd              struct {
		Local *struct {
			kubeadmComponent
			DataDir string `json:"dataDir"`
		} `json:"local"`
		External *struct {
			Endpoints []string `json:"endpoints"`
			CAFile    string   `json:"caFile"`
			CertFile  string   `json:"certFile"`
			KeyFile   string   `json:"keyFile"`
		} `json:"external"`
	} `json:"etcd"`
}

type kubeadmComponent struct {
	// ExtraArgs is a map (v1beta3) or a list of {name, value} (v1beta4).
	ExtraArgs json.RawMessage `json:"extraArgs"`
}

// KubeadmComponents returns the control-plane components a kubeadm
// ClusterConfiguration (kubeadm.k8s.io/v1beta3 or v1beta4) makes: each with
// the flags kubeadm writes by default, then the section's extraArgs, which
// override them (a flag kubeadm does not write is set by extraArgs alone).
// A default flag points at the component's section, an extra argument at
// its entry; a missing flag at the section's extraArgs. With an external
// etcd, no etcd runs from the configuration and the API server's etcd
// flags are the external endpoints and files.
func KubeadmComponents(obj *object.Object) ([]*Component, error) {
	var cfg kubeadmConfig
	if err := decode(obj, &cfg); err != nil {
		return nil, err
	}
	sections := map[string]json.RawMessage{
		APIServer: cfg.APIServer.ExtraArgs, ControllerManager: cfg.ControllerManager.ExtraArgs, Scheduler: cfg.Scheduler.ExtraArgs,
	}
	if cfg.Etcd.Local != nil {
		sections[Etcd] = cfg.Etcd.Local.ExtraArgs
	}
	var out []*Component
	for _, s := range kubeadmSections {
		if s.component == Etcd && cfg.Etcd.External != nil {
			continue
		}
		argsField := s.section + ".extraArgs"
		c := &Component{Name: s.component, Object: obj, Container: -1, ArgsField: argsField}
		defaults := slices.Clone(kubeadmDefaults[s.component])
		switch {
		case s.component == Etcd && cfg.Etcd.Local != nil && cfg.Etcd.Local.DataDir != "":
			defaults = append(defaults, "--data-dir="+cfg.Etcd.Local.DataDir)
		case s.component == APIServer && cfg.Etcd.External != nil:
			ext := cfg.Etcd.External
			defaults = slices.DeleteFunc(defaults, func(f string) bool { return strings.HasPrefix(f, "--etcd-") })
			defaults = append(defaults, "--etcd-servers="+strings.Join(ext.Endpoints, ","))
			for flag, v := range map[string]string{"etcd-cafile": ext.CAFile, "etcd-certfile": ext.CertFile, "etcd-keyfile": ext.KeyFile} {
				if v != "" {
					defaults = append(defaults, "--"+flag+"="+v)
				}
			}
			slices.Sort(defaults)
		}
		section := s.section
		c.Flags = ParseArgsAt(defaults, func(int) Flag { return Flag{Field: section} })
		extra, err := extraArgs(sections[s.component], argsField)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", argsField, err)
		}
		c.Flags = append(c.Flags, extra...)
		out = append(out, c)
	}
	return out, nil
}

// extraArgs reads a section's extraArgs: a map of flag name to value
// (v1beta3), sorted by name as kubeadm sorts them, or a list of {name,
// value} (v1beta4), in order.
func extraArgs(raw json.RawMessage, field string) ([]Flag, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var list []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	}
	if err := json.Unmarshal(raw, &list); err == nil {
		out := make([]Flag, 0, len(list))
		for i, a := range list {
			out = append(out, Flag{Name: strings.TrimLeft(a.Name, "-"), Value: a.Value, Field: fieldpath.Index(field, i)})
		}
		return out, nil
	}
	var m map[string]string
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("neither a list of {name, value} nor a map of names to values")
	}
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	slices.Sort(names)
	out := make([]Flag, 0, len(names))
	for _, n := range names {
		out = append(out, Flag{Name: strings.TrimLeft(n, "-"), Value: m[n], Field: fieldpath.Join(field, n)})
	}
	return out, nil
}
