package admission

import (
	"os"
	"testing"

	_ "github.com/kubestride/kubestride/internal/checks" // the built-in catalogue
	"github.com/kubestride/kubestride/internal/testcluster"
)

// auditNamespace is the namespace whose pod and Deployment requests the
// API server writes to its audit log (at Metadata level, which holds the
// audit annotations); nothing else is logged, so the log stays small.
const auditNamespace = "adm-audit"

const auditPolicy = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
- level: Metadata
  namespaces: [` + auditNamespace + `]
  resources:
  - group: ""
    resources: [pods]
  - group: apps
    resources: [deployments]
- level: None
`

// The static-token users the tests run kubectl as; all are in usersGroup,
// which may edit every namespace (grantUsers).
const (
	usersGroup = "e2e-users"
	// userExempt is exempted by name in TestExemptions' configuration.
	userExempt = "deployer"
	// userPlatform is in groupExempt, exempted in the same configuration.
	userPlatform = "dana"
	groupExempt  = "platform"
	// userPlain is exempted by nothing.
	userPlain = "dev"
)

func TestMain(m *testing.M) {
	testcluster.Main(m, testcluster.Options{
		Users: []testcluster.User{
			{Name: userExempt, Groups: []string{usersGroup}},
			{Name: userPlatform, Groups: []string{usersGroup, groupExempt}},
			{Name: userPlain, Groups: []string{usersGroup}},
		},
		AuditPolicy: auditPolicy,
		Log:         logFile(),
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
