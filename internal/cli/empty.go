package cli

import (
	"github.com/kubestride/kubestride/internal/object"
)

// emptyInputMessage is the error for input that holds no Kubernetes object.
const emptyInputMessage = "no Kubernetes objects in the input (pass --allow-empty if that is expected)"

// inputCount counts the objects a manifest scan reads, to tell an input that
// holds nothing (empty standard input, empty files, only comments: a failed
// `helm template | kubestride scan -`) from one without findings.
type inputCount struct {
	objects, fromStdin int
}

// add counts obj; it is called from the goroutine that receives objects.
func (c *inputCount) add(obj *object.Object) {
	c.objects++
	if obj.Origin.File == object.StdinName {
		c.fromStdin++
	}
}

// emptyErrors returns loadErrs with an error for each input that held no
// object: standard input ("-" among paths) that yielded no object, even when
// other paths had some, since an empty pipe means that what fed it failed;
// and the whole input when no path yielded any. An input already reported
// as unreadable gets no second error; one that was only skipped (a chart, a
// file that is no manifest) does, since nothing of it was scanned.
func (c *inputCount) emptyErrors(paths []string, loadErrs []object.Error) []object.Error {
	stdinFailed, failed := false, 0
	for _, e := range loadErrs {
		if e.Skipped {
			continue
		}
		failed++
		if e.File == object.StdinName {
			stdinFailed = true
		}
	}
	hasStdin := false
	for _, p := range paths {
		if p == "-" {
			hasStdin = true
		}
	}
	switch {
	case hasStdin && c.fromStdin == 0 && !stdinFailed:
		return append(loadErrs, object.Error{File: object.StdinName, Message: emptyInputMessage})
	case c.objects == 0 && failed == 0:
		e := object.Error{Message: emptyInputMessage}
		if len(paths) == 1 {
			e.File = paths[0]
		}
		return append(loadErrs, e)
	}
	return loadErrs
}
