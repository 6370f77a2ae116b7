package checks

// A seccomp profile filters system calls only if it refuses those it does
// not name. A profile whose defaultAction is SCMP_ACT_ALLOW (a deny list)
// or SCMP_ACT_LOG (an audit profile, the one tutorials start from) lets
// every system call it does not name run: a pod given it as its Localhost
// profile passes Pod Security Admission's restricted level, which judges
// only the profile's type, and is filtered no more than Unconfined.
//
// Inspected: every profile under the kubelet's seccomp directory
// (<--root-dir>/seccomp, /var/lib/kubelet/seccomp by default) that
// kubestride node reads. Allowed: a blocking defaultAction (SCMP_ACT_ERRNO,
// SCMP_ACT_KILL*, SCMP_ACT_TRAP, and SCMP_ACT_TRACE, which fails the call
// with ENOSYS when no tracer is attached). A profile that does not parse is
// an input error, at its line and field.

import (
	"fmt"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/object"
)

func init() {
	check.Register(nodeCheck(check.Meta{
		ID:          "seccomp-profile-non-blocking",
		Title:       "Seccomp profile allows system calls by default",
		Category:    check.ElevationOfPrivilege,
		Severity:    check.Medium,
		NeedsHost:   true,
		Description: "A seccomp profile whose default action is SCMP_ACT_ALLOW or SCMP_ACT_LOG lets through every system call it does not name, including those kernel exploits and container escapes rely on; a pod running under it as its Localhost profile satisfies Pod Security Admission while being barely filtered.",
		Remediation: "Make the profile an allow list: defaultAction SCMP_ACT_ERRNO (with defaultErrnoRet 1) and the system calls the workload needs as SCMP_ACT_ALLOW rules, starting from the container runtime's default profile. Keep SCMP_ACT_LOG profiles for recording what a workload calls, not for running it.",
		References: []string{
			"https://kubernetes.io/docs/tutorials/security/seccomp/",
			"https://github.com/opencontainers/runtime-spec/blob/main/config-linux.md#seccomp",
		},
	}, func(v *nodeView) []check.Finding {
		if v.inv.Host == nil {
			return nil
		}
		var out []check.Finding
		for _, p := range v.inv.Host.SeccompProfiles {
			if p.Blocks() {
				continue
			}
			detail := fmt.Sprintf("seccomp profile %q must refuse system calls by default: defaultAction %s lets every call it does not name run", p.Name, p.DefaultAction)
			if p.Rules == 0 {
				detail = fmt.Sprintf("seccomp profile %q must refuse system calls by default: defaultAction %s and no rules filter nothing", p.Name, p.DefaultAction)
			}
			out = append(out, check.Finding{File: &object.File{Path: p.Path, Line: p.Line, Key: "defaultAction"}, Reason: "non-blocking seccomp profile", Detail: detail})
		}
		sortFiles(out)
		return out
	}))
}
