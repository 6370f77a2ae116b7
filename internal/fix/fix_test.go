package fix

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kubestride/kubestride/internal/check"
	_ "github.com/kubestride/kubestride/internal/checks"
)

// lines joins its arguments with newlines, and a final one.
func lines(l ...string) string { return strings.Join(l, "\n") + "\n" }

var podHead = []string{"apiVersion: v1", "kind: Pod", "metadata:", "  name: p", "  namespace: ns", "spec:"}

func pod(spec ...string) string { return lines(append(append([]string{}, podHead...), spec...)...) }

type fixCase struct {
	name   string
	checks []check.ID
	tmp    bool
	in     string
	// want is the fixed text; empty means the file is left as it is.
	want string
	// left, when set, is a part of the message of one of the parts left.
	left string
	// err, when set, is a part of the file's error.
	err string
}

var fixCases = []fixCase{
	{
		name:   "allowPrivilegeEscalation: no securityContext",
		checks: []check.ID{AllowPrivilegeEscalation},
		in:     pod("  containers:", "  - name: app", "    image: nginx"),
		want:   pod("  containers:", "  - name: app", "    image: nginx", "    securityContext:", "      allowPrivilegeEscalation: false"),
	},
	{
		name:   "allowPrivilegeEscalation: comments and a following key stay",
		checks: []check.ID{AllowPrivilegeEscalation},
		in: pod("  containers:", "  # the only container", "  - name: app # inline", "    image: nginx", "    securityContext:",
			"      runAsUser: 1000 # keep", "      # a trailing comment", "", "  restartPolicy: Always"),
		want: pod("  containers:", "  # the only container", "  - name: app # inline", "    image: nginx", "    securityContext:",
			"      runAsUser: 1000 # keep", "      allowPrivilegeEscalation: false", "      # a trailing comment", "", "  restartPolicy: Always"),
	},
	{
		name:   "allowPrivilegeEscalation: flow mapping",
		checks: []check.ID{AllowPrivilegeEscalation},
		in:     pod("  containers:", "  - {name: app, image: nginx, securityContext: {runAsUser: 1000}}"),
		want:   pod("  containers:", "  - {name: app, image: nginx, securityContext: {runAsUser: 1000, allowPrivilegeEscalation: false}}"),
	},
	{
		name:   "allowPrivilegeEscalation: empty flow mapping",
		checks: []check.ID{AllowPrivilegeEscalation},
		in:     pod("  containers:", "  - name: app", "    image: nginx", "    securityContext: {}"),
		want:   pod("  containers:", "  - name: app", "    image: nginx", "    securityContext: {allowPrivilegeEscalation: false}"),
	},
	{
		name:   "allowPrivilegeEscalation: init, regular and ephemeral containers, indented lists, four spaces",
		checks: []check.ID{AllowPrivilegeEscalation},
		in: lines("apiVersion: v1", "kind: Pod", "metadata:", "    name: p", "    namespace: ns", "spec:",
			"    initContainers:", "      - name: init", "        image: busybox",
			"    containers:", "      - name: app", "        image: nginx",
			"    ephemeralContainers:", "      - name: debug", "        image: busybox"),
		want: lines("apiVersion: v1", "kind: Pod", "metadata:", "    name: p", "    namespace: ns", "spec:",
			"    initContainers:", "      - name: init", "        image: busybox", "        securityContext:", "            allowPrivilegeEscalation: false",
			"    containers:", "      - name: app", "        image: nginx", "        securityContext:", "            allowPrivilegeEscalation: false",
			"    ephemeralContainers:", "      - name: debug", "        image: busybox", "        securityContext:", "            allowPrivilegeEscalation: false"),
	},
	{
		name:   "allowPrivilegeEscalation: CRLF line endings, no final line ending",
		checks: []check.ID{AllowPrivilegeEscalation},
		in:     strings.TrimSuffix(strings.ReplaceAll(pod("  containers:", "  - name: app", "    image: nginx"), "\n", "\r\n"), "\r\n"),
		want:   strings.TrimSuffix(strings.ReplaceAll(pod("  containers:", "  - name: app", "    image: nginx", "    securityContext:", "      allowPrivilegeEscalation: false"), "\n", "\r\n"), "\r\n"),
	},
	{
		name:   "allowPrivilegeEscalation: explicit true is left",
		checks: []check.ID{AllowPrivilegeEscalation},
		in:     pod("  containers:", "  - name: app", "    image: nginx", "    securityContext:", "      allowPrivilegeEscalation: true"),
		left:   "allowPrivilegeEscalation is set to true",
	},
	{
		name:   "allowPrivilegeEscalation: privileged is left",
		checks: []check.ID{AllowPrivilegeEscalation},
		in:     pod("  containers:", "  - name: app", "    image: nginx", "    securityContext:", "      privileged: true"),
		left:   "privileged=true",
	},
	{
		name:   "allowPrivilegeEscalation: a securityContext shared through an alias is left, anchors nearby stay",
		checks: []check.ID{AllowPrivilegeEscalation},
		in: pod("  containers:", "  - name: app", "    image: nginx", "    securityContext: &sc", "      runAsUser: 1000",
			"  - name: side", "    image: nginx", "    securityContext: *sc"),
		left: "anchor &sc",
	},
	{
		name:   "allowPrivilegeEscalation: anchored labels beside the edit",
		checks: []check.ID{AllowPrivilegeEscalation},
		in: lines("apiVersion: apps/v1", "kind: Deployment", "metadata:", "  name: d", "  namespace: ns", "  labels: &labels", "    app: d",
			"spec:", "  selector:", "    matchLabels: *labels", "  template:", "    metadata:", "      labels: *labels", "    spec:",
			"      containers:", "      - name: app", "        image: nginx"),
		want: lines("apiVersion: apps/v1", "kind: Deployment", "metadata:", "  name: d", "  namespace: ns", "  labels: &labels", "    app: d",
			"spec:", "  selector:", "    matchLabels: *labels", "  template:", "    metadata:", "      labels: *labels", "    spec:",
			"      containers:", "      - name: app", "        image: nginx", "        securityContext:", "          allowPrivilegeEscalation: false"),
	},
	{
		name:   "capabilities: appended to a block list in its quoting",
		checks: []check.ID{Capabilities},
		in:     pod("  containers:", "  - name: app", "    image: nginx", "    securityContext:", "      capabilities:", "        drop:", "        - 'NET_RAW'"),
		want:   pod("  containers:", "  - name: app", "    image: nginx", "    securityContext:", "      capabilities:", "        drop:", "        - 'NET_RAW'", "        - 'ALL'"),
	},
	{
		name:   "capabilities: appended to a flow list",
		checks: []check.ID{Capabilities},
		in:     pod("  containers:", "  - name: app", "    image: nginx", "    securityContext:", "      capabilities: {drop: [NET_RAW]}"),
		want:   pod("  containers:", "  - name: app", "    image: nginx", "    securityContext:", "      capabilities: {drop: [NET_RAW, ALL]}"),
	},
	{
		name:   "capabilities: an added capability is left",
		checks: []check.ID{Capabilities},
		in:     pod("  containers:", "  - name: app", "    image: nginx", "    securityContext:", "      capabilities:", "        add: [NET_ADMIN]"),
		want:   pod("  containers:", "  - name: app", "    image: nginx", "    securityContext:", "      capabilities:", "        add: [NET_ADMIN]", `        drop: ["ALL"]`),
		left:   `adds capability "NET_ADMIN"`,
	},
	{
		name:   "seccomp: a CronJob's pod, in the second document",
		checks: []check.ID{Seccomp},
		in: lines("# the namespace", "apiVersion: v1", "kind: Namespace", "metadata:", "  name: ns", "---", "apiVersion: batch/v1", "kind: CronJob",
			"metadata:", "  name: c", "  namespace: ns", "spec:", "  schedule: '* * * * *'", "  jobTemplate:", "    spec:", "      template:", "        spec:",
			"          restartPolicy: Never", "          containers:", "          - name: app", "            image: nginx", "---", "# the end"),
		want: lines("# the namespace", "apiVersion: v1", "kind: Namespace", "metadata:", "  name: ns", "---", "apiVersion: batch/v1", "kind: CronJob",
			"metadata:", "  name: c", "  namespace: ns", "spec:", "  schedule: '* * * * *'", "  jobTemplate:", "    spec:", "      template:", "        spec:",
			"          restartPolicy: Never", "          containers:", "          - name: app", "            image: nginx",
			"          securityContext:", "            seccompProfile:", "              type: RuntimeDefault", "---", "# the end"),
	},
	{
		// Unconfined is pss-seccomp-baseline's finding, which has no
		// mechanical remedy: the workload may need it.
		name: "seccomp: Unconfined on the pod is not changed",
		in:   pod("  securityContext:", "    seccompProfile: {type: Unconfined}", "  containers:", "  - name: app", "    image: nginx", "    securityContext: {capabilities: {drop: [ALL]}, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true}", "  automountServiceAccountToken: false"),
	},
	{
		name:   "runAsNonRoot: into the pod's flow securityContext",
		checks: []check.ID{RunAsNonRoot},
		in:     pod("  securityContext: {fsGroup: 2000}", "  containers:", "  - name: app", "    image: nginx"),
		want:   pod("  securityContext: {fsGroup: 2000, runAsNonRoot: true}", "  containers:", "  - name: app", "    image: nginx"),
	},
	{
		name:   "runAsNonRoot: runAsUser 0 is left",
		checks: []check.ID{RunAsNonRoot},
		in:     pod("  containers:", "  - name: app", "    image: nginx", "    securityContext:", "      runAsUser: 0"),
		left:   "runAsUser=0",
	},
	{
		name:   "readOnlyRootFilesystem without /tmp",
		checks: []check.ID{ReadOnlyRootFilesystem},
		in:     pod("  containers:", "  - name: app", "    image: nginx"),
		want:   pod("  containers:", "  - name: app", "    image: nginx", "    securityContext:", "      readOnlyRootFilesystem: true"),
	},
	{
		name:   "readOnlyRootFilesystem with an emptyDir at /tmp, beside a volume named tmp",
		checks: []check.ID{ReadOnlyRootFilesystem},
		tmp:    true,
		in:     pod("  containers:", "  - name: app", "    image: nginx", "  volumes:", "  - name: tmp", "    configMap: {name: c}"),
		want: pod("  containers:", "  - name: app", "    image: nginx", "    securityContext:", "      readOnlyRootFilesystem: true",
			"    volumeMounts:", "    - name: tmp-1", "      mountPath: /tmp", "  volumes:", "  - name: tmp", "    configMap: {name: c}", "  - name: tmp-1", "    emptyDir: {}"),
	},
	{
		name:   "readOnlyRootFilesystem with /tmp already mounted",
		checks: []check.ID{ReadOnlyRootFilesystem},
		tmp:    true,
		in:     pod("  containers:", "  - name: app", "    image: nginx", "    volumeMounts: [{name: t, mountPath: /tmp}]", "  volumes: [{name: t, emptyDir: {}}]"),
		want:   pod("  containers:", "  - name: app", "    image: nginx", "    volumeMounts: [{name: t, mountPath: /tmp}]", "    securityContext:", "      readOnlyRootFilesystem: true", "  volumes: [{name: t, emptyDir: {}}]"),
	},
	{
		name:   "automount: set on the pod",
		checks: []check.ID{TokenAutomount},
		in:     pod("  containers:", "  - name: app", "    image: nginx"),
		want:   pod("  containers:", "  - name: app", "    image: nginx", "  automountServiceAccountToken: false"),
	},
	{
		name:   "automount: a service account with a binding is left",
		checks: []check.ID{TokenAutomount},
		in: pod("  containers:", "  - name: app", "    image: nginx") + lines("---", "apiVersion: rbac.authorization.k8s.io/v1", "kind: RoleBinding",
			"metadata:", "  name: b", "  namespace: ns", "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}",
			"subjects:", "- {kind: ServiceAccount, name: default, namespace: ns}"),
		left: "holds RBAC bindings",
	},
	{
		name:   "a suppressed finding is not fixed",
		checks: []check.ID{TokenAutomount},
		in: lines("apiVersion: v1", "kind: Pod", "metadata:", "  name: p", "  namespace: ns", "  annotations:",
			"    kubestride.io/ignore.service-account-token-automount: calls the API", "spec:", "  containers:", "  - name: app", "    image: nginx"),
	},
	{
		name: "a Helm template is refused",
		in:   pod("  containers:", "  - name: app", "    image: {{ .Values.image }}"),
		err:  "a template",
	},
	{
		name: "text that does not parse is refused",
		in:   pod("  containers:", "  - name: app", "    image: [nginx"),
		err:  "cannot parse",
	},
}

func TestRemedies(t *testing.T) {
	for _, tc := range fixCases {
		t.Run(tc.name, func(t *testing.T) {
			res := Run(context.Background(), []File{{Name: "in.yaml", Data: []byte(tc.in)}}, Options{Checks: tc.checks, TmpEmptyDir: tc.tmp})[0]
			if tc.err != "" {
				if res.Err == nil || !strings.Contains(res.Err.Error(), tc.err) {
					t.Fatalf("error = %v, want one containing %q", res.Err, tc.err)
				}
				if !strings.HasPrefix(res.Err.Error(), "in.yaml") && !strings.Contains(res.Err.Error(), "in.yaml") {
					t.Errorf("error %q does not name the file", res.Err)
				}
			} else if res.Err != nil {
				t.Fatal(res.Err)
			}
			want := tc.want
			if want == "" {
				want = tc.in
			}
			if diff := cmp.Diff(want, string(res.Data)); diff != "" {
				t.Errorf("fixed text (-want +got):\n%s", diff)
			}
			if tc.want != "" && (len(res.Changes) == 0 || res.After >= res.Before) {
				t.Errorf("changes %v, findings %d -> %d: want changes and fewer findings", res.Changes, res.Before, res.After)
			}
			if tc.left != "" && !leftContains(res.Left, tc.left) {
				t.Errorf("left %+v, want a part containing %q", res.Left, tc.left)
			}
		})
	}
}

func leftContains(left []Left, s string) bool {
	for _, l := range left {
		if strings.Contains(l.Message, s) {
			return true
		}
	}
	return false
}
