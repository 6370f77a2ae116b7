package auditlog

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/kubestride/kubestride/internal/textsafe"
)

// QueryFormats are the formats of kubestride auditlog query.
var QueryFormats = []string{"table", "json", "csv"}

// QueryResult is what a query read and found.
type QueryResult struct {
	Stats   Stats
	Matched int
	Errors  []Error
	Notices []Notice
}

// Query writes the events of in that m matches to w, in format (table,
// json or csv), as it reads them: memory does not grow with the input.
// The json format writes each event's line as it is, but for the secret
// values of its bodies (see Redact).
func Query(w io.Writer, in Input, m *Matcher, format string) (QueryResult, error) {
	var res QueryResult
	bw := bufio.NewWriterSize(w, 1<<16)
	var write func(e *Event, line []byte) error
	var flush func() error
	switch format {
	case "json":
		write = func(e *Event, line []byte) error {
			bw.Write(Redact(e, line))
			return bw.WriteByte('\n')
		}
		flush = func() error { return nil }
	case "csv":
		cw := csv.NewWriter(bw)
		cw.Write([]string{"time", "auditID", "stage", "user", "groups", "impersonatedUser", "verb", "resource", "subresource", "namespace", "name", "requestURI", "code", "decision", "sourceIPs", "userAgent"})
		write = func(e *Event, _ []byte) error {
			imp := ""
			if e.ImpersonatedUser != nil {
				imp = e.ImpersonatedUser.Username
			}
			code := ""
			if e.HasStatus {
				code = strconv.Itoa(int(e.Code))
			}
			return cw.Write(csvSafe(timeCell(e.Time()), e.AuditID, e.Stage, e.User.Username, strings.Join(e.User.Groups, " "), imp, e.Verb,
				e.Resource(), e.Subresource(), e.Namespace(), e.Name(), e.RequestURI, code, e.Decision, strings.Join(e.SourceIPs, " "), e.UserAgent))
		}
		flush = func() error { cw.Flush(); return cw.Error() }
	case "table":
		tw := tabwriter.NewWriter(bw, 0, 0, 2, ' ', 0)
		rows := 0
		header := func() { fmt.Fprintln(tw, "TIME\tWHO\tAS\tVERB\tOBJECT\tCODE\tFROM\tCLIENT") }
		header()
		write = func(e *Event, _ []byte) error {
			as := "-"
			if e.ImpersonatedUser != nil {
				as = PrincipalOf(e.ImpersonatedUser.Username)
			}
			code := "-"
			if e.HasStatus {
				code = strconv.Itoa(int(e.Code))
			}
			_, err := fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", timeCell(e.Time()), cell(e.Principal()), cell(as), cell(e.Verb),
				cell(e.Object()), code, cell(strings.Join(e.SourceIPs, ",")), cell(e.UserAgent))
			// Columns are aligned a block at a time, so the table streams.
			if rows++; rows%1000 == 0 {
				err = tw.Flush()
			}
			return err
		}
		flush = tw.Flush
	default:
		return res, fmt.Errorf("unknown format %q (want %s)", format, strings.Join(QueryFormats, ", "))
	}
	var werr error
	in.Pre = m.MayMatch
	res.Stats, res.Errors, res.Notices = in.Each(func(e *Event, line []byte, _ Position) bool {
		if !m.Match(e) {
			return true
		}
		res.Matched++
		if err := write(e, line); err != nil {
			werr = err
			return false
		}
		return true
	})
	if werr != nil {
		return res, fmt.Errorf("write: %w", werr)
	}
	if err := flush(); err != nil {
		return res, fmt.Errorf("write: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return res, fmt.Errorf("write: %w", err)
	}
	return res, nil
}

func timeCell(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

// cell makes s safe and single-line for a table cell.
func cell(s string) string {
	if s == "" {
		return "-"
	}
	s = textsafe.Text(s)
	return strings.NewReplacer("\t", " ", "\n", " ").Replace(s)
}

// csvSafe keeps spreadsheet programs from reading a cell as a formula.
func csvSafe(cells ...string) []string {
	for i, c := range cells {
		if c != "" && strings.ContainsRune("=+-@", rune(c[0])) {
			cells[i] = "'" + c
		}
	}
	return cells
}
