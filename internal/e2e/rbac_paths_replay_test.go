package e2e

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	authnv1 "k8s.io/api/authentication/v1"
	authzv1 "k8s.io/api/authorization/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/kubestride/kubestride/internal/rbac"
	"github.com/kubestride/kubestride/internal/testcluster"
)

// groupMember is the user a group's path is replayed as, a member of the
// group only.
const groupMember = "po-group-member"

// replayAnnotation marks the pod templates an updates-workload hop changes.
const replayAnnotation = "kubestride.test/replay"

// actor is a credential that takes the hops of a path: the subject it acts
// as, and its own clients.
type actor struct {
	subject rbac.Subject
	how     string
	cfg     *rest.Config
	cs      kubernetes.Interface
	dyn     dynamic.Interface
}

func (a *actor) String() string { return a.subject.String() + " (" + a.how + ")" }

// replayer replays paths on the shared API server, as the requests their
// hops name, made by each hop's subject with its own credential. What a
// path creates or changes is undone after it, so that no path's replay
// helps the next.
type replayer struct {
	ctx   context.Context
	admin kubernetes.Interface
	dyn   dynamic.Interface
	seq   int
	// requests counts the requests made as actors.
	requests int
	// accepted counts, by error, the exec, attach and node proxy requests
	// that the API server authorized and admitted but could not connect.
	accepted map[string]int
	undo     []undoStep
}

type undoStep struct {
	what string
	do   func() error
}

func newReplayer(ctx context.Context, t *testing.T) *replayer {
	dyn, err := dynamic.NewForConfig(testcluster.Shared.Config("admin"))
	if err != nil {
		t.Fatal(err)
	}
	return &replayer{ctx: ctx, admin: admin(t), dyn: dyn, accepted: map[string]int{}}
}

// replay replays p hop by hop, then undoes what it did. The error names
// the hop, its actor and the API server's answer.
func (r *replayer) replay(p rbac.Path) (err error) {
	defer func() {
		for i := len(r.undo) - 1; i >= 0; i-- {
			if uerr := r.undo[i].do(); uerr != nil {
				err = errors.Join(err, fmt.Errorf("undo %s: %w", r.undo[i].what, uerr))
			}
		}
		r.undo = nil
	}()
	a, err := r.start(p.Subject)
	if err != nil {
		return fmt.Errorf("credential of %s: %w", p.Subject, err)
	}
	for i, h := range p.Hops {
		var next *rbac.Hop
		if i+1 < len(p.Hops) {
			next = &p.Hops[i+1]
		}
		b, err := r.hop(a, h, next)
		if err == nil && h.To == rbac.ClusterAdmin && h.Edge != rbac.EdgeIsClusterAdmin {
			err = r.isClusterAdmin(b)
		}
		if err != nil {
			return fmt.Errorf("hop %d of %d, %s (%s) to %s, as %s: %w", i+1, len(p.Hops), h.Edge, h.Action, h.To, a, err)
		}
		a = b
	}
	return nil
}

func (r *replayer) onUndo(what string, do func() error) {
	r.undo = append(r.undo, undoStep{what, do})
}

func (r *replayer) name() string {
	r.seq++
	return fmt.Sprintf("po-replay-%d", r.seq)
}

// start returns the credential a path of s starts with: a TokenRequest
// token for a ServiceAccount, and for a user or a group a client
// certificate (of a member user, for a group). A certificate, not
// impersonation: an impersonated request cannot impersonate in turn, and
// an impersonates hop must be the subject's own request.
func (r *replayer) start(s rbac.Subject) (*actor, error) {
	switch s.Kind {
	case rbacv1.ServiceAccountKind:
		tok, err := r.mint(s, nil)
		if err != nil {
			return nil, err
		}
		return r.tokenActor(s, tok, "TokenRequest token minted by the admin")
	case rbacv1.UserKind:
		cfg, err := testcluster.Shared.CertConfig(s.Name, nil)
		if err != nil {
			return nil, err
		}
		return newActor(s, cfg, "client certificate")
	case rbacv1.GroupKind:
		cfg, err := testcluster.Shared.CertConfig(groupMember, []string{s.Name})
		if err != nil {
			return nil, err
		}
		return newActor(s, cfg, "client certificate of member "+groupMember)
	}
	return nil, fmt.Errorf("no credential for a %s", s.Kind)
}

func newActor(s rbac.Subject, cfg *rest.Config, how string) (*actor, error) {
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	return &actor{subject: s, how: how, cfg: cfg, cs: cs, dyn: dyn}, nil
}

func (r *replayer) tokenActor(s rbac.Subject, token, how string) (*actor, error) {
	if token == "" {
		return nil, errors.New("the token is empty")
	}
	cfg := testcluster.Shared.Config("")
	cfg.BearerToken = token
	return newActor(s, cfg, how)
}

// mint returns a token of ServiceAccount s the admin requests, bound to
// an object when bound is set.
func (r *replayer) mint(s rbac.Subject, bound *authnv1.BoundObjectReference) (string, error) {
	if s.Kind != rbacv1.ServiceAccountKind {
		return "", fmt.Errorf("%s is not a ServiceAccount", s)
	}
	tr, err := r.admin.CoreV1().ServiceAccounts(s.Namespace).CreateToken(r.ctx, s.Name, &authnv1.TokenRequest{
		Spec: authnv1.TokenRequestSpec{ExpirationSeconds: ptr(int64(3600)), BoundObjectRef: bound},
	}, metav1.CreateOptions{})
	if err != nil {
		return "", fmt.Errorf("the admin's TokenRequest for %s: %w", s, err)
	}
	return tr.Status.Token, nil
}

// hop makes h as a and returns the actor it leads to. next is the hop
// after h, if any.
func (r *replayer) hop(a *actor, h rbac.Hop, next *rbac.Hop) (*actor, error) {
	if h.Edge == rbac.EdgeIsClusterAdmin {
		return a, r.isClusterAdmin(a)
	}
	if h.Request == nil {
		return nil, errors.New("the hop names no request")
	}
	switch h.Edge {
	case rbac.EdgeRunsPodAs:
		return r.runsPodAs(a, h)
	case rbac.EdgeCreatesToken:
		return r.createsToken(a, h)
	case rbac.EdgeCreatesTokenSecret:
		return r.createsTokenSecret(a, h)
	case rbac.EdgeReadsTokenSecret:
		return r.readsTokenSecret(a, h)
	case rbac.EdgeImpersonates:
		return r.impersonates(a, h)
	case rbac.EdgeExecsIntoPod:
		return r.execsIntoPod(a, h)
	case rbac.EdgeNodeProxy:
		return r.nodeProxy(a, h)
	case rbac.EdgeUpdatesWorkload:
		return r.updatesWorkload(a, h)
	case rbac.EdgeBindsRoles:
		return r.bindsRoles(a, h, next)
	}
	return nil, fmt.Errorf("no replay for edge %q", h.Edge)
}

// runsPodAs creates, as a, the pod or workload the request names, running
// as the target. The next credential is a token the admin mints for the
// target, bound to the pod when one was created: what the kubelet would
// mount into it (there is no kubelet, and no controller makes a
// workload's pods).
func (r *replayer) runsPodAs(a *actor, h rbac.Hop) (*actor, error) {
	req := *h.Request
	if req.Verb != "create" || req.Namespace != h.To.Namespace {
		return nil, fmt.Errorf("request %+v does not create a workload in the namespace of %s", req, h.To)
	}
	name := r.name()
	obj, err := workload(req.Group, req.Resource, name, h.To.Name)
	if err != nil {
		return nil, err
	}
	gvr := schema.GroupVersionResource{Group: req.Group, Version: "v1", Resource: req.Resource}
	r.requests++
	made, err := a.dyn.Resource(gvr).Namespace(req.Namespace).Create(r.ctx, obj, metav1.CreateOptions{})
	if err != nil {
		return nil, fmt.Errorf("create %s %s/%s: %w", req.Resource, req.Namespace, name, err)
	}
	r.onUndo("delete "+req.Resource+" "+req.Namespace+"/"+name, func() error {
		return r.dyn.Resource(gvr).Namespace(req.Namespace).Delete(context.Background(), name,
			metav1.DeleteOptions{GracePeriodSeconds: ptr(int64(0))})
	})
	var bound *authnv1.BoundObjectReference
	if req.Resource == "pods" && req.Group == "" {
		bound = &authnv1.BoundObjectReference{Kind: "Pod", APIVersion: "v1", Name: name, UID: made.GetUID()}
	}
	tok, err := r.mint(h.To, bound)
	if err != nil {
		return nil, err
	}
	return r.tokenActor(h.To, tok, "token of the pod it runs, minted by the admin as the kubelet would")
}

// workload is a workload of kind group/resource that runs its pods as
// ServiceAccount sa.
func workload(group, resource, name, sa string) (*unstructured.Unstructured, error) {
	labels := map[string]string{"app": name}
	spec := podSpec(false)
	spec.ServiceAccountName = sa
	tmpl := corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: spec}
	selector := &metav1.LabelSelector{MatchLabels: labels}
	meta := metav1.ObjectMeta{Name: name}
	var obj runtime.Object
	var kind string
	switch group + "/" + resource {
	case "/pods":
		kind, obj = "Pod", &corev1.Pod{ObjectMeta: meta, Spec: spec}
	case "/replicationcontrollers":
		kind, obj = "ReplicationController", &corev1.ReplicationController{ObjectMeta: meta,
			Spec: corev1.ReplicationControllerSpec{Selector: labels, Template: &tmpl}}
	case "apps/deployments":
		kind, obj = "Deployment", &appsv1.Deployment{ObjectMeta: meta, Spec: appsv1.DeploymentSpec{Selector: selector, Template: tmpl}}
	case "apps/replicasets":
		kind, obj = "ReplicaSet", &appsv1.ReplicaSet{ObjectMeta: meta, Spec: appsv1.ReplicaSetSpec{Selector: selector, Template: tmpl}}
	case "apps/statefulsets":
		kind, obj = "StatefulSet", &appsv1.StatefulSet{ObjectMeta: meta, Spec: appsv1.StatefulSetSpec{Selector: selector, Template: tmpl, ServiceName: name}}
	case "apps/daemonsets":
		kind, obj = "DaemonSet", &appsv1.DaemonSet{ObjectMeta: meta, Spec: appsv1.DaemonSetSpec{Selector: selector, Template: tmpl}}
	case "batch/jobs":
		tmpl.Spec.RestartPolicy = corev1.RestartPolicyNever
		kind, obj = "Job", &batchv1.Job{ObjectMeta: meta, Spec: batchv1.JobSpec{Template: tmpl}}
	case "batch/cronjobs":
		tmpl.Spec.RestartPolicy = corev1.RestartPolicyNever
		kind, obj = "CronJob", &batchv1.CronJob{ObjectMeta: meta, Spec: batchv1.CronJobSpec{Schedule: "@yearly",
			JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: tmpl}}}}
	default:
		return nil, fmt.Errorf("no workload of resource %q in group %q", resource, group)
	}
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return nil, err
	}
	u := &unstructured.Unstructured{Object: m}
	u.SetAPIVersion(schema.GroupVersion{Group: group, Version: "v1"}.String())
	u.SetKind(kind)
	return u, nil
}

// createsToken: a requests a token of the target itself.
func (r *replayer) createsToken(a *actor, h rbac.Hop) (*actor, error) {
	req := *h.Request
	if req.Namespace != h.To.Namespace || req.Name != h.To.Name {
		return nil, fmt.Errorf("request %+v is not a token of %s", req, h.To)
	}
	r.requests++
	tr, err := a.cs.CoreV1().ServiceAccounts(req.Namespace).CreateToken(r.ctx, req.Name, &authnv1.TokenRequest{
		Spec: authnv1.TokenRequestSpec{ExpirationSeconds: ptr(int64(3600))}}, metav1.CreateOptions{})
	if err != nil {
		return nil, fmt.Errorf("create serviceaccounts/token %s/%s: %w", req.Namespace, req.Name, err)
	}
	return r.tokenActor(h.To, tr.Status.Token, "token it requested")
}

// createsTokenSecret: a creates a service-account-token Secret for the
// target; the admin fills it as the token controller would (none runs);
// a reads the token back.
func (r *replayer) createsTokenSecret(a *actor, h rbac.Hop) (*actor, error) {
	req := *h.Request
	if req.Verb != "create" || req.Resource != "secrets" || req.Namespace != h.To.Namespace {
		return nil, fmt.Errorf("request %+v does not create a Secret in the namespace of %s", req, h.To)
	}
	if len(h.Also) != 1 || h.Also[0].Request.Resource != "secrets" {
		return nil, fmt.Errorf("hop names checks %v, want the request that reads the Secret back", h.Also)
	}
	read := h.Also[0].Request
	name := r.name()
	if read.Name != "" {
		name = read.Name // the one name it may read back
	}
	r.requests++
	_, err := a.cs.CoreV1().Secrets(req.Namespace).Create(r.ctx, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: name, Annotations: map[string]string{corev1.ServiceAccountNameKey: h.To.Name}},
		Type:       corev1.SecretTypeServiceAccountToken,
	}, metav1.CreateOptions{})
	if err != nil {
		return nil, fmt.Errorf("create the service-account-token Secret %s/%s: %w", req.Namespace, name, err)
	}
	r.onUndo("delete secret "+req.Namespace+"/"+name, func() error {
		return r.admin.CoreV1().Secrets(req.Namespace).Delete(context.Background(), name, metav1.DeleteOptions{})
	})
	if err := r.fillTokenSecret(req.Namespace, name, h.To); err != nil {
		return nil, err
	}
	r.requests++
	var token []byte
	switch read.Verb {
	case "get":
		s, err := a.cs.CoreV1().Secrets(req.Namespace).Get(r.ctx, name, metav1.GetOptions{})
		if err != nil {
			return nil, fmt.Errorf("read back the token Secret %s/%s it created: %w", req.Namespace, name, err)
		}
		token = s.Data[corev1.ServiceAccountTokenKey]
	case "list", "watch":
		list, err := a.cs.CoreV1().Secrets(req.Namespace).List(r.ctx, metav1.ListOptions{FieldSelector: "metadata.name=" + name})
		if err != nil {
			return nil, fmt.Errorf("list back the token Secret %s/%s it created: %w", req.Namespace, name, err)
		}
		if len(list.Items) != 1 {
			return nil, fmt.Errorf("list back the token Secret %s/%s it created: %d found", req.Namespace, name, len(list.Items))
		}
		token = list.Items[0].Data[corev1.ServiceAccountTokenKey]
	default:
		return nil, fmt.Errorf("no replay of reading a Secret back by %s", read.Verb)
	}
	return r.tokenActor(h.To, string(token), "token read back from the Secret it created")
}

// fillTokenSecret writes into a legacy token Secret what the token
// controller would: the ServiceAccount's UID and a token, here one bound
// to the Secret. The Secret's former content comes back after the path.
func (r *replayer) fillTokenSecret(ns, name string, sa rbac.Subject) error {
	secrets := r.admin.CoreV1().Secrets(ns)
	s, err := secrets.Get(r.ctx, name, metav1.GetOptions{})
	if err != nil {
		return fmt.Errorf("the admin gets Secret %s/%s: %w", ns, name, err)
	}
	acct, err := r.admin.CoreV1().ServiceAccounts(ns).Get(r.ctx, sa.Name, metav1.GetOptions{})
	if err != nil {
		return fmt.Errorf("the admin gets the ServiceAccount of Secret %s/%s: %w", ns, name, err)
	}
	tok, err := r.mint(sa, &authnv1.BoundObjectReference{Kind: "Secret", APIVersion: "v1", Name: name, UID: s.UID})
	if err != nil {
		return err
	}
	oldData, oldUID := s.Data, s.Annotations[corev1.ServiceAccountUIDKey]
	s.Data = map[string][]byte{corev1.ServiceAccountTokenKey: []byte(tok), corev1.ServiceAccountNamespaceKey: []byte(ns)}
	s.Annotations[corev1.ServiceAccountUIDKey] = string(acct.UID)
	if _, err := secrets.Update(r.ctx, s, metav1.UpdateOptions{}); err != nil {
		return fmt.Errorf("the admin fills Secret %s/%s: %w", ns, name, err)
	}
	r.onUndo("empty secret "+ns+"/"+name, func() error {
		s, err := secrets.Get(context.Background(), name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		s.Data = oldData
		if oldUID == "" {
			delete(s.Annotations, corev1.ServiceAccountUIDKey)
		} else {
			s.Annotations[corev1.ServiceAccountUIDKey] = oldUID
		}
		_, err = secrets.Update(context.Background(), s, metav1.UpdateOptions{})
		return err
	})
	return nil
}

// readsTokenSecret: the admin fills the target's legacy token Secrets as
// the token controller would; a reads one (get or list, as the request
// says) and uses the token it read.
func (r *replayer) readsTokenSecret(a *actor, h rbac.Hop) (*actor, error) {
	req := *h.Request
	if req.Resource != "secrets" || req.Namespace != h.To.Namespace {
		return nil, fmt.Errorf("request %+v does not read Secrets in the namespace of %s", req, h.To)
	}
	all, err := r.admin.CoreV1().Secrets(req.Namespace).List(r.ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	var names []string
	for _, s := range all.Items {
		if s.Type == corev1.SecretTypeServiceAccountToken && s.Annotations[corev1.ServiceAccountNameKey] == h.To.Name &&
			(req.Name == "" || req.Name == s.Name) {
			if err := r.fillTokenSecret(req.Namespace, s.Name, h.To); err != nil {
				return nil, err
			}
			names = append(names, s.Name)
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("no token Secret of %s in %s", h.To, req.Namespace)
	}
	var read []corev1.Secret
	r.requests++
	switch req.Verb {
	case "get":
		s, err := a.cs.CoreV1().Secrets(req.Namespace).Get(r.ctx, req.Name, metav1.GetOptions{})
		if err != nil {
			return nil, fmt.Errorf("get secret %s/%s: %w", req.Namespace, req.Name, err)
		}
		read = append(read, *s)
	case "list":
		l, err := a.cs.CoreV1().Secrets(req.Namespace).List(r.ctx, metav1.ListOptions{})
		if err != nil {
			return nil, fmt.Errorf("list secrets in %s: %w", req.Namespace, err)
		}
		read = l.Items
	default:
		return nil, fmt.Errorf("request %+v reads no Secret", req)
	}
	for _, s := range read {
		if slices.Contains(names, s.Name) {
			return r.tokenActor(h.To, string(s.Data[corev1.ServiceAccountTokenKey]), "token read from Secret "+s.Namespace+"/"+s.Name)
		}
	}
	return nil, fmt.Errorf("%s %s read no token Secret of %s", req.Verb, req.Resource, h.To)
}

// impersonates: a's own credential with impersonation headers; the API
// server checks the impersonation on every request. A group is
// impersonated with a member user, which the API server requires.
func (r *replayer) impersonates(a *actor, h rbac.Hop) (*actor, error) {
	req := *h.Request
	if a.cfg.Impersonate.UserName != "" {
		return nil, errors.New("the actor is itself impersonated, and impersonation does not nest")
	}
	cfg := rest.CopyConfig(a.cfg)
	want := ""
	switch req.Resource {
	case "users":
		cfg.Impersonate.UserName, want = req.Name, req.Name
	case "serviceaccounts":
		want = "system:serviceaccount:" + req.Namespace + ":" + req.Name
		cfg.Impersonate.UserName = want
	case "groups":
		cfg.Impersonate = rest.ImpersonationConfig{UserName: groupMember, Groups: []string{req.Name}}
		want = groupMember
	default:
		return nil, fmt.Errorf("request %+v impersonates nothing", req)
	}
	b, err := newActor(h.To, cfg, "impersonated by "+a.subject.String())
	if err != nil {
		return nil, err
	}
	r.requests++
	rev, err := b.cs.AuthenticationV1().SelfSubjectReviews().Create(r.ctx, &authnv1.SelfSubjectReview{}, metav1.CreateOptions{})
	if err != nil {
		return nil, fmt.Errorf("SelfSubjectReview impersonating %s: %w", h.To, err)
	}
	if got := rev.Status.UserInfo.Username; got != want {
		return nil, fmt.Errorf("impersonating %s, the API server sees user %q, want %q", h.To, got, want)
	}
	return b, nil
}

// execsIntoPod: a sends the pods/exec or pods/attach request. The pod is
// the one the request names, or, when the grant allows every pod of a
// workload, one the admin creates as the workload's controller would. No
// kubelet runs, so the request cannot connect: it succeeds when the API
// server authorizes and admits it, and fails with anything but Forbidden
// or Unauthorized (the pod has no node: BadRequest "does not have a host
// assigned"). The next credential is the pod's token, minted by the admin.
func (r *replayer) execsIntoPod(a *actor, h rbac.Hop) (*actor, error) {
	req := *h.Request
	if req.Resource != "pods" || (req.Subresource != "exec" && req.Subresource != "attach") || req.Namespace != h.To.Namespace {
		return nil, fmt.Errorf("request %+v does not exec into a pod in the namespace of %s", req, h.To)
	}
	pod := req.Name
	if pod == "" {
		pod = r.name()
		spec := podSpec(false)
		spec.ServiceAccountName = h.To.Name
		if _, err := r.admin.CoreV1().Pods(req.Namespace).Create(r.ctx, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: pod}, Spec: spec}, metav1.CreateOptions{}); err != nil {
			return nil, fmt.Errorf("the admin creates a pod running as %s: %w", h.To, err)
		}
		r.onUndo("delete pod "+req.Namespace+"/"+pod, func() error {
			return r.admin.CoreV1().Pods(req.Namespace).Delete(context.Background(), pod, metav1.DeleteOptions{GracePeriodSeconds: ptr(int64(0))})
		})
	}
	p, err := r.admin.CoreV1().Pods(req.Namespace).Get(r.ctx, pod, metav1.GetOptions{})
	if err != nil {
		return nil, err
	}
	if sa := cmp.Or(p.Spec.ServiceAccountName, "default"); sa != h.To.Name {
		return nil, fmt.Errorf("pod %s/%s runs as %s, not %s", req.Namespace, pod, sa, h.To)
	}
	call := a.cs.CoreV1().RESTClient().Verb(httpVerb(req.Verb)).Namespace(req.Namespace).Resource("pods").Name(pod).SubResource(req.Subresource).
		Param("stdout", "true")
	if req.Subresource == "exec" {
		call = call.Param("command", "id")
	}
	if err := r.connect(call, req); err != nil {
		return nil, err
	}
	tok, err := r.mint(h.To, &authnv1.BoundObjectReference{Kind: "Pod", APIVersion: "v1", Name: pod, UID: p.UID})
	if err != nil {
		return nil, err
	}
	return r.tokenActor(h.To, tok, "token of pod "+req.Namespace+"/"+pod+", minted by the admin as the kubelet would")
}

// nodeProxy: a sends the nodes/proxy request to the kubelet's pod list.
// No node is registered and no kubelet runs: it succeeds when the API
// server authorizes it (NotFound for the node, not Forbidden). The next
// credential is a token of the target the admin mints.
func (r *replayer) nodeProxy(a *actor, h rbac.Hop) (*actor, error) {
	req := *h.Request
	if req.Resource != "nodes" || req.Subresource != "proxy" {
		return nil, fmt.Errorf("request %+v is not a node proxy", req)
	}
	node := cmp.Or(req.Name, "po-replay-node")
	call := a.cs.CoreV1().RESTClient().Verb(httpVerb(req.Verb)).Resource("nodes").Name(node).SubResource("proxy").Suffix("pods")
	if err := r.connect(call, req); err != nil {
		return nil, err
	}
	tok, err := r.mint(h.To, nil)
	if err != nil {
		return nil, err
	}
	return r.tokenActor(h.To, tok, "token minted by the admin, standing in for what the kubelet's exec yields")
}

// connect sends a request that needs a kubelet, and accepts any answer
// but Forbidden or Unauthorized: the API server authorized and admitted it.
func (r *replayer) connect(call *rest.Request, req rbac.Request) error {
	r.requests++
	err := call.Do(r.ctx).Error()
	if apierrors.IsForbidden(err) || apierrors.IsUnauthorized(err) {
		return fmt.Errorf("%s %s/%s: %w", req.Verb, req.Resource, req.Subresource, err)
	}
	key := "no error"
	if err != nil {
		key = fmt.Sprintf("%s/%s: %s %v", req.Resource, req.Subresource, apierrors.ReasonForError(err), err)
	}
	r.accepted[key]++
	return nil
}

func httpVerb(verb string) string {
	if verb == "create" {
		return "POST"
	}
	return "GET"
}

// updatesWorkload: a updates or patches the workload, adding an
// annotation to its pod template (for a Pod, to the Pod). An update sends
// the object as the scan saw it, read by the admin: the actor may have no
// read access. The next credential is a token the admin mints for the
// workload's ServiceAccount.
func (r *replayer) updatesWorkload(a *actor, h rbac.Hop) (*actor, error) {
	req := *h.Request
	gvr := schema.GroupVersionResource{Group: req.Group, Version: "v1", Resource: req.Resource}
	path := []string{"spec", "template", "metadata", "annotations"}
	switch req.Resource {
	case "pods":
		path = []string{"metadata", "annotations"}
	case "cronjobs":
		path = []string{"spec", "jobTemplate", "spec", "template", "metadata", "annotations"}
	}
	value := r.name()
	r.requests++
	switch req.Verb {
	case "patch":
		body, err := json.Marshal(nested(path, map[string]any{replayAnnotation: value}))
		if err != nil {
			return nil, err
		}
		if _, err := a.dyn.Resource(gvr).Namespace(req.Namespace).Patch(r.ctx, req.Name, types.MergePatchType, body, metav1.PatchOptions{}); err != nil {
			return nil, fmt.Errorf("patch %s %s/%s: %w", req.Resource, req.Namespace, req.Name, err)
		}
	case "update":
		obj, err := r.dyn.Resource(gvr).Namespace(req.Namespace).Get(r.ctx, req.Name, metav1.GetOptions{})
		if err != nil {
			return nil, err
		}
		if err := unstructured.SetNestedField(obj.Object, value, append(path, replayAnnotation)...); err != nil {
			return nil, err
		}
		if _, err := a.dyn.Resource(gvr).Namespace(req.Namespace).Update(r.ctx, obj, metav1.UpdateOptions{}); err != nil {
			return nil, fmt.Errorf("update %s %s/%s: %w", req.Resource, req.Namespace, req.Name, err)
		}
	default:
		return nil, fmt.Errorf("request %+v changes no workload", req)
	}
	r.onUndo("remove the annotation of "+req.Resource+" "+req.Namespace+"/"+req.Name, func() error {
		body, err := json.Marshal(nested(path, map[string]any{replayAnnotation: nil}))
		if err != nil {
			return err
		}
		_, err = r.dyn.Resource(gvr).Namespace(req.Namespace).Patch(context.Background(), req.Name, types.MergePatchType, body, metav1.PatchOptions{})
		return err
	})
	tok, err := r.mint(h.To, nil)
	if err != nil {
		return nil, err
	}
	return r.tokenActor(h.To, tok, "token of the changed workload's pods, minted by the admin as the kubelet would")
}

// nested wraps v in maps along path.
func nested(path []string, v any) map[string]any {
	for i := len(path) - 1; i > 0; i-- {
		v = map[string]any{path[i]: v}
	}
	return map[string]any{path[0]: v}
}

// bindsRoles makes, as a, the binding or role write the hop names: a
// ClusterRoleBinding or RoleBinding of a's subject to the role the bind
// check names (created, or added to the binding the request names), or the
// role the escalate check names given every permission. It waits until the
// authorizer grants what the write gives (the next hop's requests, or
// every verb on everything), and after the path undoes the write and waits
// until the grant is gone.
func (r *replayer) bindsRoles(a *actor, h rbac.Hop, next *rbac.Hop) (*actor, error) {
	if len(h.Also) == 0 {
		return nil, errors.New("the hop names no bind or escalate check")
	}
	w, check := *h.Request, h.Also[0].Request
	probe, err := grantProbe(h, next)
	if err != nil {
		return nil, err
	}
	before, err := r.sarAll(a.subject, probe)
	if err != nil {
		return nil, err
	}
	// Undone last, after the write: the grant must be gone.
	r.onUndo("wait until the grant of "+a.subject.String()+" is gone", func() error {
		return r.waitGrant(a, probe, before)
	})
	subject := bindingSubject(a.subject)
	switch {
	case check.Verb == "bind" && (w.Resource == "clusterrolebindings" || w.Resource == "rolebindings"):
		ref := rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: check.Name}
		if check.Resource == "roles" {
			ref.Kind = "Role"
		}
		err = r.writeBinding(a, w, ref, subject)
	case check.Verb == "escalate" && (w.Resource == "clusterroles" || w.Resource == "roles"):
		err = r.escalateRole(a, h, w)
	default:
		return nil, fmt.Errorf("no replay of %s with the check %s", h.Action, h.Also[0].Action)
	}
	if err != nil {
		return nil, err
	}
	if err := r.waitGrant(a, probe, true); err != nil {
		return nil, err
	}
	return a, nil
}

// grantProbe is what a binds-roles hop gives: every verb on everything,
// or the requests of the hop that follows it.
func grantProbe(h rbac.Hop, next *rbac.Hop) ([]rbac.Request, error) {
	if h.To == rbac.ClusterAdmin {
		return adminRequests(), nil
	}
	if next == nil || next.Request == nil {
		return nil, fmt.Errorf("a binds-roles hop to %s is followed by no request", h.To)
	}
	probe := []rbac.Request{*next.Request}
	for _, n := range next.Also {
		probe = append(probe, n.Request)
	}
	return probe, nil
}

func adminRequests() []rbac.Request {
	var out []rbac.Request
	for _, v := range []string{"create", "update", "delete", "get", "list"} {
		out = append(out, rbac.Request{Verb: v, Group: "*", Resource: "*"})
	}
	return out
}

// bindingSubject is the RBAC subject that names s.
func bindingSubject(s rbac.Subject) rbacv1.Subject {
	switch s.Kind {
	case rbacv1.ServiceAccountKind:
		return rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Namespace: s.Namespace, Name: s.Name}
	case rbacv1.GroupKind:
		return rbacv1.Subject{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: s.Name}
	}
	return rbacv1.Subject{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: s.Name}
}

// writeBinding creates, updates or patches, as a, the ClusterRoleBinding
// or RoleBinding w names so that it binds subject to ref.
func (r *replayer) writeBinding(a *actor, w rbac.Request, ref rbacv1.RoleRef, subject rbacv1.Subject) error {
	cluster := w.Resource == "clusterrolebindings"
	gvr := schema.GroupVersionResource{Group: rbacv1.GroupName, Version: "v1", Resource: w.Resource}
	res := func(d dynamic.Interface) dynamic.ResourceInterface {
		if cluster {
			return d.Resource(gvr)
		}
		return d.Resource(gvr).Namespace(w.Namespace)
	}
	where := w.Resource + " " + w.Namespace + "/" + w.Name
	r.requests++
	switch w.Verb {
	case "create":
		name := r.name()
		var obj runtime.Object = &rbacv1.RoleBinding{TypeMeta: metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "RoleBinding"},
			ObjectMeta: metav1.ObjectMeta{Name: name}, Subjects: []rbacv1.Subject{subject}, RoleRef: ref}
		if cluster {
			obj = &rbacv1.ClusterRoleBinding{TypeMeta: metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRoleBinding"},
				ObjectMeta: metav1.ObjectMeta{Name: name}, Subjects: []rbacv1.Subject{subject}, RoleRef: ref}
		}
		m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
		if err != nil {
			return err
		}
		if _, err := res(a.dyn).Create(r.ctx, &unstructured.Unstructured{Object: m}, metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("create %s binding %s to %s %s: %w", w.Resource, name, ref.Kind, ref.Name, err)
		}
		r.onUndo("delete "+w.Resource+" "+w.Namespace+"/"+name, func() error {
			return res(r.dyn).Delete(context.Background(), name, metav1.DeleteOptions{})
		})
		return nil
	case "update", "patch":
		old, err := res(r.dyn).Get(r.ctx, w.Name, metav1.GetOptions{})
		if err != nil {
			return fmt.Errorf("the admin gets %s: %w", where, err)
		}
		kind, _, _ := unstructured.NestedString(old.Object, "roleRef", "kind")
		name, _, _ := unstructured.NestedString(old.Object, "roleRef", "name")
		if kind != ref.Kind || name != ref.Name {
			return fmt.Errorf("%s binds %s %s, not %s %s", where, kind, name, ref.Kind, ref.Name)
		}
		oldSubjects, _, _ := unstructured.NestedSlice(old.Object, "subjects")
		s, err := runtime.DefaultUnstructuredConverter.ToUnstructured(&subject)
		if err != nil {
			return err
		}
		subjects := append(slices.Clone(oldSubjects), s)
		if w.Verb == "patch" {
			body, err := json.Marshal(map[string]any{"subjects": subjects})
			if err != nil {
				return err
			}
			_, err = res(a.dyn).Patch(r.ctx, w.Name, types.MergePatchType, body, metav1.PatchOptions{})
			if err != nil {
				return fmt.Errorf("patch %s: %w", where, err)
			}
		} else {
			obj := old.DeepCopy()
			if err := unstructured.SetNestedSlice(obj.Object, subjects, "subjects"); err != nil {
				return err
			}
			if _, err := res(a.dyn).Update(r.ctx, obj, metav1.UpdateOptions{}); err != nil {
				return fmt.Errorf("update %s: %w", where, err)
			}
		}
		r.onUndo("restore the subjects of "+where, func() error {
			cur, err := res(r.dyn).Get(context.Background(), w.Name, metav1.GetOptions{})
			if err != nil {
				return err
			}
			if oldSubjects == nil {
				unstructured.RemoveNestedField(cur.Object, "subjects")
			} else if err := unstructured.SetNestedSlice(cur.Object, oldSubjects, "subjects"); err != nil {
				return err
			}
			_, err = res(r.dyn).Update(context.Background(), cur, metav1.UpdateOptions{})
			return err
		})
		return nil
	}
	return fmt.Errorf("request %+v writes no binding", w)
}

// escalateRole updates or patches, as a, the ClusterRole or Role w names,
// adding a rule of every verb on everything, or creates it with that rule
// when it does not exist yet (its name is in the hop's action then, as a
// create names no object).
func (r *replayer) escalateRole(a *actor, h rbac.Hop, w rbac.Request) error {
	cluster := w.Resource == "clusterroles"
	gvr := schema.GroupVersionResource{Group: rbacv1.GroupName, Version: "v1", Resource: w.Resource}
	res := func(d dynamic.Interface) dynamic.ResourceInterface {
		if cluster {
			return d.Resource(gvr)
		}
		return d.Resource(gvr).Namespace(w.Namespace)
	}
	all, err := runtime.DefaultUnstructuredConverter.ToUnstructured(&rbacv1.PolicyRule{APIGroups: []string{"*"}, Resources: []string{"*"}, Verbs: []string{"*"}})
	if err != nil {
		return err
	}
	r.requests++
	switch w.Verb {
	case "create":
		// "create clusterroles.rbac.authorization.k8s.io NAME that ... binds"
		f := strings.Fields(h.Action)
		if len(f) < 4 || f[3] != "that" {
			return fmt.Errorf("action %q names no role to create", h.Action)
		}
		kind := "Role"
		if cluster {
			kind = "ClusterRole"
		}
		obj := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind,
			"metadata": map[string]any{"name": f[2]}, "rules": []any{all}}}
		if _, err := res(a.dyn).Create(r.ctx, obj, metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("create %s %s with every permission: %w", w.Resource, f[2], err)
		}
		r.onUndo("delete "+w.Resource+" "+f[2], func() error {
			return res(r.dyn).Delete(context.Background(), f[2], metav1.DeleteOptions{})
		})
		return nil
	case "update", "patch":
		where := w.Resource + " " + w.Namespace + "/" + w.Name
		old, err := res(r.dyn).Get(r.ctx, w.Name, metav1.GetOptions{})
		if err != nil {
			return fmt.Errorf("the admin gets %s: %w", where, err)
		}
		oldRules, _, _ := unstructured.NestedSlice(old.Object, "rules")
		rules := append(slices.Clone(oldRules), all)
		if w.Verb == "patch" {
			body, err := json.Marshal(map[string]any{"rules": rules})
			if err != nil {
				return err
			}
			if _, err := res(a.dyn).Patch(r.ctx, w.Name, types.MergePatchType, body, metav1.PatchOptions{}); err != nil {
				return fmt.Errorf("patch %s adding every permission: %w", where, err)
			}
		} else {
			obj := old.DeepCopy()
			if err := unstructured.SetNestedSlice(obj.Object, rules, "rules"); err != nil {
				return err
			}
			if _, err := res(a.dyn).Update(r.ctx, obj, metav1.UpdateOptions{}); err != nil {
				return fmt.Errorf("update %s adding every permission: %w", where, err)
			}
		}
		r.onUndo("restore the rules of "+where, func() error {
			cur, err := res(r.dyn).Get(context.Background(), w.Name, metav1.GetOptions{})
			if err != nil {
				return err
			}
			if oldRules == nil {
				unstructured.RemoveNestedField(cur.Object, "rules")
			} else if err := unstructured.SetNestedSlice(cur.Object, oldRules, "rules"); err != nil {
				return err
			}
			_, err = res(r.dyn).Update(context.Background(), cur, metav1.UpdateOptions{})
			return err
		})
		return nil
	}
	return fmt.Errorf("request %+v writes no role", w)
}

// sarAll reports whether the admin's SubjectAccessReview allows the
// identity of s's actor every request of reqs.
func (r *replayer) sarAll(s rbac.Subject, reqs []rbac.Request) (bool, error) {
	user, groups := rbac.Identity(s)
	if s.Kind == rbacv1.GroupKind {
		user, groups = groupMember, append(groups, rbac.GroupAuthenticated)
	}
	for _, req := range reqs {
		spec := authzv1.SubjectAccessReviewSpec{User: user, Groups: groups, ResourceAttributes: &authzv1.ResourceAttributes{
			Namespace: req.Namespace, Verb: req.Verb, Group: req.Group, Resource: req.Resource, Subresource: req.Subresource, Name: req.Name}}
		if !req.IsResource() {
			spec.ResourceAttributes = nil
			spec.NonResourceAttributes = &authzv1.NonResourceAttributes{Path: req.NonResourceURL, Verb: req.Verb}
		}
		res, err := r.admin.AuthorizationV1().SubjectAccessReviews().Create(r.ctx, &authzv1.SubjectAccessReview{Spec: spec}, metav1.CreateOptions{})
		if err != nil || !res.Status.Allowed {
			return false, err
		}
	}
	return true, nil
}

// waitGrant waits, boundedly, until every request of probe is allowed to a
// (want true), or not all are (want false): as a's own
// SelfSubjectAccessReviews while it is granted, and through the admin's
// SubjectAccessReview when it is taken back (a's credential may be bound
// to an object gone by then).
func (r *replayer) waitGrant(a *actor, probe []rbac.Request, want bool) error {
	if want {
		r.requests++
	}
	var last error
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		var ok bool
		var err error
		if want {
			ok, err = selfAllowedAll(r.ctx, a, probe)
		} else {
			ok, err = r.sarAll(a.subject, probe)
		}
		if err == nil && ok == want {
			return nil
		}
		last = err
		if time.Now().After(deadline) {
			if want {
				return fmt.Errorf("the authorizer did not grant %s %+v in 30s (last error: %v)", a, probe, last)
			}
			return fmt.Errorf("the authorizer still grants %s %+v after 30s (last error: %v)", a.subject, probe, last)
		}
	}
}

// selfAllowedAll asks the API server, as a, whether a may make every
// request of reqs.
func selfAllowedAll(ctx context.Context, a *actor, reqs []rbac.Request) (bool, error) {
	for _, req := range reqs {
		spec := authzv1.SelfSubjectAccessReviewSpec{}
		if req.IsResource() {
			spec.ResourceAttributes = &authzv1.ResourceAttributes{Namespace: req.Namespace, Verb: req.Verb, Group: req.Group,
				Resource: req.Resource, Subresource: req.Subresource, Name: req.Name}
		} else {
			spec.NonResourceAttributes = &authzv1.NonResourceAttributes{Path: req.NonResourceURL, Verb: req.Verb}
		}
		res, err := a.cs.AuthorizationV1().SelfSubjectAccessReviews().Create(ctx, &authzv1.SelfSubjectAccessReview{Spec: spec}, metav1.CreateOptions{})
		if err != nil {
			return false, err
		}
		if !res.Status.Allowed {
			return false, nil
		}
	}
	return true, nil
}

// isClusterAdmin checks that a is cluster-admin-equivalent: its own
// SelfSubjectAccessReview allows every admin verb on everything, and an
// admin-only request, the list of every Secret, succeeds as a.
func (r *replayer) isClusterAdmin(a *actor) error {
	r.requests += len(adminRequests()) + 1
	ok, err := selfAllowedAll(r.ctx, a, adminRequests())
	if err != nil {
		return fmt.Errorf("SelfSubjectAccessReview: %w", err)
	}
	if !ok {
		return errors.New("SelfSubjectAccessReview denies some of create, update, delete, get, list on */*")
	}
	if _, err := a.cs.CoreV1().Secrets("").List(r.ctx, metav1.ListOptions{Limit: 1}); err != nil {
		return fmt.Errorf("list secrets in all namespaces: %w", err)
	}
	return nil
}
