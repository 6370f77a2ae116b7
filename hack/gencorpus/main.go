// Command gencorpus writes the synthetic manifest corpora hack/bench.py times
// kubestride on. It is deterministic: the same seed gives the same bytes.
//
// Usage: go run ./hack/gencorpus OUTDIR NFILES [--single-docs NDOCS] [--seed N]
//
// It writes OUTDIR/app-00000.yaml ..., each a multi-document "app bundle": one
// workload (Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod) and the
// objects that go with it (Service, ConfigMap, Secret, ServiceAccount, Role or
// ClusterRole and its binding, NetworkPolicy, ResourceQuota,
// PodDisruptionBudget, HorizontalPodAutoscaler). With --single-docs N it
// writes OUTDIR/all.yaml instead: bundles concatenated until exactly N
// documents. The security posture varies on purpose: privileged containers,
// hostPath volumes, hostNetwork/hostPID/hostIPC, added capabilities,
// runAsUser 0, allowPrivilegeEscalation, missing requests and limits,
// ":latest" and untagged images, wildcard RBAC, secrets in env, missing
// probes. About one workload in seven is hardened (non-root, read-only root
// filesystem, all capabilities dropped, seccomp RuntimeDefault, limits,
// probes, an image pinned by digest).
//
// `gencorpus OUT 0 --single-docs 10000 --seed 3` makes bench.py's "single"
// corpus (one file, 10,000 documents) and `gencorpus OUT 10000 --seed 2` its
// "multi" corpus (10,000 files, about 33,000 documents).
package main

import (
	"bufio"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

func main() {
	opts, err := parseArgs(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "gencorpus:", err)
		fmt.Fprintln(os.Stderr, "usage: gencorpus OUTDIR NFILES [--single-docs NDOCS] [--seed N]")
		os.Exit(2)
	}
	summary, err := generate(opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gencorpus:", err)
		os.Exit(1)
	}
	fmt.Println(summary)
}

type options struct {
	out    string
	files  int
	single int // documents in all.yaml; 0 writes NFILES bundles instead
	seed   uint64
}

// parseArgs reads OUTDIR NFILES and the flags, which may come anywhere.
func parseArgs(args []string) (options, error) {
	o := options{seed: 42}
	var pos []string
	for i := 0; i < len(args); i++ {
		switch a := args[i]; a {
		case "--seed", "--single-docs":
			if i+1 == len(args) {
				return o, fmt.Errorf("%s needs a value", a)
			}
			i++
			n, err := strconv.ParseUint(args[i], 10, 63)
			if err != nil {
				return o, fmt.Errorf("%s %q: %w", a, args[i], err)
			}
			if a == "--seed" {
				o.seed = n
			} else {
				o.single = int(n)
			}
		default:
			if strings.HasPrefix(a, "-") {
				return o, fmt.Errorf("unknown flag %s", a)
			}
			pos = append(pos, a)
		}
	}
	switch len(pos) {
	case 0:
		return o, errors.New("no output directory")
	case 1:
	case 2:
		n, err := strconv.Atoi(pos[1])
		if err != nil || n < 0 {
			return o, fmt.Errorf("NFILES %q is not a count", pos[1])
		}
		o.files = n
	default:
		return o, fmt.Errorf("unexpected argument %q", pos[2])
	}
	o.out = pos[0]
	return o, nil
}

// generate writes the corpus o describes and returns a one-line summary: the
// files and documents written and the count of each kind.
func generate(o options) (string, error) {
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return "", err
	}
	g := newGen(o.seed)
	kinds := map[string]int{}
	ndocs, nfiles := 0, o.files
	if o.single > 0 {
		var docs []M
		for i := 0; len(docs) < o.single; i++ {
			docs = append(docs, g.bundle(i)...)
		}
		docs = docs[:o.single]
		if err := writeDocs(filepath.Join(o.out, "all.yaml"), docs, kinds); err != nil {
			return "", err
		}
		ndocs, nfiles = len(docs), 1
	} else {
		for i := range o.files {
			docs := g.bundle(i)
			if err := writeDocs(filepath.Join(o.out, fmt.Sprintf("app-%05d.yaml", i)), docs, kinds); err != nil {
				return "", err
			}
			ndocs += len(docs)
		}
		if nfiles == 0 {
			nfiles = 1 // as the first generator printed it
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: files=%d docs=%d", o.out, nfiles, ndocs)
	names := make([]string, 0, len(kinds))
	for k := range kinds {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		fmt.Fprintf(&b, " %s=%d", k, kinds[k])
	}
	return b.String(), nil
}

// writeDocs writes docs to path, separated by "---" lines, and counts their
// kinds.
func writeDocs(path string, docs []M, kinds map[string]int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for i, d := range docs {
		if i > 0 {
			w.WriteString("---\n")
		}
		w.WriteString(toYAML(d))
		kind, _ := d.Get("kind")
		kinds[kind.(string)]++
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// ----------------------------------------------------------------------------
// Ordered maps and a small block-style YAML emitter, enough for manifests.

// M is a mapping that keeps its keys in the order they were first set.
type M []KV

// KV is one entry of an M.
type KV struct {
	K string
	V any
}

// m builds an M from alternating keys and values.
func m(kv ...any) M {
	out := make(M, 0, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		out = append(out, KV{kv[i].(string), kv[i+1]})
	}
	return out
}

// L builds a list.
func L(items ...any) []any { return items }

// Set sets k to v, in place when k is already there, at the end otherwise.
func (mp *M) Set(k string, v any) {
	for i := range *mp {
		if (*mp)[i].K == k {
			(*mp)[i].V = v
			return
		}
	}
	*mp = append(*mp, KV{k, v})
}

// Get returns the value of k.
func (mp M) Get(k string) (any, bool) {
	for _, e := range mp {
		if e.K == k {
			return e.V, true
		}
	}
	return nil, false
}

// Del removes k.
func (mp *M) Del(k string) {
	*mp = slices.DeleteFunc(*mp, func(e KV) bool { return e.K == k })
}

var (
	plain    = regexp.MustCompile(`^[A-Za-z_/][A-Za-z0-9_./:@-]*$`)
	reserved = map[string]bool{"true": true, "false": true, "yes": true, "no": true, "on": true,
		"off": true, "null": true, "y": true, "n": true, "~": true}
)

// scalar writes a scalar: a string plain when nothing could read it as
// another type or as a key, double-quoted otherwise.
func scalar(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return strconv.FormatBool(v)
	case int:
		return strconv.Itoa(v)
	case string:
		if plain.MatchString(v) && !reserved[strings.ToLower(v)] && !strings.HasSuffix(v, ":") {
			return v
		}
		r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
		return `"` + r.Replace(v) + `"`
	}
	panic(fmt.Sprintf("gencorpus: cannot write a %T", v))
}

// emit appends the lines of v at indent (in units of two spaces). A list
// under a key is written at the key's indent, as kubectl writes them.
func emit(v any, indent int, out []string) []string {
	pad := strings.Repeat("  ", indent)
	switch v := v.(type) {
	case M:
		for _, e := range v {
			switch x := e.V.(type) {
			case M:
				if len(x) == 0 {
					out = append(out, pad+e.K+": {}")
				} else {
					out = append(out, pad+e.K+":")
					out = emit(x, indent+1, out)
				}
			case []any:
				if len(x) == 0 {
					out = append(out, pad+e.K+": []")
				} else {
					out = append(out, pad+e.K+":")
					out = emit(x, indent, out)
				}
			default:
				out = append(out, pad+e.K+": "+scalar(x))
			}
		}
	case []any:
		for _, item := range v {
			switch x := item.(type) {
			case M:
				if len(x) == 0 {
					panic("gencorpus: an empty mapping in a list")
				}
				sub := emit(x, indent+1, nil)
				sub[0] = pad + "- " + sub[0][len(pad)+2:]
				out = append(out, sub...)
			case []any:
				panic("gencorpus: a list in a list")
			default:
				out = append(out, pad+"- "+scalar(x))
			}
		}
	default:
		panic(fmt.Sprintf("gencorpus: cannot write a %T at the top", v))
	}
	return out
}

// toYAML writes one document.
func toYAML(doc M) string {
	return strings.Join(emit(doc, 0, nil), "\n") + "\n"
}

// ----------------------------------------------------------------------------
// The bundles.

var teams = []string{"payments", "search", "checkout", "identity", "platform", "data", "ml", "web", "ops", "billing"}

// untagged in an image's tags means the image is written without a tag.
const untagged = ""

var images = []struct {
	name string
	tags []string
}{
	{"nginx", []string{"1.27.3", "1.25", "latest", untagged}},
	{"redis", []string{"7.4.1", "7.2", "latest"}},
	{"postgres", []string{"16.4", "15", "latest"}},
	{"ghcr.io/acme/api", []string{"v2.3.1", "v2.3.0", "main", "latest", untagged}},
	{"registry.example.com/team/worker", []string{"1.0.7", "1.0", "latest"}},
	{"busybox", []string{"1.36", "latest", untagged}},
	{"quay.io/prometheus/node-exporter", []string{"v1.8.2"}},
	{"docker.io/library/python", []string{"3.12-slim", "3.11"}},
	{"gcr.io/distroless/static", []string{"nonroot"}},
}

var digest = "sha256:" + strings.Repeat("ab", 32)

type gen struct{ r *rand.Rand }

func newGen(seed uint64) *gen {
	return &gen{rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

func pick[T any](g *gen, xs ...T) T { return xs[g.r.IntN(len(xs))] }

// weighted picks one of xs with the given weights.
func (g *gen) weighted(xs []string, weights []int) string {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := g.r.IntN(total)
	for i, w := range weights {
		if n < w {
			return xs[i]
		}
		n -= w
	}
	return xs[len(xs)-1]
}

// sample picks k distinct elements of xs, in random order.
func (g *gen) sample(xs []string, k int) []any {
	perm := g.r.Perm(len(xs))
	out := make([]any, k)
	for i := range k {
		out[i] = xs[perm[i]]
	}
	return out
}

func (g *gen) image(hardened bool) string {
	img := images[g.r.IntN(len(images))]
	if hardened {
		return img.name + "@" + digest
	}
	tag := pick(g, img.tags...)
	if tag == untagged {
		return img.name
	}
	return img.name + ":" + tag
}

// resources returns a container's resources, or nil for none at all.
func (g *gen) resources(hardened bool) M {
	if hardened || g.chance(0.45) {
		res := m("requests", m("cpu", pick(g, "50m", "100m", "250m", "500m"),
			"memory", pick(g, "64Mi", "128Mi", "256Mi", "512Mi")))
		if hardened || g.chance(0.6) {
			res.Set("limits", m("cpu", pick(g, "200m", "500m", "1", "2"),
				"memory", pick(g, "128Mi", "256Mi", "1Gi", "2Gi")))
		}
		if !hardened && g.chance(0.2) {
			res.Set("limits", m("memory", "512Mi")) // no cpu limit
		}
		return res
	}
	if g.chance(0.3) {
		return M{}
	}
	return nil
}

// containerSC returns a container's securityContext, or nil for none.
func (g *gen) containerSC(hardened bool) M {
	if hardened {
		return m("allowPrivilegeEscalation", false, "readOnlyRootFilesystem", true,
			"runAsNonRoot", true, "runAsUser", pick(g, 1000, 10001, 65532),
			"runAsGroup", 10001, "capabilities", m("drop", L("ALL")),
			"seccompProfile", m("type", "RuntimeDefault"))
	}
	if g.chance(0.35) {
		return nil
	}
	sc := M{}
	if g.chance(0.15) {
		sc.Set("privileged", true)
	}
	if g.chance(0.3) {
		sc.Set("allowPrivilegeEscalation", g.chance(0.5))
	}
	if g.chance(0.25) {
		sc.Set("runAsUser", 0)
	} else if g.chance(0.3) {
		sc.Set("runAsUser", pick(g, 1000, 101, 999))
		sc.Set("runAsNonRoot", true)
	}
	if g.chance(0.2) {
		caps := []string{"NET_ADMIN", "SYS_ADMIN", "NET_RAW", "SYS_PTRACE", "SYS_TIME"}
		sc.Set("capabilities", m("add", g.sample(caps, 1+g.r.IntN(2))))
	} else if g.chance(0.3) {
		sc.Set("capabilities", m("drop", L("ALL")))
	}
	if g.chance(0.25) {
		sc.Set("readOnlyRootFilesystem", g.chance(0.7))
	}
	return sc
}

func (g *gen) container(name string, hardened bool, port int) M {
	c := m("name", name, "image", g.image(hardened))
	if !hardened && g.chance(0.4) {
		c.Set("imagePullPolicy", pick(g, "Always", "IfNotPresent"))
	} else if hardened {
		c.Set("imagePullPolicy", "IfNotPresent")
	}
	if g.chance(0.3) {
		c.Set("args", L(fmt.Sprintf("--port=%d", port), "--log-level=info"))
	}
	p := m("name", "http", "containerPort", port, "protocol", "TCP")
	if !hardened && g.chance(0.05) {
		p.Set("hostPort", port)
	}
	c.Set("ports", L(p))
	env := L(m("name", "APP_ENV", "value", pick(g, "prod", "staging", "dev")),
		m("name", "POD_NAME", "valueFrom", m("fieldRef", m("fieldPath", "metadata.name"))))
	if g.chance(0.3) {
		env = append(env, m("name", "DB_PASSWORD", "valueFrom",
			m("secretKeyRef", m("name", "app-secret", "key", "password"))))
	}
	if !hardened && g.chance(0.1) {
		env = append(env, m("name", "API_TOKEN", "value", "s3cr3t-token-123"))
	}
	c.Set("env", env)
	if res := g.resources(hardened); res != nil {
		c.Set("resources", res)
	}
	if hardened || g.chance(0.5) {
		c.Set("livenessProbe", m("httpGet", m("path", "/healthz", "port", port),
			"initialDelaySeconds", 10, "periodSeconds", 10))
	}
	if hardened || g.chance(0.45) {
		c.Set("readinessProbe", m("httpGet", m("path", "/ready", "port", port), "periodSeconds", 5))
	}
	if sc := g.containerSC(hardened); sc != nil {
		c.Set("securityContext", sc)
	}
	return c
}

func (g *gen) podSpec(app string, hardened bool, restart string) (M, int) {
	port := pick(g, 8080, 8443, 9090, 3000, 80)
	spec := M{}
	if restart != "" {
		spec.Set("restartPolicy", restart)
	}
	if hardened {
		spec.Set("automountServiceAccountToken", false)
		spec.Set("serviceAccountName", app)
		spec.Set("securityContext", m("runAsNonRoot", true, "fsGroup", 10001,
			"seccompProfile", m("type", "RuntimeDefault")))
	} else {
		if g.chance(0.3) {
			spec.Set("serviceAccountName", app)
		}
		if g.chance(0.15) {
			spec.Set("automountServiceAccountToken", g.chance(0.3))
		}
		if g.chance(0.08) {
			spec.Set("hostNetwork", true)
		}
		if g.chance(0.05) {
			spec.Set("hostPID", true)
		}
		if g.chance(0.04) {
			spec.Set("hostIPC", true)
		}
		if g.chance(0.3) {
			var sc M
			switch g.r.IntN(3) {
			case 0:
				sc = m("runAsUser", 0)
			case 1:
				sc = m("runAsNonRoot", true, "runAsUser", 1000)
			default:
				sc = m("fsGroup", 2000)
			}
			spec.Set("securityContext", sc)
		}
	}
	containers := L(g.container(app, hardened, port))
	if g.chance(0.25) {
		containers = append(containers, g.container("sidecar", hardened, port+1))
	}
	var vols, mounts []any
	if g.chance(0.4) {
		vols = append(vols, m("name", "config", "configMap", m("name", app+"-config")))
		mounts = append(mounts, m("name", "config", "mountPath", "/etc/app", "readOnly", true))
	}
	if g.chance(0.2) {
		vols = append(vols, m("name", "tmp", "emptyDir", M{}))
		mounts = append(mounts, m("name", "tmp", "mountPath", "/tmp"))
	}
	if !hardened && g.chance(0.12) {
		p := pick(g, "/var/run/docker.sock", "/var/log", "/", "/etc", "/proc")
		vols = append(vols, m("name", "host", "hostPath", m("path", p)))
		mounts = append(mounts, m("name", "host", "mountPath", "/host"+hostMount(p)))
	}
	if g.chance(0.15) {
		vols = append(vols, m("name", "creds", "secret", m("secretName", "app-secret")))
		mounts = append(mounts, m("name", "creds", "mountPath", "/var/run/creds", "readOnly", true))
	}
	if len(mounts) > 0 {
		first := containers[0].(M)
		first.Set("volumeMounts", mounts)
		containers[0] = first
	}
	if g.chance(0.1) {
		init := g.container("init", hardened, port)
		init.Del("ports")
		init.Del("livenessProbe")
		init.Del("readinessProbe")
		init.Set("command", L("sh", "-c", "echo init"))
		spec.Set("initContainers", L(init))
	}
	spec.Set("containers", containers)
	if len(vols) > 0 {
		spec.Set("volumes", vols)
	}
	if g.chance(0.2) {
		spec.Set("nodeSelector", m("kubernetes.io/os", "linux"))
	}
	if g.chance(0.1) {
		spec.Set("tolerations", L(m("key", "dedicated", "operator", "Equal", "value", "batch", "effect", "NoSchedule")))
	}
	if g.chance(0.15) {
		spec.Set("priorityClassName", "high-priority")
	}
	return spec, port
}

// hostMount is where a hostPath volume of path p is mounted, under /host.
func hostMount(p string) string {
	if p == "/" {
		return ""
	}
	return p
}

func (g *gen) meta(name, ns, app, team string) M {
	md := m("name", name, "namespace", ns, "labels", m("app", app, "team", team, "app.kubernetes.io/name", app))
	if g.chance(0.3) {
		md.Set("annotations", m("owner", team+"@example.com"))
	}
	return md
}

var (
	workloadKinds   = []string{"Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod"}
	workloadWeights = []int{45, 12, 8, 10, 10, 15}
)

// bundle returns the documents of app bundle i: a workload first, then the
// objects that go with it.
func (g *gen) bundle(i int) []M {
	team := pick(g, teams...)
	ns := pick(g, team, team+"-prod", "default", team+"-staging")
	app := fmt.Sprintf("%s-app-%d", team, i)
	hardened := g.chance(0.15)
	kind := g.weighted(workloadKinds, workloadWeights)
	restart := ""
	switch {
	case kind == "Job" || kind == "CronJob":
		restart = "OnFailure"
	case kind == "Pod" && g.chance(0.5):
		restart = "Always"
	}
	spec, port := g.podSpec(app, hardened, restart)
	tmeta := m("labels", m("app", app, "team", team))
	if g.chance(0.2) {
		tmeta.Set("annotations", m("prometheus.io/scrape", "true"))
	}
	selector := m("matchLabels", m("app", app))
	template := m("metadata", tmeta, "spec", spec)
	var w M
	switch kind {
	case "Deployment":
		wspec := m("replicas", pick(g, 1, 2, 3, 5), "selector", selector)
		if g.chance(0.4) {
			wspec.Set("strategy", m("type", "RollingUpdate", "rollingUpdate", m("maxUnavailable", 0, "maxSurge", 1)))
		}
		wspec.Set("template", template)
		w = m("apiVersion", "apps/v1", "kind", kind, "metadata", g.meta(app, ns, app, team), "spec", wspec)
	case "StatefulSet":
		md := g.meta(app, ns, app, team)
		w = m("apiVersion", "apps/v1", "kind", kind, "metadata", md,
			"spec", m("serviceName", app, "replicas", pick(g, 1, 3), "selector", selector,
				"template", template,
				"volumeClaimTemplates", L(m("metadata", m("name", "data"),
					"spec", m("accessModes", L("ReadWriteOnce"), "resources", m("requests", m("storage", "10Gi")))))))
	case "DaemonSet":
		w = m("apiVersion", "apps/v1", "kind", kind, "metadata", g.meta(app, ns, app, team),
			"spec", m("selector", selector, "template", template))
	case "Job":
		w = m("apiVersion", "batch/v1", "kind", kind, "metadata", g.meta(app, ns, app, team),
			"spec", m("backoffLimit", 3, "ttlSecondsAfterFinished", 600, "template", template))
	case "CronJob":
		md := g.meta(app, ns, app, team)
		w = m("apiVersion", "batch/v1", "kind", kind, "metadata", md,
			"spec", m("schedule", pick(g, "*/5 * * * *", "0 3 * * *", "@hourly"),
				"concurrencyPolicy", "Forbid",
				"jobTemplate", m("spec", m("template", template))))
	default:
		w = m("apiVersion", "v1", "kind", "Pod", "metadata", g.meta(app, ns, app, team), "spec", spec)
	}
	docs := []M{w}

	if kind != "Job" && kind != "CronJob" && g.chance(0.8) {
		svcType := g.weighted([]string{"ClusterIP", "NodePort", "LoadBalancer"}, []int{80, 12, 8})
		docs = append(docs, m("apiVersion", "v1", "kind", "Service", "metadata", g.meta(app, ns, app, team),
			"spec", m("type", svcType, "selector", m("app", app),
				"ports", L(m("name", "http", "port", 80, "targetPort", port, "protocol", "TCP")))))
	}
	if g.chance(0.4) {
		docs = append(docs, m("apiVersion", "v1", "kind", "ConfigMap", "metadata", g.meta(app+"-config", ns, app, team),
			"data", m("LOG_LEVEL", "info", "FEATURE_X", "enabled", "app.properties", "timeout=30\nretries=3")))
	}
	if g.chance(0.2) {
		docs = append(docs, m("apiVersion", "v1", "kind", "Secret", "metadata", g.meta("app-secret", ns, app, team),
			"type", "Opaque", "data", m("password", "cGFzc3dvcmQxMjM=", "username", "YWRtaW4=")))
	}
	if g.chance(0.25) {
		docs = append(docs, m("apiVersion", "v1", "kind", "ServiceAccount", "metadata", g.meta(app, ns, app, team)))
	}
	if g.chance(0.18) {
		cluster := g.chance(0.4)
		rk := "Role"
		if cluster {
			rk = "ClusterRole"
		}
		rm := g.meta(app+"-role", ns, app, team)
		if cluster {
			rm.Del("namespace")
		}
		var rules []any
		if g.chance(0.3) {
			rules = L(m("apiGroups", L("*"), "resources", L("*"), "verbs", L("*")))
		} else {
			resources := g.sample([]string{"pods", "secrets", "configmaps", "services", "pods/exec"}, 2)
			var verbs []any
			switch g.r.IntN(3) {
			case 0:
				verbs = L("get", "list", "watch")
			case 1:
				verbs = L("get", "list", "watch", "create", "delete")
			default:
				verbs = L("*")
			}
			rules = L(m("apiGroups", L(""), "resources", resources, "verbs", verbs))
		}
		docs = append(docs, m("apiVersion", "rbac.authorization.k8s.io/v1", "kind", rk, "metadata", rm, "rules", rules))
		bm := g.meta(app+"-binding", ns, app, team)
		if cluster {
			bm.Del("namespace")
		}
		subj := m("kind", "ServiceAccount", "name", app, "namespace", ns)
		if g.chance(0.1) {
			subj = m("kind", "Group", "name", "system:authenticated", "apiGroup", "rbac.authorization.k8s.io")
		}
		docs = append(docs, m("apiVersion", "rbac.authorization.k8s.io/v1", "kind", rk+"Binding", "metadata", bm,
			"roleRef", m("apiGroup", "rbac.authorization.k8s.io", "kind", rk, "name", app+"-role"),
			"subjects", L(subj)))
	}
	if g.chance(0.2) {
		docs = append(docs, m("apiVersion", "networking.k8s.io/v1", "kind", "NetworkPolicy",
			"metadata", g.meta(app+"-netpol", ns, app, team),
			"spec", m("podSelector", m("matchLabels", m("app", app)), "policyTypes", L("Ingress", "Egress"),
				"ingress", L(m("from", L(m("namespaceSelector", m("matchLabels", m("kubernetes.io/metadata.name", ns)))),
					"ports", L(m("protocol", "TCP", "port", port)))),
				"egress", L(m("to", L(m("namespaceSelector", M{})))))))
	}
	if g.chance(0.06) {
		docs = append(docs, m("apiVersion", "v1", "kind", "ResourceQuota", "metadata", g.meta(ns+"-quota", ns, app, team),
			"spec", m("hard", m("requests.cpu", "10", "requests.memory", "20Gi", "limits.cpu", "20",
				"limits.memory", "40Gi", "pods", "50"))))
	}
	if (kind == "Deployment" || kind == "StatefulSet") && g.chance(0.2) {
		docs = append(docs, m("apiVersion", "policy/v1", "kind", "PodDisruptionBudget", "metadata", g.meta(app, ns, app, team),
			"spec", m("minAvailable", 1, "selector", m("matchLabels", m("app", app)))))
	}
	if kind == "Deployment" && g.chance(0.15) {
		docs = append(docs, m("apiVersion", "autoscaling/v2", "kind", "HorizontalPodAutoscaler",
			"metadata", g.meta(app, ns, app, team),
			"spec", m("scaleTargetRef", m("apiVersion", "apps/v1", "kind", "Deployment", "name", app),
				"minReplicas", 2, "maxReplicas", 10,
				"metrics", L(m("type", "Resource", "resource", m("name", "cpu",
					"target", m("type", "Utilization", "averageUtilization", 70)))))))
	}
	return docs
}
