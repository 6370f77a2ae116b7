package report

import (
	"strings"

	"github.com/kubestride/kubestride/internal/check"
)

// Rules of the inputs beside manifests, for the subjects golden case.
var (
	ruleAnonymousAuth = check.Meta{
		ID: "apiserver-anonymous-auth", Title: "Anonymous requests to the API server", Category: check.Spoofing, Severity: check.High,
		Description: "With anonymous authentication on, every request without credentials is served as system:anonymous.",
		Remediation: "Set --anonymous-auth=false on kube-apiserver.",
		References:  []string{"https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-requests"},
	}
	ruleKeyPermissions = check.Meta{
		ID: "key-file-permissions", Title: "Private key readable by others", Category: check.Tampering, Severity: check.High,
		Description: "A private key that other users can read lets them impersonate the component it belongs to.",
		Remediation: "Set the key file's mode to 0600 and its owner to root.",
	}
	ruleSecretReads = check.Meta{
		ID: "audit-secret-sweep", Title: "Secrets read across namespaces", Category: check.InformationDisclosure, Severity: check.High,
		Description: "One principal read Secrets in many namespaces within minutes, as credential harvesting does.",
		Remediation: "Find out why the principal read them; rotate what it read if the reads were not expected.",
	}
	ruleUnsignedImage = check.Meta{
		ID: "image-unsigned", Title: "Image not signed", Category: check.Tampering, Severity: check.Critical,
		Description: "An image without a signature from a trusted key may not be what the pipeline built.",
		Remediation: "Sign the image with cosign in the pipeline that builds it and verify the signature before deploying.",
	}
)

// subjectsReport holds one finding about each kind of subject: a Kubernetes
// object, a file (with a key and without), an audit trail and an image.
func subjectsReport() *Report {
	r := &Report{
		SchemaVersion: SchemaVersion,
		Tool:          Tool{Name: "kubestride", Version: "v0.4.0"},
		Settings:      Settings{FailOn: check.High, PSSLevel: "restricted", PSSVersion: "v1.37"},
		Rules:         []check.Meta{ruleAnonymousAuth, ruleSecretReads, ruleUnsignedImage, ruleKeyPermissions, rulePrivileged},
		Findings: []Finding{
			{
				ID: rulePrivileged.ID, Category: rulePrivileged.Category, Severity: rulePrivileged.Severity, Title: rulePrivileged.Title,
				Message:  `container "app" must not set securityContext.privileged=true`,
				Resource: ledger, Location: &Location{File: "deploy/ledger.yaml", Line: 27},
				Field:       "spec.template.spec.containers[0].securityContext.privileged",
				Remediation: rulePrivileged.Remediation,
				PSS:         &check.PSS{Level: "baseline", Version: "v1.37", Check: "privileged"},
			},
			{
				ID: ruleAnonymousAuth.ID, Category: ruleAnonymousAuth.Category, Severity: ruleAnonymousAuth.Severity, Title: ruleAnonymousAuth.Title,
				Message:     "kube-apiserver must set --anonymous-auth=false (it is not set, and defaults to true)",
				File:        &File{Path: "/etc/kubernetes/manifests/kube-apiserver.yaml", Line: 14, Key: "--anonymous-auth"},
				Location:    &Location{File: "/etc/kubernetes/manifests/kube-apiserver.yaml", Line: 14},
				Remediation: ruleAnonymousAuth.Remediation,
			},
			{
				ID: ruleKeyPermissions.ID, Category: ruleKeyPermissions.Category, Severity: ruleKeyPermissions.Severity, Title: ruleKeyPermissions.Title,
				Message:     "file must have mode 0600 or stricter, not 0644",
				File:        &File{Path: "/etc/kubernetes/pki/apiserver.key"},
				Location:    &Location{File: "/etc/kubernetes/pki/apiserver.key"},
				Remediation: ruleKeyPermissions.Remediation,
			},
			{
				ID: ruleSecretReads.ID, Category: ruleSecretReads.Category, Severity: ruleSecretReads.Severity, Title: ruleSecretReads.Title,
				Message: `user "mallory" read Secrets in 2 namespaces within 7s: payments, platform`,
				AuditTrail: &AuditTrail{Principal: "user:mallory", Events: []AuditEvent{
					{AuditID: "4f1c0b4e-9a71-4c1e-8d7a-0c2f5b6a7e01", Time: "2026-11-30T10:15:02.123456Z"},
					{AuditID: "a9d2e5f0-1b3c-4d5e-8f70-123456789abc", Time: "2026-11-30T10:15:09Z"},
				}},
				Remediation: ruleSecretReads.Remediation,
			},
			{
				ID: ruleUnsignedImage.ID, Category: ruleUnsignedImage.Category, Severity: ruleUnsignedImage.Severity, Title: ruleUnsignedImage.Title,
				Message:     "image must carry a signature from a trusted key; none was found",
				Image:       &Image{Reference: "registry.example.com/payments/ledger:1.4", Digest: "sha256:" + strings.Repeat("ab", 32)},
				Remediation: ruleUnsignedImage.Remediation,
			},
		},
	}
	r.Finalize()
	return r
}
