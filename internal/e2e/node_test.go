package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/yaml"

	"github.com/kubestride/kubestride/internal/host"
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

// kubeadmAPIServerPod returns the kube-apiserver static pod of the kubeadm
// fixture as a kubelet shows it in kube-system, named after its node, with
// the host paths and probes kubeadm writes beside the fixture's: a mirror
// pod (the kubelet's annotations and its Node as owner) when mirror is
// set, otherwise the same pod created as any other.
func kubeadmAPIServerPod(t *testing.T, name, nodeName string, node *corev1.Node, mirror bool) *corev1.Pod {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "nodefs", "testdata", "kubeadm", "etc", "kubernetes", "manifests", "kube-apiserver.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var pod corev1.Pod
	if err := yaml.UnmarshalStrict(data, &pod); err != nil {
		t.Fatal(err)
	}
	pod.Name, pod.Spec.NodeName = name, nodeName
	c := &pod.Spec.Containers[0]
	for _, p := range []struct{ name, path string }{
		{"ca-certs", "/etc/ssl/certs"}, {"etc-ca-certificates", "/etc/ca-certificates"},
		{"usr-local-share-ca-certificates", "/usr/local/share/ca-certificates"}, {"usr-share-ca-certificates", "/usr/share/ca-certificates"},
		{"audit-policy", "/etc/kubernetes/audit"}, {"encryption", "/etc/kubernetes/enc"}, {"audit-log", "/var/log/kubernetes/audit"},
	} {
		pod.Spec.Volumes = append(pod.Spec.Volumes, corev1.Volume{Name: p.name, VolumeSource: corev1.VolumeSource{
			HostPath: &corev1.HostPathVolumeSource{Path: p.path, Type: ptr(corev1.HostPathDirectoryOrCreate)}}})
		c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: p.name, MountPath: p.path, ReadOnly: p.name != "audit-log"})
	}
	probe := func(path string, failures int32) *corev1.Probe {
		return &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{
			Host: "192.168.56.10", Path: path, Port: intstr.FromInt32(6443), Scheme: corev1.URISchemeHTTPS}},
			InitialDelaySeconds: 10, TimeoutSeconds: 15, PeriodSeconds: 10, FailureThreshold: failures}
	}
	c.LivenessProbe, c.ReadinessProbe, c.StartupProbe = probe("/livez", 8), probe("/readyz", 3), probe("/livez", 24)
	c.Resources.Requests = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("250m")}
	pod.Spec.SecurityContext = &corev1.PodSecurityContext{SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}}
	if mirror {
		const hash = "5f1c3a9e0b7d4c2a8e6f1b3d5c7a9e0f"
		pod.Annotations[host.MirrorAnnotation] = hash
		pod.Annotations["kubernetes.io/config.hash"] = hash
		pod.Annotations["kubernetes.io/config.seen"] = "2026-01-12T09:30:00.000000000Z"
		pod.Annotations["kubernetes.io/config.source"] = "file"
		pod.OwnerReferences = []metav1.OwnerReference{{APIVersion: "v1", Kind: "Node", Name: node.Name, UID: node.UID, Controller: ptr(true)}}
	}
	return &pod
}

// findingsOn returns "id field" of the findings on pod kube-system/name.
func findingsOn(r *report.Report, name string) []string {
	var out []string
	for _, f := range r.Findings {
		if f.Resource.Kind == "Pod" && f.Resource.Namespace == "kube-system" && f.Resource.Name == name && !perScan[f.ID] {
			out = append(out, string(f.ID)+" "+f.Field)
		}
	}
	slices.Sort(out)
	return out
}

// TestScanJudgesMirrorPodsByTheirFlags creates, through the API, a
// kubeadm kube-apiserver mirror pod (the cluster's copy of a static pod a
// kubelet runs) and the same pod without the mirror annotation. scan
// --cluster judges the mirror pod's flags with the node checks and leaves
// out, with a notice, the host network and kubeadm host paths it needs by
// design; the other pod, which anyone could have created, is judged in full:
// its findings are the mirror pod's and those left out.
func TestScanJudgesMirrorPodsByTheirFlags(t *testing.T) {
	ctx := context.Background()
	cs := admin(t)
	const nodeName, mirrorName, plainName = "e2e-kubeadm-cp", "kube-apiserver-e2e-kubeadm-cp", "kube-apiserver-e2e-imitation"
	node := must(cs.CoreV1().Nodes().Create(ctx, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: nodeName,
		Labels: map[string]string{"node-role.kubernetes.io/control-plane": ""}}}, metav1.CreateOptions{}))
	t.Cleanup(func() { _ = cs.CoreV1().Nodes().Delete(ctx, nodeName, metav1.DeleteOptions{}) })
	// A pod that is no mirror pod gets the namespace's default
	// ServiceAccount, which no controller manager made here.
	if _, err := cs.CoreV1().ServiceAccounts("kube-system").Get(ctx, "default", metav1.GetOptions{}); apierrors.IsNotFound(err) {
		must(cs.CoreV1().ServiceAccounts("kube-system").Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default"}}, metav1.CreateOptions{}))
		t.Cleanup(func() { _ = cs.CoreV1().ServiceAccounts("kube-system").Delete(ctx, "default", metav1.DeleteOptions{}) })
	}
	for _, p := range []*corev1.Pod{
		kubeadmAPIServerPod(t, mirrorName, nodeName, node, true),
		kubeadmAPIServerPod(t, plainName, nodeName, node, false),
	} {
		created, err := cs.CoreV1().Pods("kube-system").Create(ctx, p, metav1.CreateOptions{})
		if err != nil {
			t.Fatalf("create pod %s: %v", p.Name, err)
		}
		t.Cleanup(func() {
			_ = cs.CoreV1().Pods("kube-system").Delete(ctx, created.Name, metav1.DeleteOptions{GracePeriodSeconds: ptr(int64(0))})
		})
		created.Status.Phase = corev1.PodRunning
		must(cs.CoreV1().Pods("kube-system").UpdateStatus(ctx, created, metav1.UpdateOptions{}))
	}

	r, stderr, code := kubestride(t, "scan", "--cluster", "--kubeconfig", testcluster.Shared.Kubeconfig, "-n", "kube-system", "-f", "json")
	if code != report.ExitFindings {
		t.Fatalf("exit code = %d, want %d; stderr:\n%s", code, report.ExitFindings, stderr)
	}
	mirror, plain := findingsOn(r, mirrorName), findingsOn(r, plainName)
	// The node checks judge both pods' flags: the fixture does not set
	// --anonymous-auth=false.
	const anonymous = "apiserver-anonymous-auth spec.containers[0].command"
	if !slices.Contains(mirror, anonymous) || !slices.Contains(plain, anonymous) {
		t.Errorf("%s missing:\nmirror pod:\n  %s\nother pod:\n  %s", anonymous, strings.Join(mirror, "\n  "), strings.Join(plain, "\n  "))
	}
	for _, f := range r.Findings {
		if f.ID == "apiserver-anonymous-auth" && f.Resource.Name == mirrorName && !strings.Contains(f.Message, "kube-system/"+mirrorName) {
			t.Errorf("apiserver-anonymous-auth message %q does not name the pod", f.Message)
		}
	}
	// What is left out of the mirror pod's findings is its host access,
	// which the other pod is reported for: the host network, kubeadm's host
	// paths, the probes of the host's address, and what the host network
	// makes moot (user namespaces, service accounts).
	var leftOut []string
	for _, f := range plain {
		if !slices.Contains(mirror, f) {
			leftOut = append(leftOut, f)
		}
	}
	for _, f := range mirror {
		if !slices.Contains(plain, f) {
			t.Errorf("finding %s on the mirror pod only", f)
		}
	}
	wantLeftOut := []string{
		"default-service-account spec.serviceAccountName",
		"host-path-writable spec.containers[0].volumeMounts[0]", // /etc/kubernetes/pki
		"host-path-writable spec.containers[0].volumeMounts[5]", // /etc/kubernetes/audit
		"host-path-writable spec.containers[0].volumeMounts[6]", // /etc/kubernetes/enc
		"host-path-writable spec.containers[0].volumeMounts[7]", // /var/log/kubernetes/audit, writable
		"host-users-not-disabled spec",
		"pss-host-namespaces spec.hostNetwork",
		"pss-host-path-volumes spec.volumes[0].hostPath",
		"pss-host-probes-lifecycle spec.containers[0].livenessProbe.httpGet.host",
		"service-account-token-automount spec",
	}
	if !slices.Equal(leftOut, wantLeftOut) {
		t.Errorf("findings on the other pod only:\n  %s\nwant:\n  %s", strings.Join(leftOut, "\n  "), strings.Join(wantLeftOut, "\n  "))
	}
	var notices []string
	for _, n := range r.Notices {
		if strings.Contains(n.Message, "e2e-kubeadm-cp") || strings.Contains(n.Message, plainName) {
			notices = append(notices, n.Message)
		}
	}
	wantNotice := fmt.Sprintf("%d findings on the control-plane static pod kube-system/%s left out: host access it needs by design (host network, kubeadm's host paths); the node checks judge its flags", len(wantLeftOut), mirrorName)
	if !slices.Equal(notices, []string{wantNotice}) {
		t.Errorf("notices = %q, want %q", notices, wantNotice)
	}
}

// nodeDeployFindings are the findings of deploy/kubestride-node.yaml: the
// host access and the root user the node audit needs, each suppressed by
// an annotation that says why (deploy/README.md explains them).
var nodeDeployFindings = []string{
	"host-path-writable DaemonSet spec.template.spec.initContainers[0].volumeMounts[0]",  // /etc/kubernetes
	"host-path-writable DaemonSet spec.template.spec.initContainers[0].volumeMounts[12]", // /proc
	"host-path-writable DaemonSet spec.template.spec.initContainers[0].volumeMounts[1]",  // /var/lib/kubelet/config.yaml
	"host-path-writable DaemonSet spec.template.spec.initContainers[0].volumeMounts[2]",  // /var/lib/kubelet/kubeadm-flags.env
	"host-path-writable DaemonSet spec.template.spec.initContainers[0].volumeMounts[3]",  // /var/lib/kubelet/pki
	"host-users-not-disabled DaemonSet spec.template.spec",
	`namespace-psa-privileged Namespace metadata.labels["pod-security.kubernetes.io/enforce"]`,
	"pss-host-path-volumes DaemonSet spec.template.spec.volumes[0].hostPath",
	"pss-run-as-non-root DaemonSet spec.template.spec.initContainers[0].securityContext.runAsNonRoot",
	"pss-run-as-user DaemonSet spec.template.spec.initContainers[0].securityContext.runAsUser",
}

// nodeDeployFindingsOf returns "id kind field" of the findings in
// namespace kubestride-node (and on it), and stops the test at one that is
// not suppressed with a reason.
func nodeDeployFindingsOf(t *testing.T, r *report.Report) []string {
	t.Helper()
	var out []string
	for _, f := range r.Findings {
		if f.Resource.Namespace != "kubestride-node" && (f.Resource.Kind != "Namespace" || f.Resource.Name != "kubestride-node") || perScan[f.ID] {
			continue
		}
		out = append(out, fmt.Sprintf("%s %s %s", f.ID, f.Resource.Kind, f.Field))
		if f.Suppressed == nil || f.Suppressed.Reason == "" {
			t.Errorf("%s on %s %s (%s) is not suppressed with a reason: %s", f.ID, f.Resource.Kind, f.Resource.Name, f.Field, f.Message)
		}
	}
	slices.Sort(out)
	return out
}

// TestNodeDaemonSetManifest applies deploy/kubestride-node.yaml to the API
// server with server-side apply (so it is known valid) and scans it, as a
// file and from the cluster: its only findings are the host access and the
// root user of the node audit, suppressed with their reasons.
func TestNodeDaemonSetManifest(t *testing.T) {
	ctx := context.Background()
	file := filepath.Join("..", "..", "deploy", "kubestride-node.yaml")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := applyServerSide(ctx, testcluster.Shared.Config("admin"), data); err != nil {
		t.Fatalf("apply %s: %v", file, err)
	}
	ds := must(admin(t).AppsV1().DaemonSets("kubestride-node").Get(ctx, "kubestride-node", metav1.GetOptions{}))
	spec := ds.Spec.Template.Spec
	if len(spec.InitContainers) != 1 || !slices.Equal(spec.InitContainers[0].Args, []string{"node", "--root", "/host", "--proc", "--fail-on", "none", "--format", "json"}) {
		t.Errorf("init container args = %v, want the node audit", spec.InitContainers)
	}
	for _, v := range spec.Volumes {
		if v.HostPath == nil {
			t.Errorf("volume %s is not a host path", v.Name)
		}
	}
	for _, m := range spec.InitContainers[0].VolumeMounts {
		if !m.ReadOnly || !strings.HasPrefix(m.MountPath, "/host/") {
			t.Errorf("mount %s at %s: want read-only under /host", m.Name, m.MountPath)
		}
	}

	r, stderr, code := kubestride(t, "scan", "-f", "json", "--fail-on", "info", file)
	if code != report.ExitOK {
		t.Errorf("scan of %s: exit code %d, want 0 (every finding suppressed); stderr:\n%s", file, code, stderr)
	}
	if got := nodeDeployFindingsOf(t, r); !slices.Equal(got, nodeDeployFindings) {
		t.Errorf("findings of %s:\n  %s\nwant:\n  %s", file, strings.Join(got, "\n  "), strings.Join(nodeDeployFindings, "\n  "))
	}

	r, stderr, _ = kubestride(t, "scan", "--cluster", "--kubeconfig", testcluster.Shared.Kubeconfig, "-n", "kubestride-node", "-f", "json")
	if len(r.Errors) != 0 || r.Coverage == nil || len(r.Coverage.Gaps) != 0 {
		t.Fatalf("cluster scan: errors %v, coverage %+v; stderr:\n%s", r.Errors, r.Coverage, stderr)
	}
	if got := nodeDeployFindingsOf(t, r); !slices.Equal(got, nodeDeployFindings) {
		t.Errorf("findings of the applied manifest:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(nodeDeployFindings, "\n  "))
	}
}
