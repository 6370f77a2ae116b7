// Command auditbench measures kubestride auditlog on a generated audit log
// of realistic mix, beside jq doing the same selective filter. It generates
// the log once per size (kept under --dir, outside the repository by
// default), then runs, one after the other, as separate processes:
//
//	jq -c 'select(.user.username == "mallory")' LOG
//	kubestride auditlog query --user mallory -f json LOG
//	kubestride auditlog report -f json --fail-on none LOG
//
// and prints for each the wall time, the CPU time (user + system), the
// throughput per core (log size / CPU time) and the peak RSS. Two sizes show
// whether memory stays flat as the log grows.
//
//	go run ./hack/auditbench [-dir DIR] [-sizes 1024,2048] [-kubestride PATH] [-nojq]
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	dir := flag.String("dir", filepath.Join(os.TempDir(), "kubestride-auditbench"), "where the generated logs are kept")
	sizes := flag.String("sizes", "1024,2048", "log sizes in MiB, comma-separated")
	ks := flag.String("kubestride", "", "kubestride binary (default: build ./cmd/kubestride)")
	noJQ := flag.Bool("nojq", false, "do not run jq")
	flag.Parse()
	if err := run(*dir, *sizes, *ks, *noJQ); err != nil {
		fmt.Fprintln(os.Stderr, "auditbench:", err)
		os.Exit(1)
	}
}

func run(dir, sizes, ks string, noJQ bool) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if ks == "" {
		ks = filepath.Join(dir, "kubestride")
		if out, err := exec.Command("go", "build", "-o", ks, "./cmd/kubestride").CombinedOutput(); err != nil {
			return fmt.Errorf("build kubestride: %v\n%s", err, out)
		}
	}
	fmt.Printf("%-8s %-7s %9s %9s %12s %10s %9s\n", "size", "tool", "wall", "cpu", "MB/s/core", "peak RSS", "matched")
	for _, s := range strings.Split(sizes, ",") {
		mib, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf("-sizes: %v", err)
		}
		log := filepath.Join(dir, fmt.Sprintf("audit-%dMiB.log", mib))
		if st, err := os.Stat(log); err != nil || st.Size() < int64(mib)<<20 {
			fmt.Fprintf(os.Stderr, "generating %s ...\n", log)
			if err := generate(log, int64(mib)<<20); err != nil {
				return err
			}
		}
		st, _ := os.Stat(log)
		mb := float64(st.Size()) / 1e6
		runs := []struct {
			name string
			cmd  []string
		}{
			{"jq", []string{"jq", "-c", `select(.user.username == "mallory")`, log}},
			{"query", []string{ks, "auditlog", "query", "--user", "mallory", "-f", "json", log}},
			{"report", []string{ks, "auditlog", "report", "-f", "json", "--fail-on", "none", log}},
		}
		for _, r := range runs {
			if r.name == "jq" && noJQ {
				continue
			}
			m, err := measure(r.cmd)
			if err != nil {
				return fmt.Errorf("%s: %w", r.name, err)
			}
			matched := "-"
			if r.name != "report" {
				matched = strconv.Itoa(m.lines)
			}
			fmt.Printf("%-8s %-7s %8.1fs %8.1fs %12.0f %8dMB %9s\n", fmt.Sprintf("%dMiB", mib), r.name,
				m.wall.Seconds(), m.cpu.Seconds(), mb/m.cpu.Seconds(), m.maxRSS>>20, matched)
		}
	}
	return nil
}

type measurement struct {
	wall, cpu time.Duration
	maxRSS    int64
	lines     int
}

// measure runs cmd, counting its output lines, and reads its resource use.
func measure(argv []string) (measurement, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return measurement{}, err
	}
	cmd.Stderr = os.Stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return measurement{}, err
	}
	lines := 0
	br := bufio.NewReaderSize(out, 1<<20)
	for {
		_, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			break
		}
		lines++
	}
	if err := cmd.Wait(); err != nil {
		return measurement{}, err
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	return measurement{
		wall:   time.Since(start),
		cpu:    time.Duration(ru.Utime.Nano() + ru.Stime.Nano()),
		maxRSS: ru.Maxrss << 10,
		lines:  lines,
	}, nil
}

// generate writes an audit log of at least size bytes: a cluster's routine
// traffic (controllers, kubelets, service accounts watching and listing,
// people with kubectl), with request and response bodies on a part of the
// writes, both stages of most requests, and a rare principal (mallory) that
// the selective filter finds.
func generate(path string, size int64) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	rng := rand.New(rand.NewPCG(1, 2))
	at := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	type actor struct {
		user   string
		groups string
		ip, ua string
	}
	var actors []actor
	for i := range 40 {
		actors = append(actors, actor{fmt.Sprintf("system:node:worker-%d", i), `["system:nodes","system:authenticated"]`, fmt.Sprintf("10.0.1.%d", i), "kubelet/v1.37.2 (linux/amd64) kubernetes/7d3a4b1"})
	}
	for _, c := range []string{"system:kube-controller-manager", "system:kube-scheduler", "system:apiserver"} {
		actors = append(actors, actor{c, `["system:authenticated"]`, "10.0.0.10", strings.TrimPrefix(c, "system:") + "/v1.37.2 (linux/amd64) kubernetes/7d3a4b1"})
	}
	for i := range 200 {
		actors = append(actors, actor{fmt.Sprintf("system:serviceaccount:team-%d:app-%d", i%30, i), `["system:serviceaccounts","system:serviceaccounts:team","system:authenticated"]`, fmt.Sprintf("10.2.%d.%d", i/250, i%250), "app/v2.1.0 (linux/amd64) client-go/v0.37.2"})
	}
	for _, u := range []string{"alice", "bob", "carol", "dave", "erin"} {
		actors = append(actors, actor{u, `["developers","system:authenticated"]`, "192.168.7." + strconv.Itoa(len(u)), "kubectl/v1.37.2 (darwin/arm64) kubernetes/7d3a4b1"})
	}
	mallory := actor{"mallory", `["contractors","system:authenticated"]`, "203.0.113.66", "kubectl/v1.37.2 (linux/amd64) kubernetes/7d3a4b1"}
	resources := []string{"pods", "configmaps", "secrets", "services", "endpoints", "events", "nodes", "leases", "deployments", "replicasets", "serviceaccounts"}
	verbs := []string{"get", "get", "get", "list", "watch", "update", "patch", "create", "delete"}
	var written int64
	id := 0
	podBody := `{"kind":"Pod","apiVersion":"v1","metadata":{"name":"%s","namespace":"%s","labels":{"app":"web","pod-template-hash":"6d4cf56db6"},"ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web-6d4cf56db6","uid":"9f1c7e0a-5b1e-4e8c-8d0e-2c1f0c9b7a11","controller":true}]},"spec":{"containers":[{"name":"web","image":"registry.example.com/web@sha256:4b0c8c7f0e0f9a7f0d4d9bb7c8f1a3e5d2c6b9a8e7f6d5c4b3a29181716151413","ports":[{"containerPort":8080,"protocol":"TCP"}],"resources":{"limits":{"cpu":"500m","memory":"256Mi"},"requests":{"cpu":"100m","memory":"128Mi"}},"securityContext":{"allowPrivilegeEscalation":false,"runAsNonRoot":true,"capabilities":{"drop":["ALL"]}}}],"serviceAccountName":"web","securityContext":{"seccompProfile":{"type":"RuntimeDefault"}}}}`
	var b []byte
	for written < size {
		id++
		a := actors[rng.IntN(len(actors))]
		if rng.IntN(1000) == 0 {
			a = mallory
		}
		verb := verbs[rng.IntN(len(verbs))]
		res := resources[rng.IntN(len(resources))]
		ns := fmt.Sprintf("team-%d", rng.IntN(30))
		name := fmt.Sprintf("%s-%d", strings.TrimSuffix(res, "s"), rng.IntN(500))
		if verb == "list" || verb == "watch" {
			name = ""
		}
		code := 200
		switch {
		case verb == "create":
			code = 201
		case rng.IntN(50) == 0:
			code = 403
		case rng.IntN(100) == 0:
			code = 404
		}
		at = at.Add(time.Duration(rng.IntN(4000)) * time.Microsecond)
		auditID := fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", id, rng.IntN(1<<16), rng.IntN(1<<12), rng.IntN(1<<12), rng.Int64N(1<<48))
		uri := fmt.Sprintf("/api/v1/namespaces/%s/%s", ns, res)
		if name != "" {
			uri += "/" + name
		}
		if verb == "watch" {
			uri += "?allowWatchBookmarks=true&resourceVersion=18237&timeout=7m41s&timeoutSeconds=461&watch=true"
		}
		level := "Metadata"
		body := ""
		if res == "pods" && (verb == "create" || verb == "update") {
			level = "RequestResponse"
			pb := fmt.Sprintf(podBody, name, ns)
			body = `,"requestObject":` + pb + `,"responseObject":` + pb
		}
		for _, stage := range []string{"RequestReceived", "ResponseComplete"} {
			b = b[:0]
			b = fmt.Appendf(b, `{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":%q,"auditID":%q,"stage":%q,"requestURI":%q,"verb":%q,"user":{"username":%q,"groups":%s},"sourceIPs":[%q],"userAgent":%q,"objectRef":{"resource":%q,"namespace":%q,"name":%q,"apiVersion":"v1"}`,
				level, auditID, stage, uri, verb, a.user, a.groups, a.ip, a.ua, res, ns, name)
			ts := at.Format("2006-01-02T15:04:05.000000Z")
			if stage == "ResponseComplete" {
				b = fmt.Appendf(b, `,"responseStatus":{"metadata":{},"code":%d}%s`, code, body)
				ts = at.Add(time.Duration(1+rng.IntN(20)) * time.Millisecond).Format("2006-01-02T15:04:05.000000Z")
			}
			decision := "allow"
			if code == 403 {
				decision = "forbid"
			}
			b = fmt.Appendf(b, `,"requestReceivedTimestamp":%q,"stageTimestamp":%q,"annotations":{"authorization.k8s.io/decision":%q,"authorization.k8s.io/reason":"RBAC: allowed by ClusterRoleBinding \"system:basic-user\" of ClusterRole \"system:basic-user\" to Group \"system:authenticated\""}}`+"\n",
				at.Format("2006-01-02T15:04:05.000000Z"), ts, decision)
			n, err := w.Write(b)
			if err != nil {
				f.Close()
				return err
			}
			written += int64(n)
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
