// Command clusterbench measures `kubestride scan --cluster` against a real
// API server at scale, beside its floor: a plain paginated client-go LIST of
// the same resources. It starts a control plane (package testcluster),
// creates 200 namespaces, 10,000 pods, 2,000 RBAC objects and 1,000
// ConfigMaps directly through the API, then runs the floor and the scan as
// separate processes, alternately, RUNS times each, and prints the median
// wall time and peak RSS of each.
//
//	go run ./hack/clusterbench [-runs 3] [-kubestride PATH] [-baseline PATH]
//
// It needs the binaries hack/cluster-bins.sh builds. "clusterbench floor
// KUBECONFIG" is the floor itself (run by the benchmark as a child process).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"sync"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/kubestride/kubestride/internal/testcluster"
)

const (
	namespaces   = 200
	podsPerNS    = 50  // 10,000 pods
	rbacPerKind  = 500 // roles, role bindings, cluster roles, cluster role bindings: 2,000
	configMapsNS = 5   // 1,000 ConfigMaps
)

func main() {
	if len(os.Args) == 3 && os.Args[1] == "floor" {
		if err := floor(os.Args[2]); err != nil {
			fmt.Fprintln(os.Stderr, "clusterbench floor:", err)
			os.Exit(1)
		}
		return
	}
	runs := flag.Int("runs", 3, "runs of each measurement")
	profile := flag.String("cpuprofile", "", "also run the scan once with a CPU profile written to this file")
	hold := flag.Bool("hold", false, "after measuring, print the kubeconfig and keep the cluster until interrupted")
	ks := flag.String("kubestride", "", "kubestride binary (default: build ./cmd/kubestride)")
	baseline := flag.String("baseline", "", "also time this kubestride binary (an earlier build), in the same alternation")
	flag.Parse()
	if err := run(*runs, *ks, *baseline, *profile, *hold); err != nil {
		fmt.Fprintln(os.Stderr, "clusterbench:", err)
		os.Exit(1)
	}
}

func run(runs int, ks, baseline, profile string, hold bool) error {
	dir, err := os.MkdirTemp("", "clusterbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	self, err := os.Executable()
	if err != nil {
		return err
	}
	if ks == "" {
		ks = filepath.Join(dir, "kubestride")
		if out, err := exec.Command("go", "build", "-o", ks, "./cmd/kubestride").CombinedOutput(); err != nil {
			return fmt.Errorf("build kubestride: %v\n%s", err, out)
		}
	}
	c, err := testcluster.Start(testcluster.Options{})
	if err != nil {
		return err
	}
	defer c.Stop()
	cs, err := c.Client("admin")
	if err != nil {
		return err
	}
	start := time.Now()
	if err := populate(context.Background(), c, cs); err != nil {
		return err
	}
	fmt.Printf("created %d namespaces, %d pods, %d RBAC objects, %d ConfigMaps in %.1fs\n",
		namespaces, namespaces*podsPerNS, 4*rbacPerKind, namespaces*configMapsNS, time.Since(start).Seconds())

	report := filepath.Join(dir, "report.json")
	cmds := []struct {
		name string
		argv []string
	}{
		{"floor (client-go LIST)", []string{self, "floor", c.Kubeconfig}},
		{"kubestride scan --cluster", []string{ks, "scan", "--cluster", "--kubeconfig", c.Kubeconfig, "--format", "json", "--output", report}},
	}
	if baseline != "" {
		cmds = append(cmds, struct {
			name string
			argv []string
		}{"baseline scan --cluster", []string{baseline, "scan", "--cluster", "--kubeconfig", c.Kubeconfig, "--format", "json", "--output", report + ".baseline"}})
	}
	samples := make([][][2]float64, len(cmds))
	for r := 0; r < runs; r++ {
		for i, cmd := range cmds {
			wall, rss, code, err := measure(cmd.argv)
			if err != nil {
				return err
			}
			if code > 1 {
				return fmt.Errorf("%s exited %d", cmd.name, code)
			}
			samples[i] = append(samples[i], [2]float64{wall, rss})
		}
	}
	fmt.Printf("%-28s %8s %9s\n", "", "wall s", "rss MiB")
	var walls []float64
	for i, cmd := range cmds {
		w, m := median(samples[i], 0), median(samples[i], 1)
		walls = append(walls, w)
		fmt.Printf("%-28s %8.2f %9.1f\n", cmd.name, w, m)
	}
	fmt.Printf("scan / floor wall time: %.2fx\n", walls[1]/walls[0])
	if baseline != "" {
		fmt.Printf("scan / baseline wall time: %.2fx\n", walls[1]/walls[2])
	}
	if profile != "" {
		if _, _, _, err := measure(append(cmds[1].argv, "--cpuprofile", profile)); err != nil {
			return err
		}
	}
	if hold {
		fmt.Printf("holding the cluster; kubeconfig: %s\n", c.Kubeconfig)
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
		<-sig
	}
	return nil
}

func measure(argv []string) (wall, rssMiB float64, code int, err error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stderr = os.Stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			return 0, 0, 0, err
		}
	}
	wall = time.Since(start).Seconds()
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	return wall, float64(ru.Maxrss) / 1024, cmd.ProcessState.ExitCode(), nil
}

func median(s [][2]float64, i int) float64 {
	v := make([]float64, len(s))
	for j := range s {
		v[j] = s[j][i]
	}
	sort.Float64s(v)
	return v[len(v)/2]
}

// populate creates the objects with a pool of writers.
func populate(ctx context.Context, c *testcluster.Cluster, cs kubernetes.Interface) error {
	work := make(chan func() error, 256)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range work {
				if err := f(); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	for n := 0; n < namespaces; n++ {
		if err := c.Namespace(ctx, fmt.Sprintf("team-%03d", n), nil); err != nil {
			close(work)
			return err
		}
	}
	privileged := true
	for n := 0; n < namespaces; n++ {
		ns := fmt.Sprintf("team-%03d", n)
		for p := 0; p < podsPerNS; p++ {
			name := fmt.Sprintf("app-%03d", p)
			work <- func() error {
				pod := &corev1.Pod{
					ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: map[string]string{"app": name}},
					Spec: corev1.PodSpec{Containers: []corev1.Container{{
						Name: "app", Image: "registry.example.com/app:1.0",
						SecurityContext: &corev1.SecurityContext{Privileged: &privileged},
						Env:             []corev1.EnvVar{{Name: "LOG_LEVEL", Value: "info"}},
					}}},
				}
				_, err := cs.CoreV1().Pods(ns).Create(ctx, pod, metav1.CreateOptions{})
				return err
			}
		}
		for m := 0; m < configMapsNS; m++ {
			name := fmt.Sprintf("config-%d", m)
			work <- func() error {
				_, err := cs.CoreV1().ConfigMaps(ns).Create(ctx, &corev1.ConfigMap{
					ObjectMeta: metav1.ObjectMeta{Name: name},
					Data:       map[string]string{"app.properties": "log.level=info\nfeature.x=true\n"},
				}, metav1.CreateOptions{})
				return err
			}
		}
	}
	rule := []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"pods", "configmaps"}, Verbs: []string{"get", "list", "watch"}}}
	for i := 0; i < rbacPerKind; i++ {
		ns := fmt.Sprintf("team-%03d", i%namespaces)
		name := fmt.Sprintf("reader-%03d", i)
		work <- func() error {
			if _, err := cs.RbacV1().Roles(ns).Create(ctx, &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: name}, Rules: rule}, metav1.CreateOptions{}); err != nil {
				return err
			}
			_, err := cs.RbacV1().RoleBindings(ns).Create(ctx, &rbacv1.RoleBinding{
				ObjectMeta: metav1.ObjectMeta{Name: name},
				Subjects:   []rbacv1.Subject{{Kind: "ServiceAccount", Name: "default", Namespace: ns}},
				RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "Role", Name: name},
			}, metav1.CreateOptions{})
			return err
		}
		cname := fmt.Sprintf("bench-reader-%03d", i)
		work <- func() error {
			if _, err := cs.RbacV1().ClusterRoles().Create(ctx, &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: cname}, Rules: rule}, metav1.CreateOptions{}); err != nil {
				return err
			}
			_, err := cs.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{
				ObjectMeta: metav1.ObjectMeta{Name: cname},
				Subjects:   []rbacv1.Subject{{Kind: "Group", Name: "readers", APIGroup: "rbac.authorization.k8s.io"}},
				RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: cname},
			}, metav1.CreateOptions{})
			return err
		}
	}
	close(work)
	wg.Wait()
	return first
}
