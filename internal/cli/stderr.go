package cli

import (
	"fmt"
	"io"

	"github.com/kubestride/kubestride/internal/textsafe"
)

// errLinef writes one line to standard error (w): the formatted text with
// its control characters and bidi controls shown as escapes, line breaks
// included (textsafe.Line), since the values it holds (kinds, names, file
// names, error messages quoting input) come from the input and must not
// drive the terminal. Every line kubestride writes to standard error goes
// through it.
func errLinef(w io.Writer, format string, args ...any) {
	fmt.Fprintln(w, textsafe.Line(fmt.Sprintf(format, args...)))
}
