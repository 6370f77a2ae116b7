package image

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// The kinds of Error, for errors.Is. Each is a coverage gap for the
// caller, never a pass.
var (
	// ErrUnreachable: the registry did not answer (refused, unknown host,
	// timed out).
	ErrUnreachable = errors.New("registry unreachable")
	// ErrNotFound: the registry has no such repository, tag or digest.
	ErrNotFound = errors.New("image not found")
	// ErrAuth: the registry wants credentials that are missing or that it
	// refused.
	ErrAuth = errors.New("registry access denied")
)

// Error is a failure to reach an image in its registry.
type Error struct {
	// Image is the reference as normalised (Ref.String).
	Image string
	// Registry is the registry's host.
	Registry string
	// Kind is ErrUnreachable, ErrNotFound, ErrAuth, or nil for any other
	// failure.
	Kind error
	// Reason says what happened, naming the registry.
	Reason string
	// Err is the underlying error.
	Err error
}

func (e *Error) Error() string { return fmt.Sprintf("image %q: %s", e.Image, e.Reason) }

// Unwrap is the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is e's kind.
func (e *Error) Is(target error) bool { return e.Kind != nil && target == e.Kind }

// classify turns err, from reaching ref, into an *Error. ctx is the
// caller's context; timeout is the bound the operation ran under.
func classify(ctx context.Context, kc authn.Keychain, ref Ref, timeout time.Duration, err error) error {
	if err == nil {
		return nil
	}
	var already *Error
	if errors.As(err, &already) {
		return err
	}
	e := &Error{Image: ref.String(), Registry: ref.Registry, Err: err}
	anonymous, cerr := credentials(kc, ref)
	if cerr != nil {
		e.Kind, e.Reason, e.Err = ErrAuth, fmt.Sprintf("the credentials for registry %s could not be read: %v", ref.Registry, cerr), cerr
		return e
	}
	var terr *transport.Error
	var nerr *net.OpError
	var dnsErr *net.DNSError
	switch {
	case ctx.Err() != nil:
		// The caller gave up: not the registry's fault.
		e.Reason = fmt.Sprintf("registry %s: %v", ref.Registry, ctx.Err())
	case errors.Is(err, context.DeadlineExceeded):
		e.Kind, e.Reason = ErrUnreachable, fmt.Sprintf("registry %s did not answer within %s", ref.Registry, timeout)
	case errors.As(err, &terr):
		classifyStatus(e, ref, anonymous, terr)
	case errors.As(err, &dnsErr):
		e.Kind, e.Reason = ErrUnreachable, fmt.Sprintf("registry %s is unreachable: %v", ref.Registry, dnsErr)
	case errors.As(err, &nerr):
		e.Kind, e.Reason = ErrUnreachable, fmt.Sprintf("registry %s is unreachable: %v", ref.Registry, nerr)
	default:
		e.Reason = fmt.Sprintf("registry %s: %v", ref.Registry, err)
	}
	return e
}

// classifyStatus words a registry's error response.
func classifyStatus(e *Error, ref Ref, anonymous bool, terr *transport.Error) {
	codes := map[transport.ErrorCode]bool{}
	for _, d := range terr.Errors {
		codes[d.Code] = true
	}
	status := fmt.Sprintf("%d %s", terr.StatusCode, http.StatusText(terr.StatusCode))
	switch {
	case terr.StatusCode == http.StatusUnauthorized && anonymous:
		e.Kind, e.Reason = ErrAuth, fmt.Sprintf("registry %s requires credentials, and none are configured for it (%s)", ref.Registry, status)
	case terr.StatusCode == http.StatusUnauthorized:
		e.Kind, e.Reason = ErrAuth, fmt.Sprintf("registry %s refused the credentials configured for it (%s)", ref.Registry, status)
	case terr.StatusCode == http.StatusForbidden || codes[transport.DeniedErrorCode]:
		e.Kind, e.Reason = ErrAuth, fmt.Sprintf("registry %s denied access to repository %q (%s)", ref.Registry, ref.Repository, status)
	case codes[transport.NameUnknownErrorCode]:
		e.Kind, e.Reason = ErrNotFound, fmt.Sprintf("registry %s has no repository %q", ref.Registry, ref.Repository)
	case terr.StatusCode == http.StatusNotFound && ref.Digest != "":
		e.Kind, e.Reason = ErrNotFound, fmt.Sprintf("registry %s has no manifest %s in repository %q", ref.Registry, ref.Digest, ref.Repository)
	case terr.StatusCode == http.StatusNotFound:
		e.Kind, e.Reason = ErrNotFound, fmt.Sprintf("registry %s has no tag %q in repository %q", ref.Registry, ref.Tag, ref.Repository)
	default:
		var msgs []string
		for _, d := range terr.Errors {
			msgs = append(msgs, d.String())
		}
		e.Reason = fmt.Sprintf("registry %s answered %s", ref.Registry, status)
		if len(msgs) > 0 {
			e.Reason += ": " + strings.Join(msgs, "; ")
		}
	}
}

// credentials reports whether kc holds no credentials for ref's registry,
// or the error reading them (a broken config file or credential helper).
func credentials(kc authn.Keychain, ref Ref) (anonymous bool, err error) {
	r, err := ref.reference()
	if err != nil {
		return false, err
	}
	a, err := kc.Resolve(r.Context())
	if err != nil {
		return false, err
	}
	if a == authn.Anonymous {
		return true, nil
	}
	cfg, err := a.Authorization()
	if err != nil {
		return false, err
	}
	return *cfg == authn.AuthConfig{}, nil
}
