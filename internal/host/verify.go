package host

// Verifying a node's files against a list of SHA-256 sums, as
// "kubestride node verify SHA256SUMS" does.

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
)

// VerifyReport is what Verify found. Paths are node paths ("/usr/bin/
// kubelet"): the list's path with a leading "/" or "./" dropped, under the
// root of the file system verified.
type VerifyReport struct {
	// Listed is the number of files the list names; Matched how many of
	// them hold the sum listed.
	Listed, Matched int
	// Mismatched are the files whose content differs from the list (Got
	// is their sum), Missing those listed that do not exist, in the list's
	// order.
	Mismatched []VerifyEntry
	Missing    []VerifyEntry
	// Unlisted are the files the list does not name in the directories it
	// covers (those that hold a listed file; not their subdirectories),
	// sorted.
	Unlisted []string
	// Errors are the list's malformed lines ("line 3: ...") and the files
	// and directories that could not be read: what could not be verified.
	Errors []error
}

// VerifyEntry is one file of the list.
type VerifyEntry struct {
	Path string
	// Line is the line of the list that names it.
	Line int
	// Want is the sum listed, Got the file's (for a mismatch), hex.
	Want, Got string
}

// OK reports whether every listed file matched, none is missing or
// unlisted, and nothing went wrong.
func (r VerifyReport) OK() bool {
	return len(r.Mismatched) == 0 && len(r.Missing) == 0 && len(r.Unlisted) == 0 && len(r.Errors) == 0
}

// Verify checks the files of fsys (a node's root, or a copy of its files)
// against sums, a list of SHA-256 sums as sha256sum writes it: one
// "<64 hex digits>  <path>" line per file ("<hex> *<path>" for binary mode;
// a line starting with a backslash has its path escaped, \\ and \n), or
// the BSD form "SHA256 (<path>) = <hex>" of sha256sum --tag. Blank lines
// and lines starting with # are skipped. It reports every file whose
// content differs, every listed file that is missing, and every file not
// listed in a directory that holds a listed one. Each file is hashed as it
// is read, in fixed memory whatever its size. Symbolic links are followed
// as fsys follows them: for a copy of a node's files under os.DirFS, an
// absolute link resolves on the machine that runs the verification.
func Verify(fsys fs.FS, sums []byte) VerifyReport {
	var r VerifyReport
	var entries []VerifyEntry
	listed := map[string]int{} // path -> index in entries
	for i, line := range strings.Split(string(sums), "\n") {
		n := i + 1
		line = strings.TrimSuffix(line, "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		e, err := parseSumLine(line)
		if err != nil {
			r.Errors = append(r.Errors, fmt.Errorf("line %d: %w", n, err))
			continue
		}
		e.Line = n
		if j, ok := listed[e.Path]; ok {
			if entries[j].Want != e.Want {
				r.Errors = append(r.Errors, fmt.Errorf("line %d: %s is listed on line %d with another sum", n, e.Path, entries[j].Line))
			}
			continue
		}
		listed[e.Path] = len(entries)
		entries = append(entries, e)
	}
	r.Listed = len(entries)
	buf := make([]byte, 64<<10)
	for _, e := range entries {
		got, err := hashFile(fsys, e.Path, buf)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			r.Missing = append(r.Missing, VerifyEntry{Path: "/" + e.Path, Line: e.Line, Want: e.Want})
		case err != nil:
			r.Errors = append(r.Errors, fmt.Errorf("/%s (line %d): %w", e.Path, e.Line, err))
		case got != e.Want:
			r.Mismatched = append(r.Mismatched, VerifyEntry{Path: "/" + e.Path, Line: e.Line, Want: e.Want, Got: got})
		default:
			r.Matched++
		}
	}
	dirs := map[string]bool{}
	for _, e := range entries {
		dirs[path.Dir(e.Path)] = true
	}
	for _, d := range slices.Sorted(maps.Keys(dirs)) {
		des, err := fs.ReadDir(fsys, d)
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				r.Errors = append(r.Errors, fmt.Errorf("/%s: %w", strings.TrimPrefix(d, "."), err))
			}
			continue
		}
		for _, de := range des {
			if de.IsDir() {
				continue
			}
			p := path.Join(d, de.Name())
			if _, ok := listed[p]; !ok {
				r.Unlisted = append(r.Unlisted, "/"+p)
			}
		}
	}
	slices.Sort(r.Unlisted)
	return r
}

// parseSumLine reads one line of a sum list; the entry's Path is a valid
// fs.FS path.
func parseSumLine(line string) (VerifyEntry, error) {
	var sum, name string
	escaped := false
	if strings.HasPrefix(line, "\\") {
		escaped, line = true, line[1:]
	}
	if rest, ok := strings.CutPrefix(line, "SHA256 ("); ok {
		i := strings.LastIndex(rest, ") = ")
		if i < 0 {
			return VerifyEntry{}, errors.New(`malformed line: want "SHA256 (<path>) = <sum>"`)
		}
		name, sum = rest[:i], rest[i+len(") = "):]
	} else {
		i := strings.IndexByte(line, ' ')
		if i < 0 || i+1 >= len(line) || (line[i+1] != ' ' && line[i+1] != '*') {
			return VerifyEntry{}, errors.New(`malformed line: want "<64 hex digits>  <path>" as sha256sum writes`)
		}
		sum, name = line[:i], line[i+2:]
	}
	if len(sum) != 64 {
		return VerifyEntry{}, fmt.Errorf("sum has %d characters, want 64 hex digits (SHA-256)", len(sum))
	}
	if _, err := hex.DecodeString(sum); err != nil {
		return VerifyEntry{}, errors.New("sum is not hexadecimal")
	}
	if escaped {
		var err error
		if name, err = unescapeSumPath(name); err != nil {
			return VerifyEntry{}, err
		}
	}
	if name == "" {
		return VerifyEntry{}, errors.New("path is empty")
	}
	p := path.Clean("/" + name)[1:]
	if p == "" || !fs.ValidPath(p) {
		return VerifyEntry{}, fmt.Errorf("path %q names no file", name)
	}
	if strings.HasPrefix(name, "../") || strings.Contains(name, "/../") || name == ".." || strings.HasSuffix(name, "/..") {
		return VerifyEntry{}, fmt.Errorf("path %q leaves the root", name)
	}
	return VerifyEntry{Path: p, Want: strings.ToLower(sum)}, nil
}

// unescapeSumPath undoes sha256sum's escaping of a path: \\ and \n (and
// \r, which newer versions write).
func unescapeSumPath(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 >= len(s) {
			return "", errors.New("path ends in a lone backslash")
		}
		i++
		switch s[i] {
		case '\\':
			b.WriteByte('\\')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		default:
			return "", fmt.Errorf("unknown escape \\%c in path", s[i])
		}
	}
	return b.String(), nil
}

// hashFile returns the SHA-256 of file p of fsys, hex, reading it through
// buf.
func hashFile(fsys fs.FS, p string, buf []byte) (string, error) {
	f, err := fsys.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return "", err
	}
	if st.IsDir() {
		return "", errors.New("is a directory, not a file")
	}
	h := sha256.New()
	if _, err := io.CopyBuffer(h, onlyReader{f}, buf); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// onlyReader hides a file's other methods so that io.CopyBuffer uses buf.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }
