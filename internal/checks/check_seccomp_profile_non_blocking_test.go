package checks

import (
	"testing"

	"github.com/kubestride/kubestride/internal/host"
)

func seccompNode(profiles ...host.SeccompProfile) *host.Node {
	return &host.Node{Root: "/", SeccompDir: "/var/lib/kubelet/seccomp", SeccompRead: true, SeccompProfiles: profiles}
}

func profile(name, action string, rules int) host.SeccompProfile {
	return host.SeccompProfile{Path: "/var/lib/kubelet/seccomp/" + name, Name: name, DefaultAction: action, Line: 2, Rules: rules}
}

func TestSeccompProfileNonBlocking(t *testing.T) {
	runCases(t, "seccomp-profile-non-blocking", []checkCase{{
		name: "no node read",
	}, {
		name: "blocking defaults: errno, kill, trap, trace",
		host: seccompNode(profile("default.json", "SCMP_ACT_ERRNO", 4), profile("kill.json", "SCMP_ACT_KILL_PROCESS", 1),
			profile("trap.json", "SCMP_ACT_TRAP", 1), profile("trace.json", "SCMP_ACT_TRACE", 0)),
	}, {
		name:  "log-all and allow with a deny list",
		lines: true,
		host:  seccompNode(profile("profiles/audit.json", "SCMP_ACT_LOG", 0), profile("deny-mount.json", "SCMP_ACT_ALLOW", 1), profile("default.json", "SCMP_ACT_ERRNO", 4)),
		want: []finding{{
			Object: "File /var/lib/kubelet/seccomp/deny-mount.json", Path: "defaultAction", Line: 2, Reason: "non-blocking seccomp profile",
			Detail: `seccomp profile "deny-mount.json" must refuse system calls by default: defaultAction SCMP_ACT_ALLOW lets every call it does not name run`,
		}, {
			Object: "File /var/lib/kubelet/seccomp/profiles/audit.json", Path: "defaultAction", Line: 2, Reason: "non-blocking seccomp profile",
			Detail: `seccomp profile "profiles/audit.json" must refuse system calls by default: defaultAction SCMP_ACT_LOG and no rules filter nothing`,
		}},
	}})
}
