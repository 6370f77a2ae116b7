package checks

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/host"
)

// weakEncryptionConfig stores Secrets in plaintext (identity first, line
// 7), encrypts ConfigMaps with an aesgcm key written in the file (line
// 15) and keeps a KMS v1 provider (line 19).
const weakEncryptionConfig = `apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources:
      - secrets
    providers:
      - identity: {}
      - aescbc:
          keys:
            - name: key1
              secret: c2VjcmV0IGlzIHNlY3VyZSwgb3IgaXMgaXQ/Cg==
  - resources:
      - configmaps
    providers:
      - aesgcm:
          keys:
            - name: key2
              secret: dGhpcyBpcyBwYXNzd29yZA==
      - kms:
          name: legacy-vault
          endpoint: unix:///var/run/kms/legacy.sock
          cachesize: 1000
          timeout: 3s
`

// docsEncryptionConfig is the documentation's aescbc example: Secrets
// encrypted with a key written in the file (line 7), identity kept last to
// read what was stored before.
const docsEncryptionConfig = `apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources:
      - secrets
    providers:
      - aescbc:
          keys:
            - name: key1
              secret: c2VjcmV0IGlzIHNlY3VyZSwgb3IgaXMgaXQ/Cg==
      - identity: {}
`

// hardenedEncryptionConfig encrypts Secrets and ConfigMaps with KMS v2;
// every other resource is stored as the API server would without it.
const hardenedEncryptionConfig = `apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources:
      - secrets
      - configmaps
    providers:
      - kms:
          apiVersion: v2
          name: vault
          endpoint: unix:///var/run/kmsplugin/socket.sock
          timeout: 3s
      - identity: {}
  - resources:
      - '*.*'
    providers:
      - identity: {}
`

// encryptionFile returns a node where the node command read the
// EncryptionConfiguration loaded as test.yaml with mode and owner uid:gid.
func encryptionFile(mode fs.FileMode, uid, gid int) *host.Node {
	return &host.Node{Root: "/", Files: map[string]host.FileInfo{
		"test.yaml": {Path: "/etc/kubernetes/enc/encryption.yaml", Mode: mode, UID: uid, GID: gid},
	}}
}

// TestEncryptionNeverPrintsKeys runs every EncryptionConfiguration check
// over configurations that write keys and finds no key in any message.
func TestEncryptionNeverPrintsKeys(t *testing.T) {
	for _, id := range []string{"encryption-identity-first", "encryption-key-in-file", "encryption-kms-v1", "encryption-resources-uncovered"} {
		for _, m := range []string{weakEncryptionConfig, docsEncryptionConfig} {
			got := runCheck(t, check.ID(id), m)
			for _, f := range got {
				for _, secret := range []string{"c2VjcmV0IGlzIHNlY3VyZSwgb3IgaXMgaXQ/Cg==", "dGhpcyBpcyBwYXNzd29yZA=="} {
					if strings.Contains(f.Detail+f.Reason+f.Path, secret) {
						t.Errorf("%s prints a key: %s", id, f.Detail)
					}
				}
			}
		}
	}
}

func TestEncryptionIdentityFirst(t *testing.T) {
	const reason = "resources stored in plaintext"
	runCases(t, "encryption-identity-first", []checkCase{{
		name:     "identity first for secrets",
		manifest: weakEncryptionConfig,
		lines:    true,
		want: []finding{{
			Object: "EncryptionConfiguration ", Path: "resources[0].providers[0].identity", Reason: reason,
			Detail: "resources[0].providers[0] must not be identity: it stores secrets in plaintext", Line: 7,
		}},
	}, {
		name:     "aescbc first, identity last",
		manifest: docsEncryptionConfig,
	}, {
		name:     "KMS v2, and identity for every other resource",
		manifest: hardenedEncryptionConfig,
	}, {
		name: "a catch-all with identity governs secrets",
		manifest: `apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources: [deployments.apps, configmaps]
    providers: [{identity: {}}, {secretbox: {keys: [{name: k, secret: c2VjcmV0}]}}]
  - resources: ['*.*']
    providers: [{identity: {}}]
`,
		want: []finding{{
			Object: "EncryptionConfiguration ", Path: "resources[0].providers[0].identity", Reason: reason,
			Detail: "resources[0].providers[0] must not be identity: it stores deployments.apps, configmaps in plaintext",
		}, {
			Object: "EncryptionConfiguration ", Path: "resources[1].providers[0].identity", Reason: reason,
			Detail: "resources[1].providers[0] must not be identity: it stores *.* (secrets among them) in plaintext",
		}},
	}, {
		name: "a resource an earlier entry encrypts is not governed by a later one",
		manifest: `apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources: [secrets]
    providers: [{kms: {apiVersion: v2, name: vault, endpoint: unix:///kms.sock}}]
  - resources: [secrets, events]
    providers: [{identity: {}}]
`,
		want: []finding{{
			Object: "EncryptionConfiguration ", Path: "resources[1].providers[0].identity", Reason: reason,
			Detail: "resources[1].providers[0] must not be identity: it stores events in plaintext",
		}},
	}})
}

func TestEncryptionKeyInFile(t *testing.T) {
	const reason = "encryption key in the configuration file"
	runCases(t, "encryption-key-in-file", []checkCase{{
		name:     "aesgcm first for configmaps",
		manifest: weakEncryptionConfig,
		lines:    true,
		want: []finding{{
			Object: "EncryptionConfiguration ", Path: "resources[1].providers[0].aesgcm", Reason: reason,
			Detail: `resources[1].providers[0] must not be aesgcm: its key "key2", which encrypts configmaps, is written in the file (use kms with apiVersion: v2); aesgcm keys must also be rotated every 200,000 writes`,
			Line:   15,
		}},
	}, {
		name:     "the documentation's aescbc example",
		manifest: docsEncryptionConfig,
		lines:    true,
		want: []finding{{
			Object: "EncryptionConfiguration ", Path: "resources[0].providers[0].aescbc", Reason: reason,
			Detail: `resources[0].providers[0] must not be aescbc: its key "key1", which encrypts secrets, is written in the file (use kms with apiVersion: v2)`,
			Line:   7,
		}},
	}, {
		name: "secretbox",
		manifest: `apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources: [secrets, configmaps]
    providers: [{secretbox: {keys: [{name: box, secret: c2VjcmV0}]}}]
`,
		want: []finding{{
			Object: "EncryptionConfiguration ", Path: "resources[0].providers[0].secretbox", Reason: reason,
			Detail: `resources[0].providers[0] must not be secretbox: its key "box", which encrypts secrets, configmaps, is written in the file (use kms with apiVersion: v2)`,
		}},
	}, {
		name:     "KMS v2",
		manifest: hardenedEncryptionConfig,
	}})
}

func TestEncryptionKMSv1(t *testing.T) {
	const reason = "KMS v1 encryption provider"
	runCases(t, "encryption-kms-v1", []checkCase{{
		name:     "apiVersion unset",
		manifest: weakEncryptionConfig,
		lines:    true,
		want: []finding{{
			Object: "EncryptionConfiguration ", Path: "resources[1].providers[1].kms", Reason: reason,
			Detail: `resources[1].providers[1].kms "legacy-vault" must set apiVersion: v2 (unset, it is KMS v1, which is deprecated)`, Line: 19,
		}},
	}, {
		name:     "apiVersion v1",
		manifest: strings.Replace(hardenedEncryptionConfig, "apiVersion: v2", "apiVersion: v1", 1),
		lines:    true,
		want: []finding{{
			Object: "EncryptionConfiguration ", Path: "resources[0].providers[0].kms.apiVersion", Reason: reason,
			Detail: `resources[0].providers[0].kms "vault" must set apiVersion: v2, not v1 (KMS v1 is deprecated)`, Line: 9,
		}},
	}, {
		name:     "KMS v2",
		manifest: hardenedEncryptionConfig,
	}})
}

func TestEncryptionResourcesUncovered(t *testing.T) {
	const reason = "resources not encrypted"
	runCases(t, "encryption-resources-uncovered", []checkCase{{
		name:     "secrets only",
		manifest: docsEncryptionConfig,
		lines:    true,
		want: []finding{{
			Object: "EncryptionConfiguration ", Path: "resources", Reason: reason, Severity: check.Low,
			Detail: "resources must list configmaps (or *. or *.*): configmaps are stored in plaintext", Line: 3,
		}},
	}, {
		name:     "both named",
		manifest: weakEncryptionConfig,
	}, {
		name: "neither",
		manifest: `apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources: [events, leases.coordination.k8s.io]
    providers: [{kms: {apiVersion: v2, name: vault, endpoint: unix:///kms.sock}}]
`,
		want: []finding{{
			Object: "EncryptionConfiguration ", Path: "resources", Reason: reason,
			Detail: "resources must list secrets (or *. or *.*): secrets are stored in plaintext",
		}, {
			Object: "EncryptionConfiguration ", Path: "resources", Reason: reason, Severity: check.Low,
			Detail: "resources must list configmaps (or *. or *.*): configmaps are stored in plaintext",
		}},
	}, {
		name: "the core group's wildcard",
		manifest: `apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources: ['*.']
    providers: [{kms: {apiVersion: v2, name: vault, endpoint: unix:///kms.sock}}]
`,
	}, {
		name: "another group's wildcard does not cover secrets",
		manifest: `apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources: ['*.apps', configmaps]
    providers: [{kms: {apiVersion: v2, name: vault, endpoint: unix:///kms.sock}}]
`,
		want: []finding{{
			Object: "EncryptionConfiguration ", Path: "resources", Reason: reason,
			Detail: "resources must list secrets (or *. or *.*): secrets are stored in plaintext",
		}},
	}})
}

func TestEncryptionConfigPermissions(t *testing.T) {
	const path = "/etc/kubernetes/enc/encryption.yaml"
	runCases(t, "encryption-config-permissions", []checkCase{{
		name:     "0600 root:root",
		manifest: docsEncryptionConfig,
		host:     encryptionFile(0o600, 0, 0),
	}, {
		name:     "0400 root:root",
		manifest: docsEncryptionConfig,
		host:     encryptionFile(0o400, 0, 0),
	}, {
		name:     "0644, another owner",
		manifest: docsEncryptionConfig,
		host:     encryptionFile(0o644, 1000, 0),
		want: []finding{{
			Object: "File " + path, Reason: "encryption configuration readable",
			Detail: path + " must have mode 0600 or stricter, not 0644",
		}, {
			Object: "File " + path, Reason: "encryption configuration not owned by root",
			Detail: path + " must be owned by root:root, not 1000:0",
		}},
	}, {
		name:     "a repository: no file read",
		manifest: docsEncryptionConfig,
	}})
}

// TestNodeFilesUnderRoot reads a node's files copied under a root: the
// configuration's origin is under the root, the node command's file
// metadata and the kubelet's --config are by path on the node.
func TestNodeFilesUnderRoot(t *testing.T) {
	const root = "/srv/node-copy"
	inv := load(t, root+"/etc/kubernetes/enc/encryption.yaml", docsEncryptionConfig)
	inv.Host = &host.Node{Root: root, Files: map[string]host.FileInfo{
		"/etc/kubernetes/enc/encryption.yaml": {Path: "/etc/kubernetes/enc/encryption.yaml", Mode: 0o640},
	}}
	got := comparable(run(registered(t, "encryption-config-permissions"), inv, defaultOptions))
	if len(got) != 1 || got[0].Detail != "/etc/kubernetes/enc/encryption.yaml must have mode 0600 or stricter, not 0640" {
		t.Errorf("findings = %+v", got)
	}

	// Two configurations: the kubelet's --config picks its own; the other
	// is judged on its own.
	inv = load(t, root+"/var/lib/kubelet/config.yaml", hardenedKubeletConfig)
	other := load(t, root+"/etc/kubernetes/kubelet-old.yaml", kubeletConfig("  mode: Webhook", "  mode: AlwaysAllow"))
	inv.NodeObjects = append(inv.NodeObjects, other.NodeObjects...)
	inv.Host = kubeletUnit(true, "")
	inv.Host.Root = root
	got = comparable(run(registered(t, "kubelet-authorization-mode"), inv, defaultOptions))
	if len(got) != 1 || got[0].Object != "KubeletConfiguration " || got[0].Line != 11 {
		t.Errorf("findings = %+v", got)
	}
	views := nodeViewOf(inv).kubelets()
	if len(views) != 2 || views[0].conf == nil || views[0].conf.Origin.File != root+"/var/lib/kubelet/config.yaml" {
		t.Errorf("the kubelet is not paired with its --config")
	}
}
