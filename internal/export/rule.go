package export

import "strings"

// Variable is a named CEL expression of a policy, read as variables.<Name>.
type Variable struct {
	Name       string
	Expression string
}

// Rule is how one check is written in CEL: its own variables (after the
// shared ones, see sharedVariables), an expression that is true when the
// object passes, and a messageExpression that says why it does not, in Pod
// Security Admission's words: reason (detail).
type Rule struct {
	Variables  []Variable
	Expression string
	Message    string
}

// The shared variables every policy declares, in this order; rules read
// them as variables.podMeta and so on.
//
//	podMeta, podSpec  the pod's metadata and spec: the object itself for a
//	                  Pod, its pod template for the workload controllers
//	containers        init, regular and ephemeral containers, in that order
//	annotations       the pod's annotations
//	windows           spec.os.name is windows
//	userNamespace     spec.hostUsers is false
var sharedVariables = []Variable{
	{"podMeta", `object.kind == 'Pod' ? object.metadata : ` +
		`object.kind == 'PodTemplate' ? object.?template.?metadata.orValue({}) : ` +
		`object.kind == 'CronJob' ? object.spec.?jobTemplate.?spec.?template.?metadata.orValue({}) : ` +
		`object.spec.?template.?metadata.orValue({})`},
	{"podSpec", `object.kind == 'Pod' ? object.spec : ` +
		`object.kind == 'PodTemplate' ? object.?template.?spec.orValue({}) : ` +
		`object.kind == 'CronJob' ? object.spec.?jobTemplate.?spec.?template.?spec.orValue({}) : ` +
		`object.spec.?template.?spec.orValue({})`},
	{"containers", `variables.podSpec.?initContainers.orValue([]) + variables.podSpec.?containers.orValue([]) + variables.podSpec.?ephemeralContainers.orValue([])`},
	{"annotations", `variables.podMeta.?annotations.orValue({})`},
	{"windows", `variables.podSpec.?os.?name.orValue('') == 'windows'`},
	{"userNamespace", `variables.podSpec.?hostUsers.orValue(true) == false`},
}

// celQuote is the CEL expression joining the string list l as
// `"a", "b"`, as Pod Security Admission's joinQuote does.
func celQuote(l string) string { return `'"' + ` + l + `.join('", "') + '"'` }

// celPlural is the CEL expression choosing one or many by the size of l.
func celPlural(l, one, many string) string {
	return `(size(` + l + `) == 1 ? '` + one + `' : '` + many + `')`
}

// celNamed is `container "a"` or `containers "a", "b"` for the list of
// names l.
func celNamed(l, one, many string) string {
	return celPlural(l, one, many) + ` + ' ' + ` + celQuote(l)
}

// celSetters joins the parts that are set (each a CEL pair of condition
// and text) with " and ", as Pod Security Admission lists "pod and
// containers ...".
func celSetters(parts ...[2]string) string {
	var items []string
	for _, p := range parts {
		items = append(items, `(`+p[0]+` ? [`+p[1]+`] : [])`)
	}
	return `(` + strings.Join(items, " + ") + `).join(' and ')`
}

// celList is a CEL list literal of the quoted strings.
func celList(items ...string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = "'" + s + "'"
	}
	return "[" + strings.Join(q, ", ") + "]"
}
