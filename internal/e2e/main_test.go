package e2e

import (
	"os"
	"testing"

	"github.com/kubestride/kubestride/internal/testcluster"
)

func TestMain(m *testing.M) {
	testcluster.Main(m, testcluster.Options{
		Users: []testcluster.User{
			{Name: "alice"},                           // may list only pods and namespaces
			{Name: "bob", Groups: []string{"ops"}},    // may read everything but secrets
			{Name: "carol", Groups: []string{"view"}}, // reads everything, for the timeout test
		},
		Log: logFile(),
	})
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
