package auditlog

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// MaxLine is the longest line read; a longer one is an error and skipped.
const MaxLine = 64 << 20

// Error is a problem with the input, at a file and line (0 for the file as
// a whole).
type Error struct {
	File    string
	Line    int
	Message string
}

func (e Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Message)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Message)
}

// Position is where an event was read.
type Position struct {
	File string
	Line int
}

// Notice is something about the log that is no error but limits what it
// shows: a gap in time between files, requests whose first stage is missing.
type Notice struct {
	File    string
	Line    int
	Message string
}

// StdinName names standard input in errors.
const StdinName = "(stdin)"

// Input is a set of audit log files read in time order.
type Input struct {
	// Paths are files, directories (their regular files) or "-" for Stdin.
	Paths []string
	Stdin io.Reader
	// Gap is the pause between the last event of one file and the first of
	// the next that is reported as a hole in the log; 0 means 15 minutes.
	Gap time.Duration
	// Pre, when set, is asked about each line before it is decoded; a line
	// it rejects is not decoded, only checked to look like a whole
	// audit.k8s.io/v1 event (an object, holding the version), and files are
	// not checked for gaps in time (the times of rejected lines are not
	// known).
	Pre func(line []byte) bool
}

// Stats is what was read.
type Stats struct {
	Files  int
	Lines  int
	Events int
	Bytes  int64
	First  time.Time
	Last   time.Time
}

// file is one input, opened.
type file struct {
	name  string
	r     io.Reader
	close func() error
	gz    *gzip.Reader
	br    *bufio.Reader
	// first is the time of its first event, when one could be read.
	first time.Time
	// peek is the first line, read to order the files.
	peek    []byte
	peekErr error
}

// Each reads the input's files, oldest first, and calls fn for every line
// that holds an audit.k8s.io/v1 event, with the event (reused between calls)
// and the raw line (valid during the call). Lines that cannot be read are
// errors, reported with file and line, and the rest is still read. fn
// returning false stops the reading.
func (in Input) Each(fn func(e *Event, line []byte, pos Position) bool) (Stats, []Error, []Notice) {
	var (
		errs    []Error
		notices []Notice
		st      Stats
	)
	files, errs := in.open()
	defer func() {
		for _, f := range files {
			if f.close != nil {
				f.close()
			}
		}
	}()
	gap := in.Gap
	if gap == 0 {
		gap = 15 * time.Minute
	}
	var e Event
	buf := make([]byte, 0, 1<<16)
	var prevLast time.Time
	prevName := ""
	stopped := false
	for _, f := range files {
		if stopped {
			break
		}
		st.Files++
		fileFirst, fileLast := time.Time{}, time.Time{}
		lineNo := 0
		for {
			var line []byte
			var err error
			if f.peek != nil || f.peekErr != nil {
				line, err = f.peek, f.peekErr
				f.peek, f.peekErr = nil, nil
			} else {
				line, buf, err = readLine(f.br, buf)
			}
			if len(line) > 0 || err == nil {
				lineNo++
				st.Lines++
				st.Bytes += int64(len(line)) + 1
			}
			if errors.Is(err, errLineTooLong) {
				errs = append(errs, Error{f.name, lineNo, fmt.Sprintf("line longer than %d MiB, skipped", MaxLine>>20)})
				err = nil
				line = nil
			}
			if in.Pre != nil && len(line) > 0 && !in.Pre(line) && looksWhole(line) {
				// Rejected before decoding.
			} else if len(bytes.TrimSpace(line)) > 0 {
				if derr := Decode(line, &e); derr != nil {
					msg := "not an audit event: " + derr.Error()
					var se *SyntaxError
					if errors.As(derr, &se) && err != nil {
						msg = "line cut short: " + derr.Error()
					}
					errs = append(errs, Error{f.name, lineNo, msg})
				} else if cerr := e.Check(); cerr != nil {
					errs = append(errs, Error{f.name, lineNo, cerr.Error()})
				} else {
					st.Events++
					t := e.StageTime
					if t.IsZero() {
						t = e.Time()
					}
					if fileFirst.IsZero() {
						fileFirst = t
					}
					if t.After(fileLast) {
						fileLast = t
					}
					if !fn(&e, line, Position{f.name, lineNo}) {
						stopped = true
						break
					}
				}
			}
			if err != nil {
				if err != io.EOF {
					errs = append(errs, Error{f.name, lineNo, readError(err)})
				}
				break
			}
		}
		if !prevLast.IsZero() && !fileFirst.IsZero() && in.Pre == nil {
			switch d := fileFirst.Sub(prevLast); {
			case d > gap:
				notices = append(notices, Notice{File: f.name, Line: 1, Message: fmt.Sprintf(
					"no event for %s between %s (the end of %s) and %s (the start of %s): a rotated file may be missing",
					d.Round(time.Second), stamp(prevLast), prevName, stamp(fileFirst), f.name)})
			case d < -time.Minute:
				notices = append(notices, Notice{File: f.name, Line: 1, Message: fmt.Sprintf(
					"starts at %s, %s before the end of %s: the files overlap in time",
					stamp(fileFirst), (-d).Round(time.Second), prevName)})
			}
		}
		if !fileFirst.IsZero() {
			if st.First.IsZero() || fileFirst.Before(st.First) {
				st.First = fileFirst
			}
			if fileLast.After(st.Last) {
				st.Last = fileLast
			}
			prevLast, prevName = fileLast, f.name
		}
	}
	return st, errs, notices
}

var versionNeedle = []byte(`"` + APIVersion + `"`)

// looksWhole reports whether line looks like a whole audit.k8s.io/v1 event
// without decoding it: an object that names the version (or holds a \u
// escape that might spell it).
func looksWhole(line []byte) bool {
	line = bytes.TrimSpace(line)
	return len(line) > 1 && line[0] == '{' && line[len(line)-1] == '}' &&
		(bytes.Contains(line, versionNeedle) || bytes.Contains(line, unicodeEscape))
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func readError(err error) string {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "compressed file cut short (unexpected end of the gzip stream); the events before this line were read"
	}
	return "read: " + err.Error()
}

var errLineTooLong = errors.New("line too long")

// readLine reads one line without its newline into buf (grown as needed).
// At the end of the input it returns the last line, if any, with io.EOF.
func readLine(br *bufio.Reader, buf []byte) ([]byte, []byte, error) {
	b, err := br.ReadSlice('\n')
	if err == nil {
		return trimNL(b), buf, nil
	}
	if err != bufio.ErrBufferFull {
		return trimNL(b), buf, err
	}
	buf = append(buf[:0], b...)
	for {
		b, err = br.ReadSlice('\n')
		if len(buf)+len(b) > MaxLine {
			// Skip to the end of the line.
			for err == bufio.ErrBufferFull {
				_, err = br.ReadSlice('\n')
			}
			if err == nil || err == io.EOF {
				return nil, buf[:0], errLineTooLong
			}
			return nil, buf[:0], err
		}
		buf = append(buf, b...)
		if err != bufio.ErrBufferFull {
			return trimNL(buf), buf, err
		}
	}
}

func trimNL(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
		if n := len(b); n > 0 && b[n-1] == '\r' {
			b = b[:n-1]
		}
	}
	return b
}

// open opens every input and orders the files by the time of their first
// event (standard input stays first); a rotated set (audit.log,
// audit-2026-11-27T10-00-00.000.log, audit-....log.gz) is then read oldest
// first whatever the names.
func (in Input) open() ([]*file, []Error) {
	var files []*file
	var errs []Error
	var names []string
	for _, p := range in.Paths {
		if p == "-" {
			names = append(names, p)
			continue
		}
		st, err := os.Stat(p)
		if err != nil {
			errs = append(errs, Error{File: p, Message: fmt.Sprintf("cannot read: %v", errors.Unwrap(err))})
			continue
		}
		if !st.IsDir() {
			names = append(names, p)
			continue
		}
		ents, err := os.ReadDir(p)
		if err != nil {
			errs = append(errs, Error{File: p, Message: fmt.Sprintf("cannot read the directory: %v", err)})
			continue
		}
		for _, ent := range ents {
			if ent.Type().IsRegular() && ent.Name()[0] != '.' {
				names = append(names, filepath.Join(p, ent.Name()))
			}
		}
	}
	for _, name := range names {
		f := &file{name: name}
		if name == "-" {
			f.name = StdinName
			f.r = in.Stdin
			if f.r == nil {
				f.r = os.Stdin
			}
		} else {
			o, err := os.Open(name)
			if err != nil {
				errs = append(errs, Error{File: name, Message: fmt.Sprintf("cannot read: %v", errors.Unwrap(err))})
				continue
			}
			f.r, f.close = o, o.Close
		}
		br := bufio.NewReaderSize(f.r, 1<<20)
		if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
			gz, err := gzip.NewReader(br)
			if err != nil {
				errs = append(errs, Error{File: f.name, Message: "not a gzip file: " + err.Error()})
				if f.close != nil {
					f.close()
				}
				continue
			}
			f.gz = gz
			br = bufio.NewReaderSize(gz, 1<<20)
		}
		f.br = br
		var line []byte
		line, _, f.peekErr = readLine(br, nil)
		f.peek = append([]byte{}, line...)
		if len(f.peek) == 0 && f.peekErr == nil {
			f.peek = []byte{} // an empty first line, kept to be counted
		}
		var e Event
		if Decode(f.peek, &e) == nil && e.Check() == nil {
			f.first = e.StageTime
			if f.first.IsZero() {
				f.first = e.Time()
			}
		}
		files = append(files, f)
	}
	sort.SliceStable(files, func(i, j int) bool {
		a, b := files[i], files[j]
		if (a.name == StdinName) != (b.name == StdinName) {
			return a.name == StdinName
		}
		// Files whose first event has no time keep their place after the others.
		return !a.first.IsZero() && (b.first.IsZero() || a.first.Before(b.first))
	})
	return files, errs
}
