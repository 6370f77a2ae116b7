package checks

import (
	"testing"

	"github.com/kubestride/kubestride/internal/check"
)

func TestIstioPeerAuthenticationPermissive(t *testing.T) {
	pa := func(ns, spec string) string {
		return "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\n  namespace: " + ns + "\nspec:\n" + spec
	}
	runCases(t, "istio-peer-authentication-permissive", []checkCase{{
		name:     "strict",
		manifest: pa("foo", "  mtls:\n    mode: STRICT\n"),
	}, {
		name:     "unset inherits",
		manifest: pa("foo", "  selector:\n    matchLabels: {app: finance}\n  mtls:\n    mode: UNSET\n"),
	}, {
		name:     "mesh-wide permissive",
		manifest: pa("istio-system", "  mtls:\n    mode: PERMISSIVE\n"),
		lines:    true,
		want: []finding{{Object: "PeerAuthentication istio-system/default", Path: "spec.mtls.mode", Reason: "mutual TLS not required", Line: 8,
			Detail: `PeerAuthentication "default" must set spec.mtls.mode=STRICT, not PERMISSIVE (the whole mesh then accepts plaintext beside mutual TLS)`}},
	}, {
		name:     "namespace disabled is high",
		manifest: pa("foo", "  mtls:\n    mode: DISABLE\n"),
		want: []finding{{Object: "PeerAuthentication foo/default", Path: "spec.mtls.mode", Reason: "mutual TLS not required", Severity: check.High,
			Detail: `PeerAuthentication "default" must set spec.mtls.mode=STRICT, not DISABLE (namespace "foo" then accepts only plaintext)`}},
	}, {
		name:     "port exceptions in port order",
		manifest: pa("foo", "  selector:\n    matchLabels: {app: finance}\n  mtls:\n    mode: STRICT\n  portLevelMtls:\n    9090:\n      mode: PERMISSIVE\n    8080:\n      mode: DISABLE\n    443:\n      mode: STRICT\n"),
		lines:    true,
		want: []finding{{Object: "PeerAuthentication foo/default", Path: "spec.portLevelMtls.8080.mode", Reason: "mutual TLS not required", Severity: check.High, Line: 15,
			Detail: `PeerAuthentication "default" must not set spec.portLevelMtls.8080.mode=DISABLE (port 8080 of its workloads then accepts only plaintext)`},
			{Object: "PeerAuthentication foo/default", Path: "spec.portLevelMtls.9090.mode", Reason: "mutual TLS not required", Line: 13,
				Detail: `PeerAuthentication "default" must not set spec.portLevelMtls.9090.mode=PERMISSIVE (port 9090 of its workloads then accepts plaintext beside mutual TLS)`}},
	}, {
		name:     "another group's kind is ignored",
		manifest: "apiVersion: example.com/v1\nkind: PeerAuthentication\nmetadata: {name: x, namespace: foo}\nspec: {mtls: {mode: DISABLE}}\n",
	}})
}
