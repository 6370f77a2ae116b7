package inventory

import (
	"cmp"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"

	admissionv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubestride/kubestride/internal/fieldpath"
	"github.com/kubestride/kubestride/internal/host"
	"github.com/kubestride/kubestride/internal/object"
)

// AddSummary files what cross-object checks read of obj, once the local
// checks (check.Local) have seen it. A streaming scan keeps only these
// summaries, so its memory follows what cross-object checks need rather than
// the size of the input.
//
// Kept whole: the objects of the node checks (Inventory.NodeObjects, beside
// their summary), nodes (without their status), namespaces, service accounts,
// network policies, quotas, limit ranges, RBAC objects and admission webhook
// configurations, service-mesh policy objects (IsMeshPolicy) and the
// Prometheus Operator's monitoring configuration (IsMonitoringConfig).
// The Services that may front the control plane (controlPlaneService) are
// kept as their name, namespace, labels, type and selector, which relate
// them to the pods they front and the monitors that scrape them.
// Workloads are kept as a Workload whose object has only its name, namespace, UID, owners and suppression annotations
// (kubestride.io/ignore.*), whose pod metadata has only its labels and
// Linkerd's policy annotations (meshAnnotations), and
// whose pod spec has only the pod-level identity and host fields (service
// account, token automount, node, host namespaces, user namespaces), with a
// line index cut down to those fields. Secrets are kept as their name,
// namespace, type and service-account annotation (which make a legacy token
// Secret), never their data. Everything else — containers, volumes,
// ConfigMaps but Istio's mesh configuration (IsIstioMeshConfig, kept as its
// mesh key), other Services — is dropped but for its identity (apiVersion, kind,
// name, namespace, origin), kept in Objects. Cross-object checks
// must read only what is kept; the test comparing streaming and
// whole-inventory scans guards that.
func (inv *Inventory) AddSummary(obj *object.Object) {
	if host.IsNodeObject(obj) {
		inv.NodeObjects = append(inv.NodeObjects, obj) // kept whole: see Inventory.NodeObjects
	}
	if ws := inv.workloads(obj); len(ws) > 0 {
		kept := summarizeObject(obj, ws)
		inv.Objects = append(inv.Objects, kept)
		for _, w := range ws {
			inv.addWorkload(summarizeWorkload(w, kept))
		}
		return
	}
	switch v := obj.Typed.(type) {
	case *corev1.Secret:
		summarizeSecret(obj, v)
	case *corev1.ConfigMap:
		if !IsIstioMeshConfig(v) {
			inv.Objects = append(inv.Objects, identityOnly(obj))
			return
		}
		summarizeIstioMeshConfig(obj, v)
	case *corev1.Service:
		if !controlPlaneService(v) {
			inv.Objects = append(inv.Objects, identityOnly(obj))
			return
		}
		summarizeService(obj, v)
	case *corev1.Node:
		v.Status = corev1.NodeStatus{} // images, conditions: not read by any check
	case *corev1.Namespace, *corev1.ServiceAccount, *corev1.ResourceQuota, *corev1.LimitRange,
		*networkingv1.NetworkPolicy, *rbacv1.Role, *rbacv1.ClusterRole, *rbacv1.RoleBinding,
		*rbacv1.ClusterRoleBinding, *admissionv1.ValidatingWebhookConfiguration,
		*admissionv1.MutatingWebhookConfiguration:
	default:
		if IsMeshPolicy(obj) || IsMonitoringConfig(obj) {
			inv.Objects = append(inv.Objects, obj) // kept whole: the mesh and monitoring checks relate them
			return
		}
		inv.Objects = append(inv.Objects, identityOnly(obj))
		return
	}
	obj.Meta.ManagedFields = nil
	inv.Add(obj)
}

// summarizeObject keeps of a workload object its identity, owners and
// suppression annotations, with the lines of the fields its workloads' kept
// fields sit at.
func summarizeObject(o *object.Object, ws []*Workload) *object.Object {
	m := o.Meta
	paths := []string{"metadata.name", "metadata.labels", "metadata.annotations"}
	for _, w := range ws {
		paths = append(paths,
			fieldpath.Join(w.MetaPath, "labels"), fieldpath.Join(w.MetaPath, "annotations"),
			w.Path("serviceAccountName"), w.Path("serviceAccount"),
			w.Path("automountServiceAccountToken"), w.Path("nodeName"),
			w.Path("hostNetwork"), w.Path("hostPID"), w.Path("hostIPC"), w.Path("hostUsers"),
			w.Path("imagePullSecrets"),
		)
		for k := range meshAnnotations(w.PodMeta.Annotations) {
			paths = append(paths, fieldpath.Key(fieldpath.Join(w.MetaPath, "annotations"), k))
		}
	}
	return &object.Object{
		Origin:     o.Origin,
		APIVersion: o.APIVersion,
		Kind:       o.Kind,
		Meta: &metav1.ObjectMeta{
			Name: m.Name, Namespace: m.Namespace, UID: m.UID,
			Annotations: ignoreAnnotations(m.Annotations), OwnerReferences: m.OwnerReferences,
		},
		Lines: o.Lines.Keep(paths...),
	}
}

func summarizeWorkload(w *Workload, kept *object.Object) *Workload {
	pm, s := w.PodMeta, w.Spec
	return &Workload{
		Object:   kept,
		PodMeta:  &metav1.ObjectMeta{Labels: pm.Labels, Annotations: meshAnnotations(pm.Annotations)},
		SpecPath: w.SpecPath,
		MetaPath: w.MetaPath,
		paths:    w.paths,
		Spec: &corev1.PodSpec{
			ServiceAccountName:           s.ServiceAccountName,
			DeprecatedServiceAccount:     s.DeprecatedServiceAccount,
			AutomountServiceAccountToken: s.AutomountServiceAccountToken,
			NodeName:                     s.NodeName,
			HostNetwork:                  s.HostNetwork,
			HostPID:                      s.HostPID,
			HostIPC:                      s.HostIPC,
			HostUsers:                    s.HostUsers,
			ImagePullSecrets:             s.ImagePullSecrets,
			InitContainers:               imagesOnly(s.InitContainers),
			Containers:                   imagesOnly(s.Containers),
			EphemeralContainers:          ephemeralImagesOnly(s.EphemeralContainers),
		},
	}
}

// imagesOnly keeps of each container its name and image, which the
// registry-access checks relate to pull secrets.
func imagesOnly(cs []corev1.Container) []corev1.Container {
	if len(cs) == 0 {
		return nil
	}
	out := make([]corev1.Container, len(cs))
	for i, c := range cs {
		out[i] = corev1.Container{Name: c.Name, Image: c.Image}
	}
	return out
}

func ephemeralImagesOnly(cs []corev1.EphemeralContainer) []corev1.EphemeralContainer {
	if len(cs) == 0 {
		return nil
	}
	out := make([]corev1.EphemeralContainer, len(cs))
	for i, c := range cs {
		out[i].Name, out[i].Image = c.Name, c.Image
	}
	return out
}

// meshAnnotationPrefixes start the pod annotations the mesh checks read
// (Linkerd's default inbound policy, the meshes' injection markers); a
// workload summary keeps only those.
var meshAnnotationPrefixes = []string{"config.linkerd.io/", "linkerd.io/inject", "sidecar.istio.io/inject"}

// meshAnnotations returns the annotations of a that the mesh checks read.
func meshAnnotations(a map[string]string) map[string]string {
	var out map[string]string
	for k, v := range a {
		for _, p := range meshAnnotationPrefixes {
			if strings.HasPrefix(k, p) {
				if out == nil {
					out = map[string]string{}
				}
				out[k] = v
			}
		}
	}
	return out
}

// meshPolicyGroups are the API groups of service-mesh policy objects
// (Istio's security policies, Linkerd's policy resources).
var meshPolicyGroups = []string{"security.istio.io/", "policy.linkerd.io/"}

// IsMeshPolicy reports whether obj is a service-mesh policy object, which
// the mesh checks read from its JSON (object.Object.Raw) and relate to
// namespaces and workloads; a summary keeps it whole.
func IsMeshPolicy(obj *object.Object) bool {
	for _, g := range meshPolicyGroups {
		if strings.HasPrefix(obj.APIVersion, g) {
			return true
		}
	}
	return false
}

// IsMonitoringConfig reports whether obj is a Prometheus Operator
// ServiceMonitor, PodMonitor, PrometheusRule or Prometheus
// (monitoring.coreos.com), which
// the control-plane monitoring checks read from its JSON; a summary keeps
// it whole.
func IsMonitoringConfig(obj *object.Object) bool {
	if !strings.HasPrefix(obj.APIVersion, "monitoring.coreos.com/") {
		return false
	}
	switch obj.Kind {
	case "ServiceMonitor", "PodMonitor", "PrometheusRule", "Prometheus":
		return true
	}
	return false
}

// IsIstioMeshConfig reports whether cm is Istio's mesh configuration: the
// ConfigMap istio (or istio-REVISION) that istiod reads, its mesh key
// holding the MeshConfig in YAML.
func IsIstioMeshConfig(cm *corev1.ConfigMap) bool {
	if cm.Name != "istio" && !strings.HasPrefix(cm.Name, "istio-") {
		return false
	}
	_, ok := cm.Data["mesh"]
	return ok
}

// summarizeIstioMeshConfig keeps of Istio's mesh ConfigMap its identity
// and its mesh key, which names the mesh's root namespace.
func summarizeIstioMeshConfig(obj *object.Object, cm *corev1.ConfigMap) {
	kept := &corev1.ConfigMap{
		TypeMeta: cm.TypeMeta,
		ObjectMeta: metav1.ObjectMeta{
			Name: cm.Name, Namespace: cm.Namespace, UID: cm.UID,
			Annotations: ignoreAnnotations(cm.Annotations),
		},
		Data: map[string]string{"mesh": cm.Data["mesh"]},
	}
	obj.Typed, obj.Meta, obj.Raw = kept, &kept.ObjectMeta, nil
	obj.Lines = obj.Lines.Keep("metadata.name", fieldpath.Key("data", "mesh"))
}

// identityOnly returns obj's identity (apiVersion, kind, name, namespace,
// origin) and suppression annotations, which is all a summary keeps of
// most objects.
func identityOnly(obj *object.Object) *object.Object {
	return &object.Object{
		Origin: obj.Origin, APIVersion: obj.APIVersion, Kind: obj.Kind,
		Meta:  &metav1.ObjectMeta{Name: obj.Meta.Name, Namespace: obj.Meta.Namespace, Annotations: ignoreAnnotations(obj.Meta.Annotations)},
		Lines: obj.Lines.Keep("metadata.name"),
	}
}

// controlPlaneService reports whether s may front the control plane: the
// kubernetes Service of the default namespace (the API servers), or a
// Service of kube-system, where the control plane's static pods run. The
// monitoring checks relate only those to the pods and monitors; a summary
// keeps them (summarizeService) and only the identity of the others.
func controlPlaneService(s *corev1.Service) bool {
	return s.Namespace == "kube-system" || (s.Namespace == "default" && s.Name == "kubernetes")
}

// summarizeService keeps of a Service its identity, labels, type and
// selector (and suppression annotations).
func summarizeService(obj *object.Object, s *corev1.Service) {
	kept := &corev1.Service{
		TypeMeta: s.TypeMeta,
		ObjectMeta: metav1.ObjectMeta{
			Name: s.Name, Namespace: s.Namespace, UID: s.UID, Labels: s.Labels,
			Annotations: ignoreAnnotations(s.Annotations),
		},
		Spec: corev1.ServiceSpec{Type: s.Spec.Type, Selector: s.Spec.Selector},
	}
	obj.Typed, obj.Meta, obj.Raw = kept, &kept.ObjectMeta, nil
	obj.Lines = obj.Lines.Keep("metadata.name", "metadata.labels", "spec.type", "spec.selector")
}

// ignoreAnnotationPrefix starts the annotations that suppress a check on an
// object (see package scan); a summary keeps only those.
const ignoreAnnotationPrefix = "kubestride.io/ignore."

func ignoreAnnotations(a map[string]string) map[string]string {
	var out map[string]string
	for k, v := range a {
		if strings.HasPrefix(k, ignoreAnnotationPrefix) {
			if out == nil {
				out = map[string]string{}
			}
			out[k] = v
		}
	}
	return out
}

// summarizeSecret replaces a Secret by one that holds only what names a
// legacy service-account token: its identity, type and service-account
// annotation (and suppression annotations). Its data is gone.
func summarizeSecret(obj *object.Object, s *corev1.Secret) {
	kept := &corev1.Secret{
		TypeMeta: s.TypeMeta,
		ObjectMeta: metav1.ObjectMeta{
			Name: s.Name, Namespace: s.Namespace, UID: s.UID,
			Annotations: ignoreAnnotations(s.Annotations),
		},
		Type: s.Type,
	}
	if sa, ok := s.Annotations[corev1.ServiceAccountNameKey]; ok {
		if kept.Annotations == nil {
			kept.Annotations = map[string]string{}
		}
		kept.Annotations[corev1.ServiceAccountNameKey] = sa
	}
	if creds := RegistryCredentials(s); len(creds) > 0 {
		if kept.Annotations == nil {
			kept.Annotations = map[string]string{}
		}
		data, _ := json.Marshal(creds) // strings only: cannot fail
		kept.Annotations[registryCredentialsAnnotation] = string(data)
	}
	obj.Typed, obj.Meta = kept, &kept.ObjectMeta
	obj.Lines = obj.Lines.Keep("metadata.name", "metadata.annotations", "type",
		fieldpath.Key("data", corev1.DockerConfigJsonKey), fieldpath.Key("data", corev1.DockerConfigKey))
}

// RegistryCredential is one registry a pull secret's Docker config holds a
// credential for, with a fingerprint of that credential. It never holds the
// credential itself.
type RegistryCredential struct {
	// Server is the registry as the Docker config names it, without its
	// scheme and lowercased, Docker Hub's aliases written docker.io; it may
	// hold a path (registry.example.com/team) and wildcards (*.gcr.io),
	// which the kubelet honours.
	Server string `json:"server"`
	// Fingerprint is the SHA-256 of the credential (user name, password and
	// tokens), in hex: two Secrets with the same fingerprint for the same
	// server hold the same credential.
	Fingerprint string `json:"fingerprint"`
	// Push lists the repositories the credential may push to, as its
	// registry token says ("*" for all): read from the access claims of a
	// registry token (a JWT in registrytoken, identitytoken or the
	// password), sorted; empty when the credential says nothing of its
	// scope (a password, an opaque token) or grants only pulls.
	Push []string `json:"push,omitempty"`
}

// registryCredentialsAnnotation carries RegistryCredentials in a Secret's
// summary, whose data is gone.
const registryCredentialsAnnotation = "kubestride.io/summary.registry-credentials"

// RegistryCredentials returns the registries of a pull secret (type
// kubernetes.io/dockerconfigjson or kubernetes.io/dockercfg, the ones the
// kubelet reads) sorted by server, each with the fingerprint of its
// credential; nil for any other Secret or a Docker config that does not
// decode. On a Secret's summary (AddSummary) it returns what was read of
// the whole Secret.
func RegistryCredentials(s *corev1.Secret) []RegistryCredential {
	var key string
	switch s.Type {
	case corev1.SecretTypeDockerConfigJson:
		key = corev1.DockerConfigJsonKey
	case corev1.SecretTypeDockercfg:
		key = corev1.DockerConfigKey
	default:
		return nil
	}
	data, ok := []byte(s.StringData[key]), s.StringData[key] != ""
	if !ok {
		data, ok = s.Data[key]
	}
	if !ok {
		if kept, ok := s.Annotations[registryCredentialsAnnotation]; ok && len(s.Data) == 0 && len(s.StringData) == 0 {
			var out []RegistryCredential
			if json.Unmarshal([]byte(kept), &out) == nil {
				return out
			}
		}
		return nil
	}
	var entries map[string]dockerAuth
	if key == corev1.DockerConfigJsonKey {
		var cfg struct {
			Auths map[string]dockerAuth `json:"auths"`
		}
		if json.Unmarshal(data, &cfg) != nil {
			return nil
		}
		entries = cfg.Auths
	} else if json.Unmarshal(data, &entries) != nil {
		return nil
	}
	out := make([]RegistryCredential, 0, len(entries))
	for server, a := range entries {
		out = append(out, RegistryCredential{Server: RegistryServer(server), Fingerprint: a.fingerprint(), Push: a.pushScopes()})
	}
	slices.SortFunc(out, func(a, b RegistryCredential) int {
		return cmp.Or(cmp.Compare(a.Server, b.Server), cmp.Compare(a.Fingerprint, b.Fingerprint))
	})
	return out
}

// dockerAuth is one entry of a Docker config's auths.
type dockerAuth struct {
	Auth          string `json:"auth"`
	Username      string `json:"username"`
	Password      string `json:"password"`
	IdentityToken string `json:"identitytoken"`
	RegistryToken string `json:"registrytoken"`
}

// login returns the user name and password: from auth (base64 of
// user:password) when set, as the kubelet prefers it, else the fields; ok
// is false when auth is set but is not base64.
func (a dockerAuth) login() (user, pass string, ok bool) {
	if a.Auth == "" {
		return a.Username, a.Password, true
	}
	dec, err := base64.StdEncoding.DecodeString(a.Auth)
	if err != nil {
		return "", "", false
	}
	user, pass, _ = strings.Cut(string(dec), ":")
	return user, pass, true
}

// fingerprint hashes the credential: auth (base64 of user:password) when
// set, as the kubelet prefers it, else the user name and password, and the
// tokens.
func (a dockerAuth) fingerprint() string {
	user, pass, ok := a.login()
	if !ok {
		user, pass = "", a.Auth
	}
	sum := sha256.Sum256([]byte("kubestride registry credential\x00" + user + "\x00" + pass + "\x00" + a.IdentityToken + "\x00" + a.RegistryToken))
	return hex.EncodeToString(sum[:])
}

// pushScopes returns the repositories a's registry tokens grant push on,
// sorted and deduplicated; see RegistryCredential.Push.
func (a dockerAuth) pushScopes() []string {
	_, pass, ok := a.login()
	if !ok {
		pass = a.Password
	}
	var out []string
	for _, tok := range []string{a.RegistryToken, a.IdentityToken, pass} {
		out = append(out, tokenPushScopes(tok)...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// maxTokenLen bounds the tokens tokenPushScopes decodes.
const maxTokenLen = 64 << 10

// tokenPushScopes reads tok as a registry token of the Docker registry
// token specification (a JWT, as Docker Hub, Harbor, GitLab and the CNCF
// distribution registry's token servers issue) and returns the
// repositories its claims grant push on: the "access" claim's entries of
// type repository (or registry) whose actions include push or "*", and the
// same in an OAuth2 "scope" claim ("repository:team/app:pull,push"). The
// signature is not verified: the claims say what the registry was asked
// to grant, which is what the check judges. Anything that is not such a
// token gives nothing.
func tokenPushScopes(tok string) []string {
	if len(tok) > maxTokenLen || strings.Count(tok, ".") != 2 {
		return nil
	}
	parts := strings.Split(tok, ".")
	var header struct {
		Alg string `json:"alg"`
	}
	if h, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[0], "=")); err != nil || json.Unmarshal(h, &header) != nil || header.Alg == "" {
		return nil
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return nil
	}
	var claims struct {
		Access []struct {
			Type    string   `json:"type"`
			Name    string   `json:"name"`
			Actions []string `json:"actions"`
		} `json:"access"`
		Scope string `json:"scope"`
	}
	if json.Unmarshal(payload, &claims) != nil {
		return nil
	}
	var out []string
	grant := func(typ, name string, actions []string) {
		if typ != "repository" && typ != "registry" {
			return
		}
		if slices.Contains(actions, "push") || slices.Contains(actions, "*") {
			if typ == "registry" || name == "" {
				name = "*"
			}
			out = append(out, name)
		}
	}
	for _, a := range claims.Access {
		grant(a.Type, a.Name, a.Actions)
	}
	for _, sc := range strings.Fields(claims.Scope) {
		// type:name:actions, where the name may hold a port (host:5000/x).
		first := strings.IndexByte(sc, ':')
		last := strings.LastIndexByte(sc, ':')
		if first < 0 || last == first {
			continue
		}
		grant(sc[:first], sc[first+1:last], strings.Split(sc[last+1:], ","))
	}
	return out
}

// RegistryServer writes a Docker config's server key as RegistryCredential
// holds it: lowercased, without scheme or trailing slash, with Docker Hub's
// aliases (index.docker.io/v1/, registry-1.docker.io) as docker.io.
func RegistryServer(server string) string {
	s := strings.ToLower(strings.TrimSpace(server))
	for _, scheme := range []string{"https://", "http://"} {
		s = strings.TrimPrefix(s, scheme)
	}
	s = strings.TrimRight(s, "/")
	host, path, _ := strings.Cut(s, "/")
	switch host {
	case "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com", "docker.io":
		return "docker.io" // its /v1/ is the API's path, not a repository
	}
	if path == "" {
		return host
	}
	return host + "/" + path
}
