package nodefs

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/kubestride/kubestride/internal/host"
	"github.com/kubestride/kubestride/internal/object"
	"github.com/kubestride/kubestride/internal/source"
)

// Options say what to read.
type Options struct {
	// Root is the directory the node's files are under; "" means "/".
	Root string
	// Proc reads the components' command lines from ProcDir ("" means
	// proc under Root: /proc on the node itself, /host/proc where a pod
	// mounts the node's / at /host and its /proc at /host/proc).
	Proc    bool
	ProcDir string
}

// Result is what was read of a node.
type Result struct {
	// Objects are the static pods and configuration files, in the order
	// read.
	Objects []*object.Object
	// Node is everything else.
	Node *host.Node
	// Errors are what could not be read; Skipped ones are notices.
	Errors []object.Error
}

// maxFileSize bounds every file read: configuration files, unit files and
// certificates are small, and a larger one is not what it should be.
const maxFileSize = 16 << 20

// reader reads one node.
type reader struct {
	root   *os.Root
	prefix string // the root as given, for the paths shown
	res    *Result
	seen   map[string]bool // node paths read as objects or PKI
}

// Read reads the node opts names. An error is returned only when the root
// itself cannot be opened; everything else goes into Result.Errors.
func Read(opts Options) (*Result, error) {
	rootDir := cmpOr(opts.Root, "/")
	fi, err := os.Stat(rootDir)
	if err != nil {
		return nil, fmt.Errorf("--root: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("--root: %s is not a directory", rootDir)
	}
	root, err := os.OpenRoot(rootDir)
	if err != nil {
		return nil, fmt.Errorf("--root: %w", err)
	}
	defer root.Close()
	r := &reader{root: root, prefix: filepath.Clean(rootDir), res: &Result{Node: &host.Node{Root: filepath.Clean(rootDir), Files: map[string]host.FileInfo{}}}, seen: map[string]bool{}}

	r.readKubelet()
	manifests := "/etc/kubernetes/manifests"
	if p := r.staticPodPath(); p != "" {
		manifests = p
	}
	r.readStaticPods(manifests)
	if opts.Proc {
		r.readProcesses(cmpOr(opts.ProcDir, filepath.Join(rootDir, "proc")))
	}
	r.readFlagFiles()
	r.readPKIDir("/etc/kubernetes/pki")
	host.LinkIssuers(r.res.Node.Certificates)
	r.readBinaries()
	r.readAuditRules()
	r.readSeccomp()
	if len(r.res.Objects) == 0 && len(r.res.Node.Components) == 0 {
		what := "no static pod manifest in " + r.shown(manifests) + ", no kubelet unit and no kubelet configuration"
		if opts.Proc {
			what += ", and no control-plane or kubelet process"
		}
		r.fail(r.prefix, 0, "no Kubernetes node to audit: %s (is --root the node's root directory?)", what)
	}
	return r.res, nil
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// shown returns how node path p is shown: under the root as given.
func (r *reader) shown(p string) string {
	if r.prefix == "/" {
		return p
	}
	return filepath.Join(r.prefix, p)
}

// rel returns node path p relative to the root, for os.Root.
func rel(p string) string {
	p = path.Clean("/" + p)
	if p == "/" {
		return "."
	}
	return p[1:]
}

// stat records the metadata of node path p; ok is false when it does not
// exist.
func (r *reader) stat(p string) (host.FileInfo, error) {
	fi := host.FileInfo{Path: r.shown(p)}
	st, err := r.root.Stat(rel(p))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			fi.Missing = true
			r.res.Node.Files[p] = fi
		}
		return fi, err
	}
	fi.Mode = st.Mode()
	if sys, ok := st.Sys().(*syscall.Stat_t); ok {
		fi.UID, fi.GID = int(sys.Uid), int(sys.Gid)
	}
	r.res.Node.Files[p] = fi
	return fi, nil
}

// readFile returns the content of node path p, recording its metadata.
func (r *reader) readFile(p string) ([]byte, error) {
	if _, err := r.stat(p); err != nil {
		return nil, err
	}
	f, err := r.root.Open(rel(p))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxFileSize {
		return nil, fmt.Errorf("larger than %d MiB", maxFileSize>>20)
	}
	return data, nil
}

// fail records an error about the file shown as file.
func (r *reader) fail(file string, line int, format string, args ...any) {
	r.res.Errors = append(r.res.Errors, object.Error{File: file, Line: line, Message: fmt.Sprintf(format, args...)})
}

// exists reports whether node path p exists.
func (r *reader) exists(p string) bool {
	_, err := r.root.Stat(rel(p))
	return err == nil
}

// decode reads node path p as manifests: static pods or configuration
// files. It reports whether it held any object.
func (r *reader) decode(p string) bool {
	if r.seen[p] {
		return true
	}
	r.seen[p] = true
	data, err := r.readFile(p)
	if err != nil {
		r.fail(r.shown(p), 0, "read: %v", unwrapPath(err))
		return false
	}
	n := 0
	for _, e := range source.Decode(r.shown(p), data, func(o *object.Object) {
		n++
		r.res.Objects = append(r.res.Objects, o)
	}) {
		if !e.NotObject {
			r.res.Errors = append(r.res.Errors, e)
		}
	}
	return n > 0
}

// unwrapPath drops the *fs.PathError wrapper, whose path is os.Root's
// relative one: the caller names the file.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// readStaticPods reads the manifests of the static pod directory.
func (r *reader) readStaticPods(dir string) {
	entries, err := fs.ReadDir(r.root.FS(), rel(dir))
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			r.fail(r.shown(dir), 0, "read the static pod directory: %v", unwrapPath(err))
		}
		return
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasPrefix(name, ".") {
			continue
		}
		switch path.Ext(name) {
		case ".yaml", ".yml", ".json":
			r.decode(path.Join(dir, name))
		}
	}
}

// staticPodPath returns the kubelet's staticPodPath when its configuration
// file sets one.
func (r *reader) staticPodPath() string {
	for _, obj := range r.res.Objects {
		if host.KindOf(obj) != host.KubeletConfigKind {
			continue
		}
		if kc, err := host.KubeletConfig(obj); err == nil && kc.StaticPodPath != "" {
			return kc.StaticPodPath
		}
	}
	return ""
}

// components returns the components read so far: static pods, then
// processes and the kubelet's unit.
func (r *reader) components() []*host.Component {
	var out []*host.Component
	for _, obj := range r.res.Objects {
		if c := host.StaticPod(obj); c != nil {
			out = append(out, c)
		}
	}
	return append(out, r.res.Node.Components...)
}

// where names where flag f of c is written, for an error.
func where(c *host.Component, f host.Flag) (string, int) {
	switch {
	case c.Object != nil:
		return c.Object.Origin.File, c.Object.Line(f.Field)
	case f.File != "":
		return f.File, f.Line
	}
	return c.Source, 0
}

// readFlagFiles reads every file a component's flags point at: the
// configuration files as objects, certificates and keys as PKI, the rest
// for their metadata.
func (r *reader) readFlagFiles() {
	for _, c := range r.components() {
		for _, f := range c.Flags {
			kind, ok := fileFlags[c.Name][f.Name]
			if !ok || f.Value == "" {
				continue
			}
			p := f.Value
			if !path.IsAbs(p) {
				file, line := where(c, f)
				r.fail(file, line, "%s --%s=%s: a relative path, read from the component's working directory, which kubestride cannot know", c.Name, f.Name, p)
				continue
			}
			if _, err := r.stat(p); err != nil {
				if c.Name == host.Kubelet && f.Name == "bootstrap-kubeconfig" && errors.Is(err, fs.ErrNotExist) {
					continue // deleted once the kubelet has its own client certificate
				}
				file, line := where(c, f)
				r.fail(file, line, "%s --%s: %s: %v", c.Name, f.Name, r.shown(p), unwrapPath(err))
				continue
			}
			switch kind {
			case configFile:
				r.decode(p)
			case certFile, keyFile, publicKeyFile:
				r.readPKIFile(p, kind)
			}
		}
	}
}

// readPKIDir reads the certificates and keys under dir.
func (r *reader) readPKIDir(dir string) {
	err := fs.WalkDir(r.root.FS(), rel(dir), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				r.fail(r.shown("/"+p), 0, "read: %v", unwrapPath(err))
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		node := "/" + p
		switch path.Ext(p) {
		case ".crt", ".pem":
			r.readPKIFile(node, certFile)
		case ".key":
			r.readPKIFile(node, keyFile)
		case ".pub":
			r.readPKIFile(node, publicKeyFile)
		}
		return nil
	})
	if err != nil {
		r.fail(r.shown(dir), 0, "read: %v", err)
	}
}

// readPKIFile reads a certificate or private key file.
func (r *reader) readPKIFile(p string, kind fileKind) {
	if r.seen[p] {
		return
	}
	r.seen[p] = true
	data, err := r.readFile(p)
	if err != nil {
		r.fail(r.shown(p), 0, "read: %v", unwrapPath(err))
		return
	}
	r.pki(p, kind, data)
}

// readAuditRules reads the auditd rules.
func (r *reader) readAuditRules() {
	var files []string
	if entries, err := fs.ReadDir(r.root.FS(), rel("/etc/audit/rules.d")); err == nil {
		for _, e := range entries {
			if !e.IsDir() && strings.HasSuffix(e.Name(), ".rules") {
				files = append(files, "/etc/audit/rules.d/"+e.Name())
			}
		}
	}
	if r.exists("/etc/audit/audit.rules") {
		files = append(files, "/etc/audit/audit.rules")
	}
	for _, p := range files {
		data, err := r.readFile(p)
		if err != nil {
			r.fail(r.shown(p), 0, "read: %v", unwrapPath(err))
			continue
		}
		r.res.Node.AuditRulesRead = true
		r.auditRules(r.shown(p), data)
	}
}

// readProcesses reads the command lines of the components' processes.
func (r *reader) readProcesses(procDir string) {
	entries, err := os.ReadDir(procDir)
	if err != nil {
		r.fail(procDir, 0, "read the processes: %v", err)
		return
	}
	var found []*host.Component
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid <= 0 {
			continue
		}
		src := filepath.Join(procDir, e.Name(), "cmdline")
		data, err := os.ReadFile(src)
		if err != nil || len(data) == 0 {
			continue // gone, or a kernel thread
		}
		args := strings.Split(strings.TrimRight(string(data), "\x00"), "\x00")
		name := path.Base(args[0])
		if !slices.Contains(host.ControlPlane, name) && name != host.Kubelet {
			continue
		}
		found = append(found, &host.Component{Name: name, PID: pid, Source: src, Flags: host.ParseArgs(args[1:], "", 0)})
	}
	slices.SortFunc(found, func(a, b *host.Component) int { return a.PID - b.PID })
	r.res.Node.Components = append(r.res.Node.Components, found...)
}

// fileKind is what a flag's file is.
type fileKind int

const (
	plainFile fileKind = iota
	configFile
	certFile
	keyFile
	publicKeyFile
)

// fileFlags are, per component, the flags that name a file, and what the
// file is.
var fileFlags = map[string]map[string]fileKind{
	host.APIServer: {
		"encryption-provider-config": configFile, "audit-policy-file": configFile, "authentication-config": configFile,
		"authorization-config": configFile, "admission-control-config-file": configFile,
		"token-auth-file": plainFile, "audit-webhook-config-file": plainFile, "egress-selector-config-file": plainFile,
		"client-ca-file": certFile, "tls-cert-file": certFile, "tls-private-key-file": keyFile,
		"kubelet-client-certificate": certFile, "kubelet-client-key": keyFile, "kubelet-certificate-authority": certFile,
		"etcd-cafile": certFile, "etcd-certfile": certFile, "etcd-keyfile": keyFile,
		"service-account-key-file": publicKeyFile, "service-account-signing-key-file": keyFile,
		"proxy-client-cert-file": certFile, "proxy-client-key-file": keyFile, "requestheader-client-ca-file": certFile,
	},
	host.Etcd: {
		"cert-file": certFile, "key-file": keyFile, "trusted-ca-file": certFile,
		"peer-cert-file": certFile, "peer-key-file": keyFile, "peer-trusted-ca-file": certFile,
		"data-dir": plainFile,
	},
	host.ControllerManager: {
		"kubeconfig": plainFile, "authentication-kubeconfig": plainFile, "authorization-kubeconfig": plainFile,
		"cluster-signing-cert-file": certFile, "cluster-signing-key-file": keyFile, "root-ca-file": certFile,
		"service-account-private-key-file": keyFile, "client-ca-file": certFile, "requestheader-client-ca-file": certFile,
	},
	host.Scheduler: {
		"kubeconfig": plainFile, "authentication-kubeconfig": plainFile, "authorization-kubeconfig": plainFile,
		"config": plainFile,
	},
	host.Kubelet: {
		"config": configFile, "kubeconfig": plainFile, "bootstrap-kubeconfig": plainFile,
		"client-ca-file": certFile, "tls-cert-file": certFile, "tls-private-key-file": keyFile,
	},
}

// lines splits data into lines, numbered from 1.
func lines(data []byte, each func(n int, line string)) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), maxFileSize)
	for n := 1; sc.Scan(); n++ {
		each(n, sc.Text())
	}
}
