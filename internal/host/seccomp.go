package host

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
)

// SeccompDir is the directory under the kubelet's root directory
// (--root-dir, /var/lib/kubelet by default) that a Localhost profile's
// localhostProfile is relative to.
const SeccompDir = "seccomp"

// SeccompProfile is a seccomp profile in the OCI runtime's JSON form, as
// containerd, CRI-O and Docker read it from the kubelet's seccomp directory.
type SeccompProfile struct {
	// Path is the file's path on the node; Name its path relative to the
	// seccomp directory, as a pod's localhostProfile names it.
	Path, Name string
	// DefaultAction is the action of every system call no rule names;
	// Line is where it is written (0 when unknown).
	DefaultAction string
	Line          int
	// Rules is the number of syscalls entries; Names the number of system
	// calls they name.
	Rules, Names int
}

// Blocks reports whether the profile's default action refuses a system
// call no rule names. SCMP_ACT_ALLOW and SCMP_ACT_LOG let it run;
// SCMP_ACT_TRACE fails it with ENOSYS unless a tracer is attached, which
// containers do not have.
func (p SeccompProfile) Blocks() bool { return Blocking(p.DefaultAction) }

// Blocking reports whether a seccomp action refuses the system call.
func Blocking(action string) bool {
	return action != "SCMP_ACT_ALLOW" && action != "SCMP_ACT_LOG"
}

// seccompActions are the actions the OCI runtime specification defines.
var seccompActions = []string{
	"SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO",
	"SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY",
}

// seccompJSON is the part of a profile kubestride reads.
type seccompJSON struct {
	DefaultAction *string `json:"defaultAction"`
	Syscalls      []struct {
		Names  []string `json:"names"`
		Name   string   `json:"name"` // Docker's old single-name form
		Action string   `json:"action"`
	} `json:"syscalls"`
}

// ProfileError is a seccomp profile that does not parse: the line (0 when
// unknown) and what is wrong, naming the field.
type ProfileError struct {
	Line    int
	Message string
}

func (e *ProfileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s", e.Line, e.Message)
	}
	return e.Message
}

// ParseSeccompProfile reads a seccomp profile. Its error says where the
// content is wrong: "line 3: ..." or the field, as the runtime, which
// refuses to start a container with the profile, would.
func ParseSeccompProfile(data []byte) (SeccompProfile, error) {
	var v seccompJSON
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&v); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			return SeccompProfile{}, &ProfileError{lineAt(data, syn.Offset), "not JSON: " + err.Error()}
		case errors.As(err, &typ):
			return SeccompProfile{}, &ProfileError{lineAt(data, typ.Offset), fmt.Sprintf("field %s: %s where %s is expected", typ.Field, typ.Value, jsonKind(typ.Type))}
		}
		return SeccompProfile{}, &ProfileError{0, "not JSON: " + err.Error()}
	}
	line := keyLine(data, "defaultAction")
	p := SeccompProfile{Line: line, Rules: len(v.Syscalls)}
	if v.DefaultAction == nil || *v.DefaultAction == "" {
		return p, &ProfileError{0, "field defaultAction: missing; the runtime refuses a profile without a default action"}
	}
	p.DefaultAction = *v.DefaultAction
	if !slices.Contains(seccompActions, p.DefaultAction) {
		return p, &ProfileError{line, fmt.Sprintf("field defaultAction: unknown action %q", p.DefaultAction)}
	}
	if p.DefaultAction == "SCMP_ACT_NOTIFY" {
		return p, &ProfileError{line, "field defaultAction: SCMP_ACT_NOTIFY cannot be the default action (runc refuses it)"}
	}
	for i, s := range v.Syscalls {
		if s.Action != "" && !slices.Contains(seccompActions, s.Action) {
			return p, &ProfileError{keyLineFrom(data, "action", i), fmt.Sprintf("field syscalls[%d].action: unknown action %q", i, s.Action)}
		}
		p.Names += len(s.Names)
		if s.Name != "" {
			p.Names++
		}
	}
	return p, nil
}

// jsonKind names what JSON a Go type reads: "a list", "an object".
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	}
	return "a number"
}

// lineAt returns the line of byte offset off of data, from 1.
func lineAt(data []byte, off int64) int {
	off = min(max(off, 0), int64(len(data)))
	return bytes.Count(data[:off], []byte("\n")) + 1
}

// keyLineFrom returns the line of the (n+1)th "key": of data; 0 when it
// has fewer.
func keyLineFrom(data []byte, key string, n int) int {
	off := 0
	for {
		i := bytes.Index(data[off:], []byte(`"`+key+`"`))
		if i < 0 {
			return 0
		}
		if n == 0 {
			return lineAt(data, int64(off+i))
		}
		n--
		off += i + 1
	}
}

// keyLine returns the line of the first "key": in data, 0 when it has none.
func keyLine(data []byte, key string) int {
	i := bytes.Index(data, []byte(`"`+key+`"`))
	if i < 0 {
		return 0
	}
	return lineAt(data, int64(i))
}
