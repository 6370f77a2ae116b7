// Package config reads kubestride.yaml: per-check severity overrides,
// disabled and enabled checks, and exemptions that carry a reason and an
// optional expiry date.
//
//	failOn: high                 # default for --fail-on
//	pss: {level: restricted, version: latest}
//	checks:
//	  image-not-pinned: {severity: low}
//	  hostusers-not-disabled: {disabled: true}
//	exemptions:
//	  - namespace: kube-system   # glob patterns; empty matches anything
//	    kind: DaemonSet
//	    name: "cilium*"
//	    checks: [pss-host-namespaces, pss-privileged]
//	    reason: "CNI agent needs the host network (SEC-142)"
//	    expires: 2027-03-31
//
// An exemption needs a reason. One whose expiry date has passed stops
// applying, and the scan reports that it has expired.
package config
