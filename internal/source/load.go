package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/kubestride/kubestride/internal/object"
)

// MaxFileSize is the largest file Load reads; a larger one is reported, not read.
const MaxFileSize = 256 << 20

// Options tune Stream.
type Options struct {
	// Stdin is read for the path "-".
	Stdin io.Reader
	// Workers is the number of goroutines decoding documents; 0 means
	// GOMAXPROCS.
	Workers int
	// Exclude lists glob patterns (path.Match syntax) of the files and
	// directories a directory walk passes over: a pattern matches an
	// entry's name, or its path as walked (slash-separated).
	Exclude []string
	// FileTimeout bounds the time one file may take to read; the documents
	// not read by then are reported, and the next input is read. 0 means
	// DefaultFileTimeout.
	FileTimeout time.Duration
	// Helm lists charts (directories or .tgz archives) and Kustomize
	// directories to render, after the paths.
	Helm      []string
	Kustomize []string
	// Render tunes the rendering of charts and kustomizations, given or
	// found in a directory walk.
	Render Render
}

// DefaultFileTimeout is the time one file may take to read by default: far
// more than the largest file allowed takes on a slow machine.
const DefaultFileTimeout = 5 * time.Minute

// Load reads every path (a file, a directory walked recursively for .yaml,
// .yml and .json files, or "-" for stdin) and passes each object to emit, in
// a stable order: paths as given, directory entries sorted, documents in
// file order. It returns the input that could not be read; it stops early
// only when ctx is done.
func Load(ctx context.Context, paths []string, stdin io.Reader, emit func(*object.Object)) []object.Error {
	return Stream(ctx, paths, Options{Stdin: stdin}, nil, func(o *object.Object, _ struct{}) { emit(o) })
}

// Stream is Load with options: documents are decoded and prepared on
// several goroutines, while emit is called from the caller's goroutine, one
// object at a time, in the same stable order as Load. prepare, when not nil,
// runs on each object in the goroutine that decoded it, before the object is
// emitted, and its result is passed to emit; it must be safe for concurrent
// use. At most a few documents per worker are in flight, so memory does not
// grow with the input.
func Stream[P any](ctx context.Context, paths []string, opts Options, prepare func(*object.Object) P, emit func(*object.Object, P)) []object.Error {
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	jobs := make(chan *job[P], 4*workers)
	done := make(chan *job[P], 4*workers)
	free := &jobPool[P]{}
	go func() {
		l := loader[P]{ctx: ctx, stdin: opts.Stdin, visited: map[fileID]bool{}, jobs: jobs, free: free, timeout: opts.FileTimeout, exclude: opts.Exclude, render: opts.Render}
		if l.timeout <= 0 {
			l.timeout = DefaultFileTimeout
		}
		for _, p := range paths {
			if ctx.Err() != nil {
				l.fail(p, "not read: %v", ctx.Err())
				break
			}
			l.path(p)
		}
		for _, c := range opts.Helm {
			if ctx.Err() == nil {
				l.helmChart(c, true)
			}
		}
		for _, k := range opts.Kustomize {
			if ctx.Err() == nil {
				l.kustomization(k)
			}
		}
		close(jobs)
	}()
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				j.run(prepare)
				done <- j
			}
		}()
	}
	go func() {
		wg.Wait()
		close(done)
	}()

	// Emit in sequence order, holding early finishers until their turn.
	// Errors are kept per file up to a cap, so that a file of a million
	// broken documents costs one summary error, not a million.
	var errs []object.Error
	var fileErrs errorList
	file, objects, template := "", 0, false
	flush := func() {
		errs = append(errs, fileErrs.finish(file, objects, template)...)
		fileErrs = errorList{}
		objects = 0
	}
	pending := map[int]*job[P]{}
	next := 0
	for j := range done {
		pending[j.seq] = j
		for {
			j, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			for i, o := range j.objs {
				var prepared P
				if i < len(j.prepared) {
					prepared = j.prepared[i]
				}
				emit(o, prepared)
			}
			if j.file != file {
				flush()
				file, template = j.file, j.template
			}
			objects += len(j.objs)
			fileErrs.merge(&j.errs)
			free.put(j)
		}
	}
	flush()
	return errs
}

// job is a run of documents of one file to decode, or a file-level error
// to pass on in order. Jobs are reused, so that a file of millions of tiny
// documents does not leave millions of them to collect.
type job[P any] struct {
	seq  int
	file string
	// template is set when the file holds template directives.
	template bool
	// render is set on the documents of a rendered output.
	render   *renderInfo
	docs     []jobDoc
	objs     []*object.Object
	prepared []P
	errs     errorList
}

type jobDoc struct {
	doc  document
	text []byte
}

// A job holds documents until it has about this much text or this many
// documents, so that small documents do not cost a hand-over each.
const (
	jobBytes = 64 << 10
	jobDocs  = 256
)

// jobPool keeps the jobs a Stream has emitted for its loader to reuse.
type jobPool[P any] struct {
	mu   sync.Mutex
	free []*job[P]
}

func (p *jobPool[P]) get(file string) *job[P] {
	p.mu.Lock()
	var j *job[P]
	if n := len(p.free); n > 0 {
		j, p.free = p.free[n-1], p.free[:n-1]
	}
	p.mu.Unlock()
	if j == nil {
		j = new(job[P])
	}
	j.file = file
	return j
}

// put returns a job, once emitted, for reuse.
func (p *jobPool[P]) put(j *job[P]) {
	clear(j.docs)
	clear(j.objs)
	clear(j.prepared)
	*j = job[P]{docs: j.docs[:0], objs: j.objs[:0], prepared: j.prepared[:0], errs: errorList{errs: j.errs.errs[:0]}}
	p.mu.Lock()
	if len(p.free) < 64 {
		p.free = append(p.free, j)
	}
	p.mu.Unlock()
}

func (j *job[P]) run(prepare func(*object.Object) P) {
	emit := func(o *object.Object) { j.objs = append(j.objs, o) }
	for i := range j.docs {
		d := &j.docs[i]
		// Past the errors a file keeps, a document's errors are only
		// counted: they need no words.
		d.doc.mute = j.errs.full()
		d.doc.decode(d.text, emit, &j.errs)
	}
	clear(j.docs)
	j.docs = j.docs[:0]
	if j.render != nil {
		j.render.finish(j.objs, &j.errs)
	}
	if prepare != nil {
		for _, o := range j.objs {
			j.prepared = append(j.prepared, prepare(o))
		}
	}
}

type loader[P any] struct {
	exclude []string
	free    *jobPool[P]
	timeout time.Duration
	ctx     context.Context
	stdin   io.Reader
	visited map[fileID]bool // directories entered, to break symlink loops
	stdinOK bool
	render  Render
	jobs    chan<- *job[P]
	seq     int
}

func (l *loader[P]) send(j *job[P]) {
	j.seq = l.seq
	l.seq++
	l.jobs <- j
}

func (l *loader[P]) fail(file, format string, args ...any) {
	j := l.free.get(file)
	j.errs.add(object.Error{File: file, Message: fmt.Sprintf(format, args...)})
	l.send(j)
}

// decode splits a file's content into documents and queues them, a run of
// documents at a time. Documents that may expand through aliases are parsed
// here, in order, to charge the file's budget before any is expanded.
func (l *loader[P]) decode(file string, data []byte) {
	l.decodeRendered(file, data, nil)
}

// decodeRendered is decode for the output of a renderer, which render
// says where it came from; nil for a file read as written.
func (l *loader[P]) decodeRendered(file string, data []byte, render *renderInfo) {
	data = transcode(data)
	b := newBudget(len(data))
	template := render == nil && isTemplate(data)
	j := l.free.get(file)
	j.template, j.render = template, render
	size, n := 0, 0
	deadline := time.Now().Add(l.timeout)
	for raw := range streamDocuments(data) {
		if n > 0 && time.Now().After(deadline) {
			// The loader waits for the workers when they are behind, so
			// this bounds the time the whole file takes.
			j.errs.add(object.Error{File: file, Line: raw.line, Doc: n + 1, Message: fmt.Sprintf("reading this file took longer than %v; the documents from this line on are not read", l.timeout)})
			break
		}
		n++
		d := document{file: file, doc: n, line: raw.line, json: raw.json}
		d.tree = d.preparse(raw.text, b)
		j.docs = append(j.docs, jobDoc{doc: d, text: raw.text})
		size += len(raw.text)
		if size >= jobBytes || len(j.docs) >= jobDocs {
			l.send(j)
			j, size = l.free.get(file), 0
			j.template, j.render = template, render
		}
	}
	if len(j.docs) > 0 {
		l.send(j)
	}
}

func (l *loader[P]) path(p string) {
	if p == "-" {
		if l.stdinOK {
			l.fail(object.StdinName, "standard input given more than once")
			return
		}
		l.stdinOK = true
		if l.stdin == nil {
			l.fail(object.StdinName, "no standard input")
			return
		}
		data, err := io.ReadAll(io.LimitReader(l.stdin, MaxFileSize+1))
		if err != nil {
			l.fail(object.StdinName, "read: %v", unwrapPath(err))
			return
		}
		if len(data) > MaxFileSize {
			l.fail(object.StdinName, "larger than %d MiB; not read", MaxFileSize>>20)
			return
		}
		l.decode(object.StdinName, data)
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

func (l *loader[P]) dir(dir string, info fs.FileInfo) {
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
		if e.IsDir() {
			continue
		}
		switch name := e.Name(); {
		case name == "Chart.yaml":
			if l.render.Off {
				l.skip(dir, "a Helm chart, not rendered (--no-render); skipped: run helm template "+dir+" | kubestride scan -")
			} else {
				l.helmChart(dir, false)
			}
			return
		case isKustomization(name):
			if l.render.Off {
				l.skip(dir, "a Kustomize directory, not built (--no-render); skipped: run kustomize build "+dir+" | kubestride scan -")
			} else {
				l.kustomization(dir)
			}
			return
		}
	}
	for _, e := range entries {
		if l.ctx.Err() != nil {
			l.fail(dir, "not read completely: %v", l.ctx.Err())
			return
		}
		name := e.Name()
		p := filepath.Join(dir, name)
		if l.excluded(name, p) {
			continue
		}
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

// excluded reports whether an entry of a directory walk matches an
// exclusion, by name or by path.
func (l *loader[P]) excluded(name, p string) bool {
	for _, pattern := range l.exclude {
		if ok, _ := path.Match(pattern, name); ok {
			return true
		}
		if ok, _ := path.Match(filepath.ToSlash(pattern), filepath.ToSlash(p)); ok {
			return true
		}
	}
	return false
}

// isKustomization reports whether name is a Kustomize file's.
func isKustomization(name string) bool {
	switch name {
	case "kustomization.yaml", "kustomization.yml", "Kustomization":
		return true
	}
	return false
}

// skip reports input deliberately passed over, as a notice.
func (l *loader[P]) skip(file, msg string) {
	j := l.free.get(file)
	j.errs.add(object.Error{File: file, Skipped: true, Message: msg})
	l.send(j)
}

func hasManifestExt(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}

func (l *loader[P]) file(p string, info fs.FileInfo) {
	if isKustomization(filepath.Base(p)) {
		l.skip(p, "a Kustomize file; skipped: run kustomize build "+filepath.Dir(p)+" | kubestride scan - to scan what it builds")
		return
	}
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
	l.decode(p, data)
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
