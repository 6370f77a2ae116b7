package checks

import (
	"testing"
	"time"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/host"
	"github.com/kubestride/kubestride/internal/host/pkitest"
)

// The PKI and integrity checks judge only what the node command reads
// beside the objects (certificates, keys, file modes, auditd rules), which
// no manifest carries: their table tests build those instead of fixtures.
func init() {
	for id, test := range map[string]string{
		"pki-shared-ca":               "check_pki_shared_ca_test.go",
		"pki-certificate-expiry":      "check_pki_certificate_expiry_test.go",
		"pki-weak-key":                "check_pki_weak_key_test.go",
		"pki-service-account-key":     "check_pki_service_account_key_test.go",
		"pki-private-key-permissions": "check_pki_private_key_permissions_test.go",
		"auditd-binaries-unwatched":   "check_auditd_binaries_unwatched_test.go",
		"auditd-config-unwatched":     "check_auditd_config_unwatched_test.go",
	} {
		liveOnly[check.ID(id)] = test
	}
}

// pkiNow is the time the test PKIs are generated and judged at.
var pkiNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// pkiNode returns a node holding a kubeadm PKI of variant o generated at
// pkiNow, after edit (nil for none) changed its files.
func pkiNode(t *testing.T, o pkitest.Options, edit func(files map[string][]byte)) *host.Node {
	t.Helper()
	o.Now = pkiNow
	files := pkitest.Kubeadm(t, o)
	if edit != nil {
		edit(files)
	}
	return pkitest.Node(t, files)
}

// withFiles returns n with the metadata of files changed by change.
func withFiles(n *host.Node, change map[string]host.FileInfo) *host.Node {
	for p, fi := range change {
		fi.Path = p
		n.Files[p] = fi
	}
	return n
}

// runCheckOn runs the registered check id alone on an inventory holding
// only node n.
func runCheckOn(t *testing.T, id check.ID, n *host.Node) []finding {
	t.Helper()
	inv := load(t, "test.yaml", "")
	inv.Host = n
	return comparable(run(registered(t, id), inv, defaultOptions))
}

// withProcess returns n with the components of p, a node that runs them.
func withProcess(n, p *host.Node) *host.Node {
	n.Components = append(n.Components, p.Components...)
	return n
}

// auditNode returns a node whose auditd rules are rules, read from
// /etc/audit/rules.d/k8s.rules, with files' metadata.
func auditNode(t *testing.T, rules string, files map[string]host.FileInfo) *host.Node {
	t.Helper()
	parsed, errs := host.ParseAuditRules("/etc/audit/rules.d/k8s.rules", []byte(rules))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	return withFiles(&host.Node{Root: "/", Files: map[string]host.FileInfo{}, AuditRules: parsed, AuditRulesRead: true}, files)
}
