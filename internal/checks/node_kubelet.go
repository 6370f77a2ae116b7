package checks

// The kubelet's settings as it runs them. A kubelet reads its flags, then
// the KubeletConfiguration file --config names, then its flags again: a
// flag wins over the file where both set a setting. What neither sets
// takes a default, and the defaults differ: the file's are those of
// kubelet.config.k8s.io/v1beta1 (anonymous auth off, authorization
// Webhook, read-only port 0), a kubelet without --config keeps the flags'
// legacy ones (anonymous auth on, AlwaysAllow, read-only port 10255).

import (
	"fmt"
	"path"

	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/host"
	"github.com/kubestride/kubestride/internal/object"
)

// kubeletRun is one kubelet to judge: a kubelet the node command read
// (its unit or process) with the configuration file its --config names, or
// a KubeletConfiguration on its own (from a repository, or a node whose
// kubelet was not read).
type kubeletRun struct {
	// comp is the kubelet's flags; nil for a configuration on its own.
	comp *host.Component
	// conf is its configuration file and cfg the file decoded; nil when
	// the kubelet has no --config, or its file was not read.
	conf *object.Object
	cfg  *kubeletv1beta1.KubeletConfiguration
	// configUnread is true when --config names a file that was not read:
	// what the file would set is unknown, so only flags are judged.
	configUnread bool
}

// kubelets returns the kubelets to judge: those read by the node command,
// each with its configuration file, then the configurations no kubelet
// read names.
func (v *nodeView) kubelets() []kubeletRun {
	confs := v.objects(host.KubeletConfigKind)
	used := make([]bool, len(confs))
	var out []kubeletRun
	comps := v.of(host.Kubelet)
	for _, c := range comps {
		k := kubeletRun{comp: c}
		if p, ok := c.Flag("config"); ok {
			i := -1
			for j, obj := range confs {
				if v.nodePathOf(obj) == path.Clean(p.Value) {
					i = j
					break
				}
			}
			if i < 0 && len(comps) == 1 && len(confs) == 1 {
				// One kubelet, one configuration: its own, read from
				// wherever the node command found it.
				i = 0
			}
			if i >= 0 {
				used[i] = true
				k.conf = confs[i]
			} else {
				k.configUnread = true
			}
		}
		out = append(out, k)
	}
	for i, obj := range confs {
		if !used[i] {
			out = append(out, kubeletRun{conf: obj})
		}
	}
	for i := range out {
		if out[i].conf != nil {
			cfg, err := host.KubeletConfig(out[i].conf)
			if err != nil {
				// The configuration does not decode: the kubelet would
				// not start; the loader reports the file.
				out[i].conf, out[i].configUnread = nil, true
				continue
			}
			out[i].cfg = cfg
		}
	}
	return out
}

// kubeletSetting describes one setting of the kubelet, as a flag and as a
// field of its configuration file.
type kubeletSetting struct {
	// flag is the flag's name, field the configuration field's path.
	flag, field string
	// flagDefault is the value of a kubelet without --config that does
	// not set the flag; fileDefault that of a configuration file that does
	// not set the field.
	flagDefault, fileDefault string
	// get returns the field's value in cfg, and whether cfg sets it (a
	// zero value the defaults replace is not set).
	get func(cfg *kubeletv1beta1.KubeletConfiguration) (string, bool)
	// zeroDefaulted is true when the defaults replace the field's zero
	// value even where the file writes it (authorization.mode: "").
	zeroDefaulted bool
	// ok reports whether a value is safe.
	ok func(value string) bool
	// want says what to set after the name: "=false", " to a positive
	// number"; byDefault what the default does: "anonymous requests are
	// allowed by default".
	want, byDefault string
}

// kubeletValue is a setting's value as the kubelet runs it and where it
// comes from.
type kubeletValue struct {
	value string
	// flag is set when a flag sets it; inFile when the configuration file
	// does; neither for a default.
	flag   *host.Flag
	inFile bool
	// known is false when the value is unknown (a configuration file
	// that was not read).
	known bool
}

// value returns what kubelet k runs setting s with.
func (k kubeletRun) value(s kubeletSetting) kubeletValue {
	if k.comp != nil {
		if f, ok := k.comp.Flag(s.flag); ok {
			return kubeletValue{value: f.Value, flag: &f, known: true}
		}
	}
	switch {
	case k.cfg != nil:
		if val, ok := s.get(k.cfg); ok || (!s.zeroDefaulted && isSet(k.conf, s.field)) {
			return kubeletValue{value: val, inFile: true, known: true}
		}
		return kubeletValue{value: s.fileDefault, known: true}
	case k.configUnread:
		return kubeletValue{}
	}
	return kubeletValue{value: s.flagDefault, known: true}
}

// judge returns the finding of setting s of k, or nil when it is safe or
// unknown.
func (k kubeletRun) judge(s kubeletSetting, reason string) *check.Finding {
	val := k.value(s)
	if !val.known || s.ok(val.value) {
		return nil
	}
	f := k.at(s, val, reason, k.detail(s, val))
	return &f
}

// detail words what kubelet k must set for s.
func (k kubeletRun) detail(s kubeletSetting, val kubeletValue) string {
	switch {
	case val.flag != nil:
		return fmt.Sprintf("%s must set --%s%s, not %s", k.comp, s.flag, s.want, val.value)
	case val.inFile:
		return fmt.Sprintf("KubeletConfiguration must set %s%s, not %s", s.field, s.want, val.value)
	case k.cfg != nil:
		return fmt.Sprintf("KubeletConfiguration must set %s%s (%s)", s.field, s.want, s.byDefault)
	}
	return fmt.Sprintf("%s must set --%s%s (%s)", k.comp, s.flag, s.want, s.byDefault)
}

// at returns a finding at where setting s of k is written, or would be:
// a field the file does not write is named all the same, and its line is
// that of the nearest field the file writes.
func (k kubeletRun) at(s kubeletSetting, val kubeletValue, reason, detail string) check.Finding {
	switch {
	case val.flag != nil:
		return flagAt(k.comp, *val.flag, reason, detail)
	case k.conf != nil:
		return objectAt(k.conf, s.field, reason, detail)
	}
	return flagMissing(k.comp, s.flag, reason, detail)
}

// judgeKubelets returns the findings of setting s over every kubelet.
func judgeKubelets(v *nodeView, s kubeletSetting, reason string) []check.Finding {
	var out []check.Finding
	for _, k := range v.kubelets() {
		if f := k.judge(s, reason); f != nil {
			out = append(out, *f)
		}
	}
	return out
}

// Helpers for kubeletSetting.get.

func boolPtr(b *bool) (string, bool) {
	if b == nil {
		return "", false
	}
	return fmt.Sprint(*b), true
}

func boolSet(b bool) (string, bool) { return fmt.Sprint(b), b }

func is(want string) func(string) bool {
	return func(v string) bool { return v == want }
}

// isTrue and isFalse read a value as pflag's ParseBool does.
func isTrue(v string) bool {
	switch v {
	case "1", "t", "T", "true", "TRUE", "True":
		return true
	}
	return false
}

func isFalse(v string) bool {
	switch v {
	case "0", "f", "F", "false", "FALSE", "False":
		return true
	}
	return false
}
