// Command admissionbench measures what kubestride webhook costs pod creation
// through a real API server. It starts a control plane (package
// testcluster), builds kubestride and runs `kubestride webhook` as a
// separate process, serving a certificate for 127.0.0.1 that it makes, and
// registers it for pods by URL with a caBundle, scoped by a
// namespaceSelector to one namespace. Then, for each concurrency, it runs
// PAIRS pairs of runs of N pod creates each: first in a namespace the
// webhook does not select, then in one it selects. Half the pods are
// restricted-compliant, half violate restricted (allowed by the baseline
// enforce, with the warnings of warn and the annotation of audit), so every
// review does the work of a real one.
//
// For each run it prints the creates, errors, throughput and the client's
// p50, p95 and p99 latency, and the CPU time (utime+stime of /proc/PID/stat)
// of the API server per create. For the runs with the webhook it reads the
// webhook process's CPU time and its reviews counter (/metrics) before and
// after, prints the CPU per review, and requires the reviews served to
// equal the creates sent and the violating pods to have received warnings.
// Pods are deleted (deletecollection) between runs. The machine's CPU used
// by other processes during each run is printed too, as the measurement is
// only as quiet as the machine. It ends with a verdict against the
// targets: the webhook's CPU at most 0.6 ms per review, the p99 at the
// highest concurrency with the webhook at most 1.6 times the p99 without,
// no error.
//
//	go run ./hack/admissionbench [-n 2000] [-concurrency 1,50] [-pairs 3] [-kubestride PATH] [-cpuprofile FILE]
//
// It needs the binaries hack/cluster-bins.sh builds (KUBESTRIDE_CLUSTER_BINS
// or the cache).
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/kubestride/kubestride/internal/servecert"
	"github.com/kubestride/kubestride/internal/testcluster"
)

// Targets of issue 12.
const (
	maxCPUPerReview = 600 * time.Microsecond
	maxP99Ratio     = 1.6
)

const (
	nsPlain   = "bench-plain"
	nsWebhook = "bench-webhook"
	// selectLabel is what the webhook's namespaceSelector matches.
	selectLabel = "kubestride-bench/webhook"
	// clockTick is the unit of utime and stime in /proc/PID/stat
	// (sysconf(_SC_CLK_TCK), 100 on Linux).
	clockTick = 10 * time.Millisecond
)

// webhookConfig is the webhook's configuration: the example's
// restricted-plus policy, so that warn runs kubestride checks beside the
// Pod Security Standards, service-account-token-automount with its
// informers included.
const webhookConfig = `webhook:
  policies:
    - name: restricted-plus
      level: restricted
      checks: [host-path-writable, image-latest-tag, memory-limit-missing, secret-in-env, service-account-token-automount]
      minSeverity: medium
`

// nsLabels are the labels of both namespaces; only nsWebhook also carries
// selectLabel.
var nsLabels = map[string]string{
	"kubestride.io/enforce": "baseline",
	"kubestride.io/audit":   "restricted",
	"kubestride.io/warn":    "restricted-plus",
}

// cpuProfile is the file the webhook writes its CPU profile to, if any.
var cpuProfile string

func main() {
	n := flag.Int("n", 2000, "pod creates per run")
	conc := flag.String("concurrency", "1,50", "concurrencies, comma-separated; the p99 target applies to the last")
	pairs := flag.Int("pairs", 3, "pairs of runs (without the webhook, then with it) per concurrency")
	ks := flag.String("kubestride", "", "kubestride binary (default: build ./cmd/kubestride)")
	flag.StringVar(&cpuProfile, "cpuprofile", "", "write the webhook process's CPU profile to this file (when it stops)")
	flag.Parse()
	var cs []int
	for _, s := range strings.Split(*conc, ",") {
		c, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || c < 1 {
			fmt.Fprintf(os.Stderr, "admissionbench: -concurrency: %q is not a positive number\n", s)
			os.Exit(2)
		}
		cs = append(cs, c)
	}
	if *n < 2 || *pairs < 1 {
		fmt.Fprintln(os.Stderr, "admissionbench: -n must be at least 2 and -pairs at least 1")
		os.Exit(2)
	}
	ok, err := run(*n, cs, *pairs, *ks)
	if err != nil {
		fmt.Fprintln(os.Stderr, "admissionbench:", err)
		os.Exit(1)
	}
	if !ok {
		os.Exit(3)
	}
}

// bench is the running set-up.
type bench struct {
	cluster    *testcluster.Cluster
	admin      kubernetes.Interface
	restConfig *rest.Config
	apiPID     int
	etcdPID    int
	webhookPID int
	metricsURL string
	https      *http.Client
}

// result is one run's measurement.
type result struct {
	webhook     bool
	concurrency int
	creates     int
	errors      int
	firstErr    error
	violating   int
	warned      int // violating creates answered with a warning
	cleanWarned int // compliant creates answered with a warning
	wall        time.Duration
	lat         []time.Duration // sorted
	apiCPU      time.Duration
	hookCPU     time.Duration
	reviews     uint64
	otherCores  float64 // CPU used by other processes, in cores
}

func (r *result) pct(p float64) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	i := int(float64(len(r.lat))*p+0.5) - 1
	return r.lat[min(max(i, 0), len(r.lat)-1)]
}

func run(n int, concurrencies []int, pairs int, ks string) (bool, error) {
	dir, err := os.MkdirTemp("", "admissionbench-")
	if err != nil {
		return false, err
	}
	defer os.RemoveAll(dir)
	if ks == "" {
		ks = filepath.Join(dir, "kubestride")
		fmt.Fprintln(os.Stderr, "building kubestride ...")
		if out, err := exec.Command("go", "build", "-o", ks, "./cmd/kubestride").CombinedOutput(); err != nil {
			return false, fmt.Errorf("build kubestride: %v\n%s", err, out)
		}
	}
	fmt.Fprintln(os.Stderr, "starting the control plane ...")
	c, err := testcluster.Start(testcluster.Options{})
	if err != nil {
		return false, err
	}
	defer c.Stop()
	b := &bench{cluster: c}
	b.apiPID, b.etcdPID = c.PIDs()
	b.restConfig = c.Config("admin")
	// The load generator must not be the bottleneck: no client-side rate
	// limit.
	b.restConfig.QPS, b.restConfig.Burst = 1e6, 1e6
	if b.admin, err = kubernetes.NewForConfig(b.restConfig); err != nil {
		return false, err
	}
	ctx := context.Background()
	for _, ns := range []string{nsPlain, nsWebhook} {
		labels := map[string]string{}
		for k, v := range nsLabels {
			labels[k] = v
		}
		if ns == nsWebhook {
			labels[selectLabel] = "true"
		}
		if err := c.Namespace(ctx, ns, labels); err != nil {
			return false, err
		}
	}

	caPEM, certFile, keyFile, err := servecert.WriteLoopback(dir, "kubestride-webhook")
	if err != nil {
		return false, err
	}
	cfgFile := filepath.Join(dir, "kubestride.yaml")
	if err := os.WriteFile(cfgFile, []byte(webhookConfig), 0o600); err != nil {
		return false, err
	}
	addr, err := freeAddr()
	if err != nil {
		return false, err
	}
	logFile, err := os.Create(filepath.Join(dir, "webhook.log"))
	if err != nil {
		return false, err
	}
	defer logFile.Close()
	hook := exec.Command(ks, "webhook", "--tls-cert-file", certFile, "--tls-private-key-file", keyFile,
		"--listen", addr, "--config", cfgFile, "--kubeconfig", c.Kubeconfig, "--log-format", "text")
	if cpuProfile != "" {
		hook.Args = append(hook.Args, "--cpuprofile", cpuProfile)
	}
	hook.Stdout, hook.Stderr = logFile, logFile
	hook.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := hook.Start(); err != nil {
		return false, fmt.Errorf("start kubestride webhook: %w", err)
	}
	b.webhookPID = hook.Process.Pid
	exited := make(chan error, 1)
	go func() { exited <- hook.Wait() }()
	defer func() {
		_ = hook.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = hook.Process.Kill()
		}
	}()
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	b.https = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	b.metricsURL = "https://" + addr + "/metrics"
	if err := waitReady(b.https, "https://"+addr+"/readyz", exited, logFile.Name()); err != nil {
		return false, err
	}
	if err := b.register(ctx, "https://"+addr+"/validate", caPEM); err != nil {
		return false, err
	}

	// Warm up both namespaces (connections, caches, the webhook's first
	// series), not measured.
	for _, hook := range []bool{false, true} {
		if _, err := b.measure(ctx, -1, hook, max(n/10, 2), concurrencies[len(concurrencies)-1]); err != nil {
			return false, err
		}
	}

	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Printf("admissionbench: %d pod creates per run, %d pairs per concurrency, %d cores, load average at start: %s",
		n, pairs, cpuCount(), load)
	fmt.Printf("%3s %-7s %5s %7s %6s %8s %8s %8s %8s %8s %10s %10s %8s %7s\n",
		"run", "webhook", "conc", "creates", "errors", "creates/s", "p50", "p95", "p99", "warned", "api ms/cr", "hook ms/rv", "reviews", "others")
	var results []*result
	run := 0
	for _, conc := range concurrencies {
		for p := 0; p < pairs; p++ {
			for _, hook := range []bool{false, true} {
				run++
				r, err := b.measure(ctx, run, hook, n, conc)
				if err != nil {
					return false, err
				}
				results = append(results, r)
				printRow(run, r)
			}
		}
	}
	if data, err := os.ReadFile(logFile.Name()); err == nil && bytes.Contains(data, []byte("level=ERROR")) {
		fmt.Printf("the webhook logged errors; see its log:\n%s", data)
	}
	load, _ = os.ReadFile("/proc/loadavg")
	fmt.Printf("load average at end: %s", load)
	return verdict(results, concurrencies, n), nil
}

func printRow(run int, r *result) {
	hookCPU, reviews := "-", "-"
	if r.webhook {
		if r.reviews > 0 {
			hookCPU = fmt.Sprintf("%.3f", ms(r.hookCPU)/float64(r.reviews))
		}
		reviews = strconv.FormatUint(r.reviews, 10)
	}
	fmt.Printf("%3d %-7s %5d %7d %6d %8.0f %8s %8s %8s %8s %10.3f %10s %8s %7.2f\n",
		run, yesNo(r.webhook), r.concurrency, r.creates, r.errors, float64(r.creates)/r.wall.Seconds(),
		fmtDur(r.pct(0.50)), fmtDur(r.pct(0.95)), fmtDur(r.pct(0.99)),
		fmt.Sprintf("%d/%d", r.warned, r.violating), ms(r.apiCPU)/float64(r.creates), hookCPU, reviews, r.otherCores)
	if r.firstErr != nil {
		fmt.Printf("    first error: %v\n", r.firstErr)
	}
}

// verdict prints the summary against the targets and reports whether
// every one was met.
func verdict(results []*result, concurrencies []int, n int) bool {
	ok := true
	fail := func(format string, args ...any) {
		ok = false
		fmt.Printf("FAIL "+format+"\n", args...)
	}
	var errs, reviewsOff, warnOff int
	var hookCPU time.Duration
	var reviews uint64
	worst := time.Duration(0)
	for _, r := range results {
		errs += r.errors
		if r.webhook {
			hookCPU += r.hookCPU
			reviews += r.reviews
			if r.reviews > 0 {
				worst = max(worst, r.hookCPU/time.Duration(r.reviews))
			}
			if r.reviews != uint64(r.creates) {
				reviewsOff++
			}
			if r.warned != r.violating || r.cleanWarned != 0 {
				warnOff++
			}
		} else if r.warned != 0 || r.cleanWarned != 0 {
			warnOff++
		}
	}
	fmt.Println()
	if errs != 0 {
		fail("%d creates failed; target: none", errs)
	} else {
		fmt.Println("ok   no create failed")
	}
	if reviewsOff != 0 {
		fail("in %d runs with the webhook the reviews served differ from the creates sent", reviewsOff)
	} else {
		fmt.Println("ok   with the webhook, reviews served == creates sent in every run")
	}
	if warnOff != 0 {
		fail("in %d runs the warnings were not those of the webhook's warn policy (every violating pod with it, none without)", warnOff)
	} else {
		fmt.Println("ok   with the webhook every violating pod was warned, no compliant one; without it none")
	}
	if reviews == 0 {
		fail("no review was served")
	} else {
		per := hookCPU / time.Duration(reviews)
		line := fmt.Sprintf("webhook CPU %.3f ms/review over %d reviews (worst run %.3f); target <= %.1f", ms(per), reviews, ms(worst), ms(maxCPUPerReview))
		if per > maxCPUPerReview {
			fail("%s", line)
		} else {
			fmt.Println("ok  ", line)
		}
	}
	for i, conc := range concurrencies {
		var ratios []float64
		var without, with []string
		for j := 0; j+1 < len(results); j += 2 {
			a, b := results[j], results[j+1]
			if a.concurrency != conc {
				continue
			}
			ratios = append(ratios, float64(b.pct(0.99))/float64(a.pct(0.99)))
			without = append(without, fmtDur(a.pct(0.99)))
			with = append(with, fmtDur(b.pct(0.99)))
		}
		if len(ratios) == 0 {
			continue
		}
		sorted := slices.Clone(ratios)
		slices.Sort(sorted)
		med := sorted[len(sorted)/2]
		var rs []string
		for _, r := range ratios {
			rs = append(rs, fmt.Sprintf("%.2fx", r))
		}
		line := fmt.Sprintf("concurrency %d: p99 with/without the webhook %s (median %.2fx; p99 without %s, with %s)",
			conc, strings.Join(rs, " "), med, strings.Join(without, " "), strings.Join(with, " "))
		if i == len(concurrencies)-1 {
			line += fmt.Sprintf("; target <= %.1fx", maxP99Ratio)
			if med > maxP99Ratio {
				fail("%s", line)
				continue
			}
			fmt.Println("ok  ", line)
		} else {
			fmt.Println("     " + line)
		}
	}
	if ok {
		fmt.Println("verdict: every target met")
	} else {
		fmt.Println("verdict: targets not met")
	}
	return ok
}

// register makes the API server send pod creates and updates in the
// namespaces labelled selectLabel to url, and waits until it does.
func (b *bench) register(ctx context.Context, url string, caPEM []byte) error {
	fail := admissionregistrationv1.Fail
	none := admissionregistrationv1.SideEffectClassNone
	equivalent := admissionregistrationv1.Equivalent
	timeout := int32(10)
	cfg := &admissionregistrationv1.ValidatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: "kubestride-bench"},
		Webhooks: []admissionregistrationv1.ValidatingWebhook{{
			Name:         "validate.kubestride.io",
			ClientConfig: admissionregistrationv1.WebhookClientConfig{URL: &url, CABundle: caPEM},
			Rules: []admissionregistrationv1.RuleWithOperations{{
				Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create, admissionregistrationv1.Update},
				Rule:       admissionregistrationv1.Rule{APIGroups: []string{""}, APIVersions: []string{"v1"}, Resources: []string{"pods"}},
			}},
			NamespaceSelector:       &metav1.LabelSelector{MatchLabels: map[string]string{selectLabel: "true"}},
			FailurePolicy:           &fail,
			MatchPolicy:             &equivalent,
			SideEffects:             &none,
			TimeoutSeconds:          &timeout,
			AdmissionReviewVersions: []string{"v1"},
		}},
	}
	if _, err := b.admin.AdmissionregistrationV1().ValidatingWebhookConfigurations().Create(ctx, cfg, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("register the webhook: %w", err)
	}
	// The API server picks the configuration up through an informer: probe
	// until a create is reviewed.
	deadline := time.Now().Add(60 * time.Second)
	for i := 0; ; i++ {
		before, err := b.reviews()
		if err != nil {
			return err
		}
		pod := compliantPod()
		pod.Name = fmt.Sprintf("probe-%d", i)
		if _, err := b.admin.CoreV1().Pods(nsWebhook).Create(ctx, pod, metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("probe create: %w", err)
		}
		after, err := b.reviews()
		if err != nil {
			return err
		}
		if after > before {
			return b.deleteAll(ctx, nsWebhook)
		}
		if time.Now().After(deadline) {
			return errors.New("the API server did not call the webhook within 60s of its registration")
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// measure creates n pods with conc workers in the namespace with or
// without the webhook, then deletes them. run < 0 is a warm-up.
func (b *bench) measure(ctx context.Context, run int, webhook bool, n, conc int) (*result, error) {
	ns := nsPlain
	if webhook {
		ns = nsWebhook
	}
	r := &result{webhook: webhook, concurrency: conc, creates: n, lat: make([]time.Duration, n)}
	warned := make([]bool, n)
	failed := make([]error, n)
	// One client per worker, for its own warning handler; they share the
	// transport (client-go caches it by TLS configuration), so the creates
	// go over one HTTP/2 connection as from a single client.
	clients := make([]*kubernetes.Clientset, conc)
	handlers := make([]*warnFlag, conc)
	for w := range clients {
		cfg := rest.CopyConfig(b.restConfig)
		handlers[w] = &warnFlag{}
		cfg.WarningHandler = handlers[w]
		c, err := kubernetes.NewForConfig(cfg)
		if err != nil {
			return nil, err
		}
		clients[w] = c
	}
	hookCPU0, err := processCPU(b.webhookPID)
	if err != nil {
		return nil, err
	}
	reviews0, err := b.reviews()
	if err != nil {
		return nil, err
	}
	apiCPU0, err := processCPU(b.apiPID)
	if err != nil {
		return nil, err
	}
	etcdCPU0, _ := processCPU(b.etcdPID)
	self0 := selfCPU()
	busy0 := machineBusy()

	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			pods := [2]*corev1.Pod{compliantPod(), violatingPod()}
			c, h := clients[w].CoreV1().Pods(ns), handlers[w]
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				pod := pods[i%2]
				pod.Name = fmt.Sprintf("r%02d-%05d", max(run, 0), i)
				h.warned = false
				t0 := time.Now()
				_, err := c.Create(ctx, pod, metav1.CreateOptions{})
				r.lat[i] = time.Since(t0)
				failed[i], warned[i] = err, h.warned
			}
		}(w)
	}
	wg.Wait()
	r.wall = time.Since(start)

	hookCPU1, err := processCPU(b.webhookPID)
	if err != nil {
		return nil, err
	}
	apiCPU1, err := processCPU(b.apiPID)
	if err != nil {
		return nil, err
	}
	etcdCPU1, _ := processCPU(b.etcdPID)
	self1 := selfCPU()
	busy1 := machineBusy()
	reviews1, err := b.reviews()
	if err != nil {
		return nil, err
	}
	r.apiCPU = apiCPU1 - apiCPU0
	if webhook {
		r.hookCPU, r.reviews = hookCPU1-hookCPU0, reviews1-reviews0
	}
	ours := (hookCPU1 - hookCPU0) + r.apiCPU + (etcdCPU1 - etcdCPU0) + (self1 - self0)
	r.otherCores = max(0, (busy1-busy0-ours).Seconds()/r.wall.Seconds())
	for i := range n {
		if i%2 == 1 {
			r.violating++
			if warned[i] {
				r.warned++
			}
		} else if warned[i] {
			r.cleanWarned++
		}
		if failed[i] != nil {
			r.errors++
			if r.firstErr == nil {
				r.firstErr = failed[i]
			}
		}
	}
	slices.Sort(r.lat)
	return r, b.deleteAll(ctx, ns)
}

// deleteAll deletes the namespace's pods with one deletecollection and
// waits until none is left (pods bound to no node go at once).
func (b *bench) deleteAll(ctx context.Context, ns string) error {
	pods := b.admin.CoreV1().Pods(ns)
	if err := pods.DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{}); err != nil {
		return fmt.Errorf("delete the pods of %s: %w", ns, err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		l, err := pods.List(ctx, metav1.ListOptions{Limit: 1})
		if err != nil {
			return err
		}
		if len(l.Items) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("pods of %s still there 2 minutes after their deletion", ns)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// reviews reads the webhook's count of answered reviews from /metrics.
func (b *bench) reviews() (uint64, error) {
	resp, err := b.https.Get(b.metricsURL)
	if err != nil {
		return 0, fmt.Errorf("read the webhook's metrics: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("read the webhook's metrics: %s", resp.Status)
	}
	var total uint64
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "kubestride_webhook_requests_total{") {
			continue
		}
		v, err := strconv.ParseUint(line[strings.LastIndexByte(line, ' ')+1:], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("metrics line %q: %w", line, err)
		}
		total += v
	}
	return total, sc.Err()
}

// warnFlag records that a response carried a warning.
type warnFlag struct{ warned bool }

func (w *warnFlag) HandleWarningHeader(code int, _ string, _ string) {
	if code == 299 {
		w.warned = true
	}
}

// compliantPod passes restricted and the restricted-plus checks.
func compliantPod() *corev1.Pod {
	no, yes := false, true
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web", "tier": "frontend"},
			Annotations: map[string]string{"team": "storefront"}},
		Spec: corev1.PodSpec{
			AutomountServiceAccountToken: &no,
			SecurityContext: &corev1.PodSecurityContext{RunAsNonRoot: &yes, RunAsUser: ptr(int64(10001)),
				SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}},
			Containers: []corev1.Container{{
				Name:  "web",
				Image: "registry.example.com/storefront/web@sha256:4b0c8c7f0e0f9a7f0d4d9bb7c8f1a3e5d2c6b9a8e7f6d5c4b3a2918171615141",
				Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}},
				Env:   []corev1.EnvVar{{Name: "LOG_LEVEL", Value: "info"}, {Name: "PORT", Value: "8080"}},
				Resources: corev1.ResourceRequirements{
					Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("128Mi")},
					Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("500m"), corev1.ResourceMemory: resource.MustParse("256Mi")},
				},
				ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/healthz", Port: intstr.FromString("http")}}},
				SecurityContext: &corev1.SecurityContext{AllowPrivilegeEscalation: &no, ReadOnlyRootFilesystem: &yes,
					Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}}},
				VolumeMounts: []corev1.VolumeMount{{Name: "tmp", MountPath: "/tmp"}},
			}},
			Volumes: []corev1.Volume{{Name: "tmp", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}},
		},
	}
}

// violatingPod is allowed by baseline but violates restricted (no
// runAsNonRoot, no seccomp profile, privilege escalation and capabilities
// left as they are) and restricted-plus (a latest tag, no memory limit, the
// token mounted).
func violatingPod() *corev1.Pod {
	p := compliantPod()
	p.Spec.AutomountServiceAccountToken = nil
	p.Spec.SecurityContext = nil
	c := &p.Spec.Containers[0]
	c.Image = "nginx:latest"
	c.Resources = corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m")}}
	c.SecurityContext = nil
	return p
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// waitReady waits until the webhook answers /readyz (its informers have
// synced), or fails with its log when it exits.
func waitReady(c *http.Client, url string, exited <-chan error, log string) error {
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case err := <-exited:
			out, _ := os.ReadFile(log)
			return fmt.Errorf("kubestride webhook exited (%v):\n%s", err, out)
		default:
		}
		if resp, err := c.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			out, _ := os.ReadFile(log)
			return fmt.Errorf("kubestride webhook not ready after 60s:\n%s", out)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// processCPU is a process's CPU time, user and system, from
// /proc/PID/stat (utime and stime, the 14th and 15th fields).
func processCPU(pid int) (time.Duration, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name, field 2, is in parentheses and may hold spaces.
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: no command name", pid)
	}
	f := strings.Fields(string(data[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: %d fields", pid, len(f)+2)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: utime %q, stime %q", pid, f[11], f[12])
	}
	return time.Duration(utime+stime) * clockTick, nil
}

// selfCPU is this process's CPU time.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// machineBusy is the CPU time all processes have used (the first line of
// /proc/stat, without idle and iowait).
func machineBusy() time.Duration {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(data), "\n")
	f := strings.Fields(line)
	var busy int64
	for i, s := range f[1:] {
		if i == 3 || i == 4 { // idle, iowait
			continue
		}
		if i >= 8 { // guest time is counted in user already
			break
		}
		v, _ := strconv.ParseInt(s, 10, 64)
		busy += v
	}
	return time.Duration(busy) * clockTick
}

func cpuCount() int {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	n := 0
	for _, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, "cpu") && len(l) > 3 && l[3] >= '0' && l[3] <= '9' {
			n++
		}
	}
	return n
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func fmtDur(d time.Duration) string { return fmt.Sprintf("%.2fms", ms(d)) }

func yesNo(b bool) string {
	if b {
		return "with"
	}
	return "without"
}

func ptr[T any](v T) *T { return &v }
