package object

import "fmt"

// Error is input that could not be read: a file, or one document of it.
type Error struct {
	File string
	// Line is the 1-based line the problem is at, or 0 when it concerns the
	// whole file.
	Line int
	// Doc is the 1-based document index, or 0 when it concerns the whole file.
	Doc int
	// Message says what is wrong, without the file and line.
	Message string
	// Skipped marks input deliberately passed over (a Helm chart, a
	// Kustomize file, a YAML file that is no manifest): reported as a
	// notice, it does not change the exit code.
	Skipped bool
	// NotObject marks a document that holds no Kubernetes object at all (no
	// apiVersion and no kind, or not a mapping); a file of nothing else is
	// no manifest and is skipped.
	NotObject bool
}

func (e Error) Error() string {
	switch {
	case e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Message)
	case e.File != "":
		return fmt.Sprintf("%s: %s", e.File, e.Message)
	}
	return e.Message
}
