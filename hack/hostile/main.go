// Command hostile measures kubestride on the hostile inputs its loader is
// built to bound (alias and merge-key bombs, floods of broken documents,
// cycles): for each it writes the input to a file, runs `kubestride scan`
// on it and prints the wall time, the peak resident memory, the exit code,
// and whether the privileged pod after the hostile part was still found.
//
//	go run ./hack/hostile [-bin PATH] [-timeout 1m]
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/kubestride/kubestride/internal/source"
)

func main() {
	bin := flag.String("bin", "", "the kubestride binary (default: build ./cmd/kubestride)")
	measure := flag.String("measure", "", "run the binary on this file and print the figures (used by the tool itself)")
	timeout := flag.Duration("timeout", time.Minute, "stop a scan that runs longer than this")
	flag.Parse()
	if *measure != "" {
		run(*bin, *measure, *timeout)
		return
	}
	dir, err := os.MkdirTemp("", "hostile")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(dir)
	if *bin == "" {
		*bin = filepath.Join(dir, "kubestride")
		if out, err := exec.Command("go", "build", "-o", *bin, "./cmd/kubestride").CombinedOutput(); err != nil {
			fail(fmt.Errorf("build: %v\n%s", err, out))
		}
	}
	fmt.Printf("%-42s %10s %10s %10s %5s %s\n", "input", "size", "wall", "peak RSS", "exit", "pod after it found")
	for _, h := range source.HostileInputs() {
		file := filepath.Join(dir, "input.yaml")
		if err := os.WriteFile(file, []byte(h.Text), 0o644); err != nil {
			fail(err)
		}
		// Linux counts the memory of the process that starts a program in
		// that program's peak, so a small process of this tool starts it.
		self, err := os.Executable()
		if err != nil {
			fail(err)
		}
		out, err := exec.Command(self, "-bin", *bin, "-timeout", timeout.String(), "-measure", file).Output()
		if err != nil {
			fail(err)
		}
		fmt.Printf("%-42s %10s %s", h.Name, size(len(h.Text)), out)
	}
}

// run runs bin on file and prints its wall time, peak memory, exit code and
// whether the pod after the hostile input was found.
func run(bin, file string, timeout time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "scan", "--format", "json", file)
	var out bytes.Buffer
	cmd.Stdout = &out
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		fail(err)
	}
	if ctx.Err() != nil {
		rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss
		fmt.Printf("%10s %7.1f MB  stopped after the timeout\n", wall.Round(time.Millisecond), float64(rss)/1024)
		return
	}
	rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss // KiB on Linux
	fmt.Printf("%10s %7.1f MB %5d %v\n", wall.Round(time.Millisecond), float64(rss)/1024, code, survived(out.Bytes()))
}

func survived(report []byte) bool {
	var r struct {
		Findings []struct {
			ID       string `json:"id"`
			Resource struct {
				Name string `json:"name"`
			} `json:"resource"`
		} `json:"findings"`
	}
	if json.Unmarshal(report, &r) != nil {
		return false
	}
	for _, f := range r.Findings {
		if f.ID == "pss-privileged" && f.Resource.Name == "survivor" {
			return true
		}
	}
	return false
}

func size(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "hostile:", err)
	os.Exit(1)
}
