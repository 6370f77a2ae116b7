package host

import (
	"strings"

	"github.com/kubestride/kubestride/internal/fieldpath"
)

// boolFlags are the boolean flags of the components: given alone they mean
// true, and the argument after them is not their value (pflag reads
// "--anonymous-auth false" as true followed by the argument "false").
var boolFlags = map[string]bool{
	// kube-apiserver
	"allow-privileged": true, "anonymous-auth": true, "profiling": true, "enable-bootstrap-token-auth": true,
	"enable-aggregator-routing": true, "service-account-lookup": true, "audit-log-compress": true,
	"enable-priority-and-fairness": true, "enable-garbage-collector": true, "enable-logs-handler": true,
	"contention-profiling": true,
	"kubelet-https":        true, "enable-swagger-ui": true, "logtostderr": true,
	// kube-controller-manager, kube-scheduler
	"use-service-account-credentials": true, "leader-elect": true, "allocate-node-cidrs": true,
	"configure-cloud-routes": true,
	// etcd
	"client-cert-auth": true, "peer-client-cert-auth": true, "auto-tls": true, "peer-auto-tls": true,
	"enable-pprof": true, "enable-v2": true, "strict-reconfig-check": true, "debug": true,
	"experimental-initial-corrupt-check": true, "experimental-enable-lease-checkpoint": true,
	"force-new-cluster": true, "enable-grpc-gateway": true,
	// kubelet
	"rotate-certificates": true, "rotate-server-certificates": true, "protect-kernel-defaults": true,
	"make-iptables-util-chains": true, "enable-debugging-handlers": true, "enable-server": true,
	"fail-swap-on": true, "seccomp-default": true, "serialize-image-pulls": true, "register-node": true,
	"cgroups-per-qos": true, "enable-controller-attach-detach": true,
	"exit-on-lock-contention": true, "keep-terminated-pod-volumes": true,
}

// IsBoolFlag reports whether name is a boolean flag of a component.
func IsBoolFlag(name string) bool { return boolFlags[name] }

// ParseArgs returns the flags of a command line, without the program
// name: args[i] is the argument at field path listField[i+offset], where
// listField names the list the arguments come from (empty for a process).
// Positional arguments and anything after "--" are not flags.
func ParseArgs(args []string, listField string, offset int) []Flag {
	return ParseArgsAt(args, func(i int) Flag {
		if listField == "" {
			return Flag{}
		}
		return Flag{Field: fieldpath.Index(listField, i+offset)}
	})
}

// ParseArgsAt is ParseArgs with the location of args[i] given by at: the
// Field, File and Line of the Flag it returns.
func ParseArgsAt(args []string, at func(i int) Flag) []Flag {
	var out []Flag
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			continue
		}
		name := strings.TrimLeft(a, "-")
		if strings.HasPrefix(a, "---") || name == "" {
			continue
		}
		loc := at(i)
		f := Flag{Field: loc.Field, File: loc.File, Line: loc.Line}
		if eq := strings.IndexByte(name, '='); eq >= 0 {
			f.Name, f.Value = name[:eq], name[eq+1:]
		} else {
			f.Name = name
			switch {
			case boolFlags[name]:
				f.Value = "true"
			case i+1 < len(args) && !strings.HasPrefix(args[i+1], "--"):
				// pflag takes the next argument as the value of a flag
				// that is not boolean, "-" (standard output) and "-1"
				// included.
				i++
				f.Value = args[i]
			default:
				f.Value = "true" // a flag given alone: pflag reads a boolean
			}
		}
		out = append(out, f)
	}
	return out
}

// ParseUnitArgs returns the flags of a command line written in a systemd
// unit or an environment file: the text of one variable or ExecStart line,
// split on white space (quotes, as systemd and the shell strip them, are
// removed), each flag written at file and line.
func ParseUnitArgs(text, file string, line int) []Flag {
	return ParseArgsAt(SplitWords(text), func(int) Flag { return Flag{File: file, Line: line} })
}

// SplitWords splits s on unquoted white space, removing single and double
// quotes and backslash escapes as a shell would.
func SplitWords(s string) []string {
	var out []string
	var b strings.Builder
	in, quote, escaped := false, byte(0), false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case escaped:
			b.WriteByte(c)
			escaped, in = false, true
		case c == '\\' && quote != '\'':
			escaped = true
		case quote != 0:
			if c == quote {
				quote = 0
			} else {
				b.WriteByte(c)
			}
		case c == '\'' || c == '"':
			quote, in = c, true
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			if in {
				out = append(out, b.String())
				b.Reset()
				in = false
			}
		default:
			b.WriteByte(c)
			in = true
		}
	}
	if in {
		out = append(out, b.String())
	}
	return out
}
