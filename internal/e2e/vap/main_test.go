package vap

import (
	"os"
	"testing"

	_ "github.com/kubestride/kubestride/internal/checks" // the built-in catalogue
	"github.com/kubestride/kubestride/internal/testcluster"
)

func TestMain(m *testing.M) {
	testcluster.Main(m, testcluster.Options{Log: logFile()})
}

// logFile sends the control plane's output to a file named by
// KUBESTRIDE_CLUSTER_LOG, when set.
func logFile() *os.File {
	if p := os.Getenv("KUBESTRIDE_CLUSTER_LOG"); p != "" {
		if f, err := os.Create(p); err == nil {
			return f
		}
	}
	return nil
}
