package checks

import (
	"strconv"
	"strings"

	"github.com/kubestride/kubestride/internal/host"
)

// controlPlanePod returns a kubeadm static pod manifest of component with
// flags, each on its own line: the program is on line 13, flag i on line
// 14+i.
func controlPlanePod(component string, flags ...string) string {
	var b strings.Builder
	b.WriteString(`apiVersion: v1
kind: Pod
metadata:
  name: ` + component + `
  namespace: kube-system
  labels: {component: ` + component + `, tier: control-plane}
spec:
  hostNetwork: true
  containers:
  - name: ` + component + `
    image: registry.k8s.io/` + component + `:v1.37.2
    command:
    - ` + component + "\n")
	for _, f := range flags {
		b.WriteString("    - " + f + "\n")
	}
	return b.String()
}

// processNode returns a node whose process pid runs component with args.
func processNode(component string, pid int, args ...string) *host.Node {
	return &host.Node{Root: "/", Components: []*host.Component{{
		Name: component, PID: pid, Source: "/proc/" + strconv.Itoa(pid) + "/cmdline", Flags: host.ParseArgs(args, "", 0),
	}}}
}
