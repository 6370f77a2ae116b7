package testcluster

import (
	"fmt"
	"os"
	"testing"
)

// Shared is the cluster Main started for the test package.
var Shared *Cluster

// Main starts one cluster for a test package, runs its tests and stops the
// cluster: call it from TestMain. Without the binaries the tests fail with
// the reason, unless KUBESTRIDE_SKIP_CLUSTER is set (then the package's
// tests do not run and Main says so).
func Main(m *testing.M, opts Options) {
	if os.Getenv("KUBESTRIDE_SKIP_CLUSTER") != "" {
		fmt.Println("testcluster: KUBESTRIDE_SKIP_CLUSTER is set; tests that need a control plane were not run")
		os.Exit(0)
	}
	c, err := Start(opts)
	if err != nil {
		fmt.Fprintf(os.Stderr, "testcluster: %v\n", err)
		os.Exit(1)
	}
	Shared = c
	code := m.Run()
	c.Stop()
	os.Exit(code)
}
