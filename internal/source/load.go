package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// MaxFileSize is the largest file Load reads; a larger one is reported, not read.
const MaxFileSize = 256 << 20

// Load reads every path (a file, a directory walked recursively for .yaml,
// .yml and .json files, or "-" for stdin) and passes each object to emit, in
// a stable order: paths as given, directory entries sorted. It returns the
// input that could not be read; it stops early only when ctx is done.
func Load(ctx context.Context, paths []string, stdin io.Reader, emit func(*Object)) []Error {
	l := loader{ctx: ctx, stdin: stdin, emit: emit, visited: map[fileID]bool{}}
	for _, p := range paths {
		if ctx.Err() != nil {
			l.errs = append(l.errs, Error{File: p, Message: fmt.Sprintf("not read: %v", ctx.Err())})
			break
		}
		l.path(p)
	}
	return l.errs
}

type loader struct {
	ctx     context.Context
	stdin   io.Reader
	emit    func(*Object)
	errs    []Error
	visited map[fileID]bool // directories entered, to break symlink loops
	stdinOK bool
}

func (l *loader) fail(file, format string, args ...any) {
	l.errs = append(l.errs, Error{File: file, Message: fmt.Sprintf(format, args...)})
}

func (l *loader) path(p string) {
	if p == "-" {
		if l.stdinOK {
			l.fail(StdinName, "standard input given more than once")
			return
		}
		l.stdinOK = true
		if l.stdin == nil {
			l.fail(StdinName, "no standard input")
			return
		}
		data, err := io.ReadAll(io.LimitReader(l.stdin, MaxFileSize+1))
		if err != nil {
			l.fail(StdinName, "read: %v", unwrapPath(err))
			return
		}
		if len(data) > MaxFileSize {
			l.fail(StdinName, "larger than %d MiB; not read", MaxFileSize>>20)
			return
		}
		l.errs = append(l.errs, Decode(StdinName, data, l.emit)...)
		return
	}
	info, err := os.Stat(p)
	if err != nil {
		l.fail(p, "%v", describeStatError(err))
		return
	}
	if info.IsDir() {
		l.dir(p, info)
		return
	}
	l.file(p, info)
}

func (l *loader) dir(dir string, info fs.FileInfo) {
	id, ok := idOf(info)
	if ok {
		if l.visited[id] {
			l.fail(dir, "directory already scanned (a symlink loop or a repeated path); skipped")
			return
		}
		l.visited[id] = true
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		l.fail(dir, "read directory: %v", unwrapPath(err))
		return
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	for _, e := range entries {
		if l.ctx.Err() != nil {
			l.fail(dir, "not read completely: %v", l.ctx.Err())
			return
		}
		name := e.Name()
		p := filepath.Join(dir, name)
		if e.IsDir() && strings.HasPrefix(name, ".") {
			continue // .git and other hidden folders
		}
		t := e.Type()
		if t&fs.ModeSymlink != 0 {
			target, err := os.Stat(p)
			if err != nil {
				if hasManifestExt(name) {
					l.fail(p, "%v", describeStatError(err))
				}
				continue
			}
			if target.IsDir() {
				l.dir(p, target)
			} else if hasManifestExt(name) && target.Mode().IsRegular() {
				l.file(p, target)
			}
			continue
		}
		if e.IsDir() {
			info, err := e.Info()
			if err != nil {
				l.fail(p, "%v", unwrapPath(err))
				continue
			}
			l.dir(p, info)
			continue
		}
		if t.IsRegular() && hasManifestExt(name) {
			info, err := e.Info()
			if err != nil {
				l.fail(p, "%v", unwrapPath(err))
				continue
			}
			l.file(p, info)
		}
	}
}

func hasManifestExt(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}

func (l *loader) file(p string, info fs.FileInfo) {
	if !info.Mode().IsRegular() {
		l.fail(p, "not a regular file")
		return
	}
	if info.Size() > MaxFileSize {
		l.fail(p, "larger than %d MiB; not read", MaxFileSize>>20)
		return
	}
	data, err := os.ReadFile(p)
	if err != nil {
		l.fail(p, "read: %v", unwrapPath(err))
		return
	}
	l.errs = append(l.errs, Decode(p, data, l.emit)...)
}

// unwrapPath drops the path an *fs.PathError repeats, since Error names it.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func describeStatError(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "no such file or directory"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	}
	if strings.Contains(err.Error(), "too many levels of symbolic links") {
		return "symlink loop"
	}
	return unwrapPath(err).Error()
}
