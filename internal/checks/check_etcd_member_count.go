package checks

// etcd stays available while a majority of its members is up: 3 members
// tolerate 1 failure, 5 tolerate 2. One member tolerates none, and an even
// count tolerates no more failures than the odd count below it (2 none, 4
// one) while adding a member that can fail. --initial-cluster names the
// members a member was started with: the whole cluster on the first
// member, the members so far on one that joined later. So the members
// named by every etcd seen are counted together (the static pods of all
// control-plane nodes of a cluster, or of a repository).
//
// Inspected: --initial-cluster (name=peer-URL pairs, a name repeated for
// each of its URLs) of every etcd (static pod or process);
// --initial-cluster is default=http://localhost:2380 when not set.
// Allowed: an odd count of 3 or more. An etcd given --config-file is not
// judged here.

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/host"
)

func init() {
	check.Register(nodeCheck(check.Meta{
		ID:          "etcd-member-count",
		Title:       "etcd member count gives no fault tolerance",
		Category:    check.DenialOfService,
		Severity:    check.Medium,
		Description: "etcd serves only while a majority of its members is up. A single member tolerates no failure, and an even number of members tolerates no more failures than one member fewer: when the store is lost or stops, the whole control plane stops.",
		Remediation: "Run 3 or 5 etcd members, on separate control-plane nodes and failure zones.",
		References: []string{
			"https://etcd.io/docs/v3.6/faq/#why-an-odd-number-of-cluster-members",
			"https://kubernetes.io/docs/setup/production-environment/tools/kubeadm/ha-topology/",
		},
	}, func(v *nodeView) []check.Finding {
		var members []string
		var at *host.Component
		most := -1
		for _, c := range v.of(host.Etcd) {
			if etcdConfigFile(c) {
				continue
			}
			names := etcdMembers(c)
			for _, n := range names {
				if !slices.Contains(members, n) {
					members = append(members, n)
				}
			}
			if len(names) > most {
				at, most = c, len(names)
			}
		}
		n := len(members)
		if at == nil || (n >= 3 && n%2 == 1) {
			return nil
		}
		tolerates := (n - 1) / 2
		var fd check.Finding
		detail := fmt.Sprintf("%s must run 3 or 5 etcd members, not %d (%s; %s)", at, n,
			"--initial-cluster names "+strings.Join(members, ", "), etcdTolerance(n, tolerates))
		if f, ok := at.Flag("initial-cluster"); ok {
			fd = flagAt(at, f, "etcd without fault tolerance", detail)
		} else {
			fd = flagMissing(at, "initial-cluster", "etcd without fault tolerance", detail)
		}
		if n > 1 {
			fd.Severity = check.Low
		}
		return []check.Finding{fd}
	}))
}

// etcdMembers returns the member names of --initial-cluster of c, in
// order, each once.
func etcdMembers(c *host.Component) []string {
	list := c.List("initial-cluster")
	if _, ok := c.Flag("initial-cluster"); !ok {
		list = []string{"default=http://localhost:2380"}
	}
	var names []string
	for _, m := range list {
		name, _, _ := strings.Cut(m, "=")
		if name = strings.TrimSpace(name); name != "" && !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	return names
}

// etcdTolerance says how many failures n members tolerate.
func etcdTolerance(n, tolerates int) string {
	switch {
	case n == 1:
		return "a single member tolerates no failure"
	case tolerates == 0:
		return fmt.Sprintf("%d members tolerate no failure, as 1 does", n)
	}
	return fmt.Sprintf("%d members tolerate %s, as %d do", n, countNoun(tolerates, "failure"), n-1)
}
