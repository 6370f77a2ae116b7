package nodefs

import (
	"errors"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/kubestride/kubestride/internal/host"
)

// The kubelet's unit and drop-in directories, lowest precedence first, as
// systemd reads them.
var (
	unitFiles   = []string{"/lib/systemd/system/kubelet.service", "/usr/lib/systemd/system/kubelet.service", "/etc/systemd/system/kubelet.service"}
	dropInDirs  = []string{"/lib/systemd/system/kubelet.service.d", "/usr/lib/systemd/system/kubelet.service.d", "/etc/systemd/system/kubelet.service.d"}
	kubeletConf = "/var/lib/kubelet/config.yaml"
)

// envValue is an environment variable's value and where it is set.
type envValue struct {
	text, file string
	line       int
}

// readKubelet reads the kubelet's systemd unit and drop-ins, and its
// configuration file.
func (r *reader) readKubelet() {
	var files []string
	for _, f := range slices.Backward(unitFiles) {
		if r.exists(f) {
			files = append(files, f) // the one of highest precedence
			break
		}
	}
	dropIns := map[string]string{} // by name: the highest precedence wins
	for _, dir := range dropInDirs {
		entries, err := fs.ReadDir(r.root.FS(), rel(dir))
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				r.fail(r.shown(dir), 0, "read: %v", unwrapPath(err))
			}
			continue
		}
		for _, e := range entries {
			if !e.IsDir() && strings.HasSuffix(e.Name(), ".conf") {
				dropIns[e.Name()] = path.Join(dir, e.Name())
			}
		}
	}
	names := make([]string, 0, len(dropIns))
	for n := range dropIns {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		files = append(files, dropIns[n])
	}

	env := map[string]envValue{}
	fromFiles := map[string]envValue{} // EnvironmentFile= wins over Environment=
	var exec *envValue
	for _, f := range files {
		data, err := r.readFile(f)
		if err != nil {
			r.fail(r.shown(f), 0, "read: %v", unwrapPath(err))
			continue
		}
		shown := r.shown(f)
		unitLines(data, func(n int, key, value string) {
			switch key {
			case "Environment":
				for _, word := range host.SplitWords(value) {
					if k, v, ok := strings.Cut(word, "="); ok {
						env[k] = envValue{v, shown, n}
					}
				}
			case "EnvironmentFile":
				optional := strings.HasPrefix(value, "-")
				p := strings.TrimPrefix(value, "-")
				data, err := r.readFile(p)
				if err != nil {
					if !optional || !errors.Is(err, fs.ErrNotExist) {
						r.fail(shown, n, "EnvironmentFile %s: %v", r.shown(p), unwrapPath(err))
					}
					return
				}
				envFile(data, r.shown(p), fromFiles)
			case "ExecStart":
				if value == "" {
					exec = nil // an empty ExecStart= resets the list
					return
				}
				exec = &envValue{value, shown, n}
			}
		})
	}
	for k, v := range fromFiles {
		env[k] = v
	}
	if exec != nil {
		c := kubeletFromExec(*exec, env)
		if c != nil {
			r.res.Node.Components = append(r.res.Node.Components, c)
		}
	}

	// Its configuration file, read now for the static pod directory.
	conf := kubeletConf
	for _, c := range r.res.Node.Components {
		if c.Name == host.Kubelet {
			if f, ok := c.Flag("config"); ok && path.IsAbs(f.Value) {
				conf = f.Value
			}
		}
	}
	if r.exists(conf) {
		r.decode(conf)
	}
}

// kubeletFromExec returns the kubelet an ExecStart line runs, its
// variables expanded as systemd expands them ($NAME into words, ${NAME} as
// one word), each argument located where it is written; nil when the line
// runs something else.
func kubeletFromExec(exec envValue, env map[string]envValue) *host.Component {
	type token struct {
		word, file string
		line       int
	}
	var toks []token
	for _, w := range host.SplitWords(strings.TrimLeft(exec.text, "-@:+!")) {
		switch {
		case strings.HasPrefix(w, "${") && strings.HasSuffix(w, "}"):
			if v, ok := env[w[2:len(w)-1]]; ok && v.text != "" {
				toks = append(toks, token{v.text, v.file, v.line})
			}
		case strings.HasPrefix(w, "$") && !strings.ContainsAny(w[1:], "${}"):
			if v, ok := env[w[1:]]; ok {
				for _, vw := range host.SplitWords(v.text) {
					toks = append(toks, token{vw, v.file, v.line})
				}
			}
		default:
			toks = append(toks, token{w, exec.file, exec.line})
		}
	}
	if len(toks) == 0 || path.Base(toks[0].word) != host.Kubelet {
		return nil
	}
	words := make([]string, len(toks)-1)
	for i, t := range toks[1:] {
		words[i] = t.word
	}
	flags := host.ParseArgsAt(words, func(i int) host.Flag { return host.Flag{File: toks[i+1].file, Line: toks[i+1].line} })
	return &host.Component{Name: host.Kubelet, Source: exec.file, Flags: flags}
}

// unitLines calls each with the key and value of every directive of a
// systemd unit file, and its line; continuation lines (a trailing
// backslash) are joined.
func unitLines(data []byte, each func(n int, key, value string)) {
	var pending strings.Builder
	start := 0
	lines(data, func(n int, line string) {
		if pending.Len() == 0 {
			start = n
			if t := strings.TrimSpace(line); t == "" || t[0] == '#' || t[0] == ';' || t[0] == '[' {
				return
			}
		}
		if strings.HasSuffix(line, "\\") {
			pending.WriteString(strings.TrimSuffix(line, "\\"))
			pending.WriteByte(' ')
			return
		}
		pending.WriteString(line)
		text := pending.String()
		pending.Reset()
		if k, v, ok := strings.Cut(text, "="); ok {
			each(start, strings.TrimSpace(k), strings.TrimSpace(v))
		}
	})
}

// envFile reads KEY=VALUE lines (values optionally quoted) into env.
func envFile(data []byte, file string, env map[string]envValue) {
	lines(data, func(n int, line string) {
		t := strings.TrimSpace(line)
		if t == "" || t[0] == '#' || t[0] == ';' {
			return
		}
		t = strings.TrimPrefix(t, "export ")
		k, v, ok := strings.Cut(t, "=")
		if !ok {
			return
		}
		words := host.SplitWords(v)
		env[strings.TrimSpace(k)] = envValue{strings.Join(words, " "), file, n}
	})
}
