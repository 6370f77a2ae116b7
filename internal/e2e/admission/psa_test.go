package admission

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/kubestride/kubestride/internal/psatestdata"
	"github.com/kubestride/kubestride/internal/testcluster"
)

// psaWorkers is how many fixtures are in flight at once.
const psaWorkers = 4

// answer is what the API server answered a dry-run create.
type answer struct {
	allowed bool
	// detail is the denial's reasons after `violates ... "<level>:<version>": `.
	detail string
	// err is any other failure.
	err error
}

func (a answer) String() string {
	switch {
	case a.err != nil:
		return "error: " + a.err.Error()
	case a.allowed:
		return "allowed"
	default:
		return "denied: " + a.detail
	}
}

// classify reads the API server's answer to a dry-run create: allowed, or
// denied by the policy whose denial says marker, then
// `violates <policy> "<level>:<version>": ` and the reasons.
func classify(err error, marker, policy string) answer {
	if err == nil {
		return answer{allowed: true}
	}
	msg := err.Error()
	marker += "violates " + policy + ` "`
	if i := strings.Index(msg, marker); i >= 0 && apierrors.IsForbidden(err) {
		rest := msg[i+len(marker):]
		if j := strings.Index(rest, `": `); j >= 0 {
			return answer{detail: rest[j+3:]}
		}
	}
	return answer{err: err}
}

// nsName is the namespace of a level and version, for the webhook (k) or
// Pod Security Admission (p).
func nsName(who string, fx psatestdata.Fixture) string {
	return "psa-" + who + "-" + string(fx.Level) + "-" + strings.ReplaceAll(fx.Version, ".", "-")
}

// TestPodSecurityAdmissionFixtures sends every fixture that Pod Security
// Admission ships through the API server as a dry-run create, into a
// namespace labelled kubestride.io/enforce=<level> and -version=<version>,
// and into one labelled pod-security.kubernetes.io/enforce=<level> and
// -version, which the API server's built-in Pod Security Admission judges:
// the webhook's verdict must equal Pod Security Admission's, and both the
// fixture's expected outcome. A denial must be worded as Pod Security
// Admission's too, byte for byte. Fixtures the API
// server refuses as invalid before admission, in both namespaces alike,
// are listed, and may be no more than 1%.
func TestPodSecurityAdmissionFixtures(t *testing.T) {
	root, err := psatestdata.Root()
	if err != nil {
		t.Fatalf("cannot find the Pod Security Admission fixtures (is %s in the module cache? run go mod download): %v", psatestdata.Module, err)
	}
	fixtures, err := psatestdata.All(root)
	if err != nil {
		t.Fatal(err)
	}
	const id = "psa"
	seen := map[string]bool{}
	probe := ""
	for _, fx := range fixtures {
		k := nsName("k", fx)
		if seen[k] {
			continue
		}
		seen[k] = true
		namespace(t, k, id, map[string]string{"kubestride.io/enforce": string(fx.Level), "kubestride.io/enforce-version": fx.Version})
		namespace(t, nsName("p", fx), "", map[string]string{"pod-security.kubernetes.io/enforce": string(fx.Level), "pod-security.kubernetes.io/enforce-version": fx.Version})
		if probe == "" {
			probe = k
		}
	}
	h := startWebhook(t, "")
	h.register(t, id, admissionregistrationv1.Fail, probe)

	cs, err := kubernetes.NewForConfig(testcluster.Shared.Config("admin"))
	if err != nil {
		t.Fatal(err)
	}
	type result struct {
		fx       psatestdata.Fixture
		hook, ps answer
	}
	results := make([]result, len(fixtures))
	jobs := make(chan int)
	var wg sync.WaitGroup
	start := time.Now()
	for range psaWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				fx := fixtures[i]
				results[i].fx = fx
				pod, err := readFixture(fx.File)
				if err != nil {
					results[i].hook, results[i].ps = answer{err: err}, answer{err: err}
					continue
				}
				results[i].hook = create(cs, nsName("k", fx), pod, `admission webhook "`+hookName(id)+`" denied the request: pods "`+pod.Name+`" is forbidden: `, "kubestride policy")
				results[i].ps = create(cs, nsName("p", fx), pod, `pods "`+pod.Name+`" is forbidden: `, "PodSecurity")
			}
		}()
	}
	for i := range fixtures {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	elapsed := time.Since(start)

	type tally struct{ fixtures, agree, psaExpected, hookExpected, sameWords, denied, invalid int }
	byDir := map[string]*tally{}
	var total tally
	var disagreements, wording, invalid []string
	for _, r := range results {
		dir := string(r.fx.Level) + "/" + r.fx.Version
		d := byDir[dir]
		if d == nil {
			d = &tally{}
			byDir[dir] = d
		}
		file := strings.TrimPrefix(r.fx.File, root+"/")
		ok := r.hook.err == nil && r.ps.err == nil
		// A pod the API server refuses as invalid reaches neither policy;
		// it must be refused in both namespaces in the same words.
		refused := apierrors.IsInvalid(r.hook.err) && apierrors.IsInvalid(r.ps.err) && r.hook.err.Error() == r.ps.err.Error()
		for _, c := range []*tally{d, &total} {
			c.fixtures++
			if refused {
				c.invalid++
			}
			if ok && r.hook.allowed == r.ps.allowed {
				c.agree++
			}
			if r.ps.err == nil && r.ps.allowed == r.fx.Pass {
				c.psaExpected++
			}
			if r.hook.err == nil && r.hook.allowed == r.fx.Pass {
				c.hookExpected++
			}
			if ok && !r.ps.allowed && !r.hook.allowed {
				c.denied++
				if r.hook.detail == r.ps.detail {
					c.sameWords++
				}
			}
		}
		switch {
		case refused:
			invalid = append(invalid, fmt.Sprintf("%s: %v", file, r.ps.err))
		case !ok || r.hook.allowed != r.ps.allowed:
			disagreements = append(disagreements, fmt.Sprintf("%s (expected %s): webhook %s; Pod Security Admission %s", file, expected(r.fx.Pass), r.hook, r.ps))
		case r.ps.allowed != r.fx.Pass:
			disagreements = append(disagreements, fmt.Sprintf("%s: both %s, the fixture expects %s", file, r.ps, expected(r.fx.Pass)))
		case !r.ps.allowed && r.hook.detail != r.ps.detail:
			wording = append(wording, fmt.Sprintf("%s:\n\twebhook: %s\n\tPSA:     %s", file, r.hook.detail, r.ps.detail))
		}
	}

	dirs := make([]string, 0, len(byDir))
	for d := range byDir {
		dirs = append(dirs, d)
	}
	sort.Slice(dirs, func(i, j int) bool { return psatestdata.LevelVersionLess(dirs[i], dirs[j]) })
	var b strings.Builder
	for _, d := range dirs {
		c := byDir[d]
		fmt.Fprintf(&b, "\n  %-16s %3d fixtures, %3d agree, %3d denied by both (%3d in the same words), %d invalid", d, c.fixtures, c.agree, c.denied, c.sameWords, c.invalid)
	}
	t.Logf("%d fixtures in %d level/version namespaces, %d workers, %s (%.0f fixtures/s, 2 dry-run creates each): "+
		"webhook agrees with Pod Security Admission on %d, Pod Security Admission with the fixture on %d, the webhook with the fixture on %d; "+
		"%d denied by both, %d in the same words; %d refused as invalid before admission in both:%s",
		total.fixtures, len(byDir), psaWorkers, elapsed.Round(time.Millisecond), float64(total.fixtures)/elapsed.Seconds(),
		total.agree, total.psaExpected, total.hookExpected, total.denied, total.sameWords, total.invalid, b.String())
	if len(fixtures) != 4537 {
		t.Errorf("%d fixtures, want the 4,537 Pod Security Admission ships", len(fixtures))
	}
	if len(invalid) > 0 {
		t.Logf("%d fixtures the API server refuses as invalid in both namespaces, before admission:\n%s", len(invalid), strings.Join(invalid, "\n"))
	}
	// Never a silent pass: the comparison must cover almost every fixture.
	if len(invalid) > len(fixtures)/100 {
		t.Errorf("%d of %d fixtures refused as invalid: too few compared", len(invalid), len(fixtures))
	}
	if len(disagreements) > 0 {
		t.Errorf("%d disagreements:\n%s", len(disagreements), strings.Join(disagreements, "\n"))
	}
	if len(wording) > 0 {
		t.Errorf("%d denials worded otherwise than Pod Security Admission:\n%s", len(wording), strings.Join(wording, "\n"))
	}
}

func expected(pass bool) string {
	if pass {
		return "allowed"
	}
	return "denied"
}

func readFixture(file string) (*corev1.Pod, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var pod corev1.Pod
	if err := sigsyaml.Unmarshal(data, &pod); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	// Some fixtures are named with underscores, which the API server
	// refuses before admission; neither policy reads the name.
	pod.Name = strings.ReplaceAll(pod.Name, "_", "-")
	return &pod, nil
}

// create sends pod to namespace ns as a dry-run create and classifies the
// answer (see classify).
func create(cs kubernetes.Interface, ns string, pod *corev1.Pod, marker, policy string) answer {
	p := pod.DeepCopy()
	p.Namespace = ns
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := cs.CoreV1().Pods(ns).Create(ctx, p, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
	return classify(err, marker, policy)
}
