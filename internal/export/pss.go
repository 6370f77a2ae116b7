package export

import (
	"fmt"
	"strings"

	"k8s.io/pod-security-admission/api"
)

// pssRevision is a Pod Security Standards control in CEL from a minor
// version of the standards on, as the pod-security-admission library
// revises its checks (policy.VersionedCheck.MinimumVersion).
type pssRevision struct {
	minor int
	rule  Rule
}

// pssRule returns the rule of the PSA control id at version v: the last
// revision whose minimum version is at most v.
func pssRule(id string, v api.Version) (Rule, bool) {
	var found *pssRevision
	for i, r := range pssRules[id] {
		if v.Latest() || v.Major() > 1 || v.Minor() >= r.minor {
			found = &pssRules[id][i]
		}
	}
	if found == nil {
		return Rule{}, false
	}
	return found.rule, true
}

// The values Pod Security Admission allows, by control.
var (
	capabilitiesBaselineAllowed = celList("AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
		"NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT")
	seccompAllowed          = celList("Localhost", "RuntimeDefault")
	appArmorAllowed         = celList("RuntimeDefault", "Localhost")
	seLinuxTypes1_0         = []string{"", "container_t", "container_init_t", "container_kvm_t"}
	seLinuxTypes1_31        = append(seLinuxTypes1_0[:len(seLinuxTypes1_0):len(seLinuxTypes1_0)], "container_engine_t")
	sysctls1_0              = []string{"kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start"}
	sysctls1_27             = extend(sysctls1_0, "net.ipv4.ip_local_reserved_ports")
	sysctls1_29             = extend(sysctls1_27, "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes")
	sysctls1_32             = extend(sysctls1_29, "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem")
	sysctls1_37             = extend(sysctls1_32, "net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_notsent_lowat")
	restrictedVolumeSources = []string{"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image", "persistentVolumeClaim", "projected", "secret"}
)

func extend(list []string, more ...string) []string {
	return append(list[:len(list):len(list)], more...)
}

// exempt wraps r so that the pod passes when cond holds (a Windows pod, a
// pod in a user namespace), as later revisions of a control do.
func exempt(cond string, r Rule) Rule {
	r.Expression = cond + " || (" + r.Expression + ")"
	return r
}

// Rules of the controls that a later revision only relaxes.
var (
	allowPrivilegeEscalation1_8 = Rule{
		Variables:  []Variable{{"bad", `variables.containers.filter(c, c.?securityContext.?allowPrivilegeEscalation.orValue(true)).map(c, c.name)`}},
		Expression: `size(variables.bad) == 0`,
		Message:    `'allowPrivilegeEscalation != false (' + ` + celNamed("variables.bad", "container", "containers") + ` + ' must set securityContext.allowPrivilegeEscalation=false)'`,
	}
	capabilitiesRestricted1_22 = Rule{
		Variables: []Variable{
			{"missingDrop", `variables.containers.filter(c, !('ALL' in c.?securityContext.?capabilities.?drop.orValue([]))).map(c, c.name)`},
			{"adding", `variables.containers.filter(c, c.?securityContext.?capabilities.?add.orValue([]).exists(x, x != 'NET_BIND_SERVICE'))`},
		},
		Expression: `size(variables.missingDrop) == 0 && size(variables.adding) == 0`,
		Message: `'unrestricted capabilities (' + ((size(variables.missingDrop) > 0 ? [` + celNamed("variables.missingDrop", "container", "containers") + ` + ' must set securityContext.capabilities.drop=["ALL"]'] : []) + ` +
			`(size(variables.adding) > 0 ? [` + celNamed("variables.adding.map(c, c.name)", "container", "containers") +
			` + ' must not include ' + variables.adding.map(c, c.securityContext.capabilities.add.filter(x, x != 'NET_BIND_SERVICE').map(x, '"' + x + '"').join(', ')).join(', ') + ' in securityContext.capabilities.add'] : [])).join('; ') + ')'`,
	}
	procMount1_0 = Rule{
		Variables:  []Variable{{"bad", `variables.containers.filter(c, c.?securityContext.?procMount.orValue('Default') != 'Default')`}},
		Expression: `size(variables.bad) == 0`,
		Message: `'procMount (' + ` + celNamed("variables.bad.map(c, c.name)", "container", "containers") +
			` + ' must not set securityContext.procMount to ' + variables.bad.map(c, '"' + c.securityContext.procMount + '"').join(', ') + ')'`,
	}
	runAsNonRoot1_0 = Rule{
		Variables: []Variable{
			{"podSetting", `variables.podSpec.?securityContext.?runAsNonRoot`},
			{"explicit", `variables.containers.filter(c, c.?securityContext.?runAsNonRoot.orValue(true) == false).map(c, c.name)`},
			{"implicit", `variables.containers.filter(c, !c.?securityContext.?runAsNonRoot.hasValue() && !variables.podSetting.orValue(false)).map(c, c.name)`},
		},
		Expression: `variables.podSetting.orValue(true) && size(variables.explicit) == 0 && size(variables.implicit) == 0`,
		Message: `'runAsNonRoot != true (' + (!variables.podSetting.orValue(true) || size(variables.explicit) > 0 ? ` +
			celSetters([2]string{"!variables.podSetting.orValue(true)", "'pod'"}, [2]string{"size(variables.explicit) > 0", celNamed("variables.explicit", "container", "containers")}) +
			` + ' must not set securityContext.runAsNonRoot=false' : 'pod or ' + ` + celNamed("variables.implicit", "container", "containers") + ` + ' must set securityContext.runAsNonRoot=true') + ')'`,
	}
	runAsUser1_23 = Rule{
		Variables: []Variable{
			{"podRoot", `variables.podSpec.?securityContext.?runAsUser.orValue(1) == 0`},
			{"bad", `variables.containers.filter(c, c.?securityContext.?runAsUser.orValue(1) == 0).map(c, c.name)`},
		},
		Expression: `!variables.podRoot && size(variables.bad) == 0`,
		Message: `'runAsUser=0 (' + ` + celSetters([2]string{"variables.podRoot", "'pod'"}, [2]string{"size(variables.bad) > 0", celNamed("variables.bad", "container", "containers")}) +
			` + ' must not set runAsUser=0)'`,
	}
	seccompRestricted1_19 = Rule{
		Variables: []Variable{
			{"podProfile", `variables.podSpec.?securityContext.?seccompProfile`},
			{"podValid", `variables.podProfile.hasValue() && variables.podProfile.value().?type.orValue('') in ` + seccompAllowed},
			{"explicit", `variables.containers.filter(c, c.?securityContext.?seccompProfile.hasValue() && !(c.securityContext.seccompProfile.?type.orValue('') in ` + seccompAllowed + `))`},
			{"implicit", `variables.containers.filter(c, !c.?securityContext.?seccompProfile.hasValue() && !variables.podValid).map(c, c.name)`},
		},
		Expression: `(variables.podValid || !variables.podProfile.hasValue()) && size(variables.explicit) == 0 && size(variables.implicit) == 0`,
		Message: `'seccompProfile (' + ((variables.podProfile.hasValue() && !variables.podValid) || size(variables.explicit) > 0 ? ` +
			celSetters([2]string{"variables.podProfile.hasValue() && !variables.podValid", "'pod'"}, [2]string{"size(variables.explicit) > 0", celNamed("variables.explicit.map(c, c.name)", "container", "containers")}) +
			` + ' must not set securityContext.seccompProfile.type to ' + ((variables.podProfile.hasValue() && !variables.podValid ? [variables.podProfile.value().?type.orValue('')] : []) + variables.explicit.map(c, c.securityContext.seccompProfile.?type.orValue(''))).map(t, '"' + t + '"').join(', ')` +
			` : 'pod or ' + ` + celNamed("variables.implicit", "container", "containers") + ` + ' must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"') + ')'`,
	}
)

// seLinuxRule is the seLinuxOptions control with the SELinux types allowed.
func seLinuxRule(types []string) Rule {
	bad := func(o string) string {
		return `(!(` + o + `.?type.orValue('') in ` + celList(types...) + `) || ` + o + `.?user.orValue('') != '' || ` + o + `.?role.orValue('') != '')`
	}
	return Rule{
		Variables: []Variable{
			{"podBad", `variables.podSpec.?securityContext.?seLinuxOptions.hasValue() && ` + bad("variables.podSpec.securityContext.seLinuxOptions")},
			{"bad", `variables.containers.filter(c, c.?securityContext.?seLinuxOptions.hasValue() && ` + bad("c.securityContext.seLinuxOptions") + `).map(c, c.name)`},
		},
		Expression: `!variables.podBad && size(variables.bad) == 0`,
		Message: `'seLinuxOptions (' + ` + celSetters([2]string{"variables.podBad", "'pod'"}, [2]string{"size(variables.bad) > 0", celNamed("variables.bad", "container", "containers")}) +
			` + ' set forbidden securityContext.seLinuxOptions: type must be one of ' + ` + fmt.Sprintf("%q", strings.Join(quoteEach(types[1:]), ", ")) + ` + ', user and role may not be set)'`,
	}
}

func quoteEach(items []string) []string {
	out := make([]string, len(items))
	for i, s := range items {
		out[i] = `"` + s + `"`
	}
	return out
}

// sysctlsRule is the sysctls control with the sysctls allowed.
func sysctlsRule(allowed []string) Rule {
	return Rule{
		Variables:  []Variable{{"bad", `variables.podSpec.?securityContext.?sysctls.orValue([]).filter(s, !(s.name in ` + celList(allowed...) + `)).map(s, s.name)`}},
		Expression: `size(variables.bad) == 0`,
		Message:    `'forbidden sysctls (' + variables.bad.join(', ') + ')'`,
	}
}

// hostsOf is the CEL list of the non-empty hosts of a probe or lifecycle
// handler expression h.
func hostsOf(h string) string {
	return h + `.?httpGet.?host.orValue(''), ` + h + `.?tcpSocket.?host.orValue('')`
}

// probeHosts is the CEL list of the hosts of container c's probes and
// lifecycle handlers, empty strings where none is set.
var probeHosts = `[` + hostsOf("c.?livenessProbe") + `, ` + hostsOf("c.?readinessProbe") + `, ` + hostsOf("c.?startupProbe") + `, ` +
	hostsOf("c.?lifecycle.?postStart") + `, ` + hostsOf("c.?lifecycle.?preStop") + `]`

// pssRules holds every control of the pod-security-admission library, by
// PSA check ID, with a revision for each revision of the library's check
// (a test holds them to policy.DefaultChecks()).
var pssRules = map[string][]pssRevision{
	"privileged": {{0, Rule{
		Variables:  []Variable{{"bad", `variables.containers.filter(c, c.?securityContext.?privileged.orValue(false)).map(c, c.name)`}},
		Expression: `size(variables.bad) == 0`,
		Message:    `'privileged (' + ` + celNamed("variables.bad", "container", "containers") + ` + ' must not set securityContext.privileged=true)'`,
	}}},
	"hostNamespaces": {{0, Rule{
		Variables: []Variable{{"bad", `(variables.podSpec.?hostNetwork.orValue(false) ? ['hostNetwork=true'] : []) + ` +
			`(variables.podSpec.?hostPID.orValue(false) ? ['hostPID=true'] : []) + (variables.podSpec.?hostIPC.orValue(false) ? ['hostIPC=true'] : [])`}},
		Expression: `size(variables.bad) == 0`,
		Message:    `'host namespaces (' + variables.bad.join(', ') + ')'`,
	}}},
	"hostPathVolumes": {{0, Rule{
		Variables:  []Variable{{"bad", `variables.podSpec.?volumes.orValue([]).filter(v, has(v.hostPath)).map(v, v.name)`}},
		Expression: `size(variables.bad) == 0`,
		Message:    `'hostPath volumes (' + ` + celNamed("variables.bad", "volume", "volumes") + ` + ')'`,
	}}},
	"hostPorts": {{0, Rule{
		Variables:  []Variable{{"bad", `variables.containers.filter(c, c.?ports.orValue([]).exists(p, p.?hostPort.orValue(0) != 0))`}},
		Expression: `size(variables.bad) == 0`,
		Message: `'hostPort (' + ` + celNamed("variables.bad.map(c, c.name)", "container", "containers") + ` + ' ' + ` + celPlural("variables.bad", "uses", "use") +
			` + ' hostPorts ' + variables.bad.map(c, c.ports.filter(p, p.?hostPort.orValue(0) != 0).map(p, string(p.hostPort)).join(', ')).join(', ') + ')'`,
	}}},
	"capabilities_baseline": {{0, Rule{
		Variables:  []Variable{{"bad", `variables.containers.filter(c, c.?securityContext.?capabilities.?add.orValue([]).exists(x, !(x in ` + capabilitiesBaselineAllowed + `)))`}},
		Expression: `size(variables.bad) == 0`,
		Message: `'non-default capabilities (' + ` + celNamed("variables.bad.map(c, c.name)", "container", "containers") +
			` + ' must not include ' + variables.bad.map(c, c.securityContext.capabilities.add.filter(x, !(x in ` + capabilitiesBaselineAllowed + `)).map(x, '"' + x + '"').join(', ')).join(', ') + ' in securityContext.capabilities.add)'`,
	}}},
	"appArmorProfile": {{0, Rule{
		Variables: []Variable{
			{"podBad", `variables.podSpec.?securityContext.?appArmorProfile.hasValue() && !(variables.podSpec.securityContext.appArmorProfile.?type.orValue('') in ` + appArmorAllowed + `)`},
			{"bad", `variables.containers.filter(c, c.?securityContext.?appArmorProfile.hasValue() && !(c.securityContext.appArmorProfile.?type.orValue('') in ` + appArmorAllowed + `)).map(c, c.name)`},
			{"badAnnotations", `variables.annotations.filter(k, k.startsWith('container.apparmor.security.beta.kubernetes.io/') && !(variables.annotations[k] == '' || variables.annotations[k] == 'runtime/default' || variables.annotations[k].startsWith('localhost/'))).map(k, k + '="' + variables.annotations[k] + '"')`},
		},
		Expression: `!variables.podBad && size(variables.bad) == 0 && size(variables.badAnnotations) == 0`,
		Message: `'forbidden AppArmor profiles (' + ` + celSetters([2]string{"variables.podBad", "'pod'"}, [2]string{"size(variables.bad) > 0", celNamed("variables.bad", "container", "containers")},
			[2]string{"size(variables.badAnnotations) > 0", celPlural("variables.badAnnotations", "annotation", "annotations") + ` + ' ' + variables.badAnnotations.join(', ')`}) +
			` + ' must not set AppArmor profile type to anything but "RuntimeDefault" or "Localhost")'`,
	}}},
	"seLinuxOptions": {{0, seLinuxRule(seLinuxTypes1_0)}, {31, seLinuxRule(seLinuxTypes1_31)}},
	"procMount":      {{0, procMount1_0}, {35, exempt("variables.userNamespace", procMount1_0)}},
	"seccompProfile_baseline": {
		{0, Rule{
			Variables: []Variable{
				{"valid", `['runtime/default', 'docker/default']`},
				{"bad", `(('seccomp.security.alpha.kubernetes.io/pod' in variables.annotations) && !(variables.annotations['seccomp.security.alpha.kubernetes.io/pod'] in variables.valid || variables.annotations['seccomp.security.alpha.kubernetes.io/pod'].startsWith('localhost/')) ? ['seccomp.security.alpha.kubernetes.io/pod'] : []) + ` +
					`variables.containers.map(c, 'container.seccomp.security.alpha.kubernetes.io/' + c.name).filter(k, (k in variables.annotations) && !(variables.annotations[k] in variables.valid || variables.annotations[k].startsWith('localhost/')))`},
			},
			Expression: `size(variables.bad) == 0`,
			Message:    `'seccompProfile (forbidden ' + ` + celPlural("variables.bad", "annotation", "annotations") + ` + ' ' + variables.bad.map(k, k + '="' + variables.annotations[k] + '"').join(', ') + ')'`,
		}},
		{19, Rule{
			Variables: []Variable{
				{"podBad", `variables.podSpec.?securityContext.?seccompProfile.hasValue() && !(variables.podSpec.securityContext.seccompProfile.?type.orValue('') in ` + seccompAllowed + `)`},
				{"bad", `variables.containers.filter(c, c.?securityContext.?seccompProfile.hasValue() && !(c.securityContext.seccompProfile.?type.orValue('') in ` + seccompAllowed + `))`},
			},
			Expression: `!variables.podBad && size(variables.bad) == 0`,
			Message: `'seccompProfile (' + ` + celSetters([2]string{"variables.podBad", "'pod'"}, [2]string{"size(variables.bad) > 0", celNamed("variables.bad.map(c, c.name)", "container", "containers")}) +
				` + ' must not set securityContext.seccompProfile.type to ' + ((variables.podBad ? [variables.podSpec.securityContext.seccompProfile.?type.orValue('')] : []) + variables.bad.map(c, c.securityContext.seccompProfile.?type.orValue(''))).map(t, '"' + t + '"').join(', ') + ')'`,
		}},
	},
	"sysctls": {{0, sysctlsRule(sysctls1_0)}, {27, sysctlsRule(sysctls1_27)}, {29, sysctlsRule(sysctls1_29)}, {32, sysctlsRule(sysctls1_32)}, {37, sysctlsRule(sysctls1_37)}},
	"windowsHostProcess": {{0, Rule{
		Variables: []Variable{
			{"podBad", `variables.podSpec.?securityContext.?windowsOptions.?hostProcess.orValue(false)`},
			{"bad", `variables.containers.filter(c, c.?securityContext.?windowsOptions.?hostProcess.orValue(false)).map(c, c.name)`},
		},
		Expression: `!variables.podBad && size(variables.bad) == 0`,
		Message: `'hostProcess (' + ` + celSetters([2]string{"variables.podBad", "'pod'"}, [2]string{"size(variables.bad) > 0", celNamed("variables.bad", "container", "containers")}) +
			` + ' must not set securityContext.windowsOptions.hostProcess=true)'`,
	}}},
	"hostProbesAndHostLifecycle": {{34, Rule{
		Variables: []Variable{
			{"bad", `variables.containers.filter(c, ` + probeHosts + `.exists(h, h != ''))`},
		},
		Expression: `size(variables.bad) == 0`,
		Message: `'probe or lifecycle host (' + ` + celNamed("variables.bad.map(c, c.name)", "container", "containers") + ` + ' ' + ` + celPlural("variables.bad", "uses", "use") +
			` + ' probe or lifecycle hosts ' + variables.bad.map(c, ` + probeHosts + `.filter(h, h != '').join(', ')).join(', ') + ')'`,
	}}},
	"restrictedVolumes": {{0, Rule{
		Variables:  []Variable{{"bad", `variables.podSpec.?volumes.orValue([]).filter(v, ` + noneOf("v", restrictedVolumeSources) + `).map(v, v.name)`}},
		Expression: `size(variables.bad) == 0`,
		Message:    `'restricted volume types (' + ` + celNamed("variables.bad", "volume", "volumes") + ` + ' ' + ` + celPlural("variables.bad", "uses", "use") + ` + ' restricted volume types)'`,
	}}},
	"allowPrivilegeEscalation":  {{8, allowPrivilegeEscalation1_8}, {25, exempt("variables.windows", allowPrivilegeEscalation1_8)}},
	"runAsNonRoot":              {{0, runAsNonRoot1_0}, {35, exempt("variables.userNamespace", runAsNonRoot1_0)}},
	"runAsUser":                 {{23, runAsUser1_23}, {35, exempt("variables.userNamespace", runAsUser1_23)}},
	"seccompProfile_restricted": {{19, seccompRestricted1_19}, {25, exempt("variables.windows", seccompRestricted1_19)}},
	"capabilities_restricted":   {{22, capabilitiesRestricted1_22}, {25, exempt("variables.windows", capabilitiesRestricted1_22)}},
	"procMount_restricted":      {{35, procMount1_0}},
}

// noneOf is the CEL condition that the object v has none of the fields.
func noneOf(v string, fields []string) string {
	parts := make([]string, len(fields))
	for i, f := range fields {
		parts[i] = "!has(" + v + "." + f + ")"
	}
	return strings.Join(parts, " && ")
}
