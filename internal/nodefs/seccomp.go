package nodefs

import (
	"errors"
	"io/fs"
	"path"
	"strings"

	"github.com/kubestride/kubestride/internal/host"
)

// kubeletRootDir is the kubelet's --root-dir when it is not set.
const kubeletRootDir = "/var/lib/kubelet"

// readSeccomp reads the profiles under the kubelet's seccomp directory
// (<--root-dir>/seccomp), subdirectories included: a pod's
// localhostProfile is a path relative to it. A profile that does not parse
// is an error naming the file and the line or field: the runtime refuses
// to start a container with it, and what it would filter was not judged.
func (r *reader) readSeccomp() {
	rootDir := kubeletRootDir
	for _, c := range r.res.Node.Components {
		if c.Name == host.Kubelet {
			if f, ok := c.Flag("root-dir"); ok && path.IsAbs(f.Value) {
				rootDir = f.Value
			}
		}
	}
	dir := path.Join(rootDir, host.SeccompDir)
	r.res.Node.SeccompDir = dir
	err := fs.WalkDir(r.root.FS(), rel(dir), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				r.fail(r.shown("/"+p), 0, "read: %v", unwrapPath(err))
			}
			return nil
		}
		if strings.HasPrefix(d.Name(), ".") && p != rel(dir) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if p == rel(dir) {
				r.res.Node.SeccompRead = true
			}
			return nil
		}
		if !d.Type().IsRegular() && d.Type()&fs.ModeSymlink == 0 {
			return nil
		}
		node := "/" + p
		data, err := r.readFile(node)
		if err != nil {
			r.fail(r.shown(node), 0, "read: %v", unwrapPath(err))
			return nil
		}
		prof, err := host.ParseSeccompProfile(data)
		if err != nil {
			var pe *host.ProfileError
			if errors.As(err, &pe) {
				r.fail(r.shown(node), pe.Line, "seccomp profile: %s", pe.Message)
			} else {
				r.fail(r.shown(node), 0, "seccomp profile: %v", err)
			}
			return nil
		}
		prof.Path = node
		prof.Name = strings.TrimPrefix(node, dir+"/")
		r.res.Node.SeccompProfiles = append(r.res.Node.SeccompProfiles, prof)
		return nil
	})
	if err != nil {
		r.fail(r.shown(dir), 0, "read: %v", err)
	}
}
