package policy

import (
	"fmt"
	"path"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
)

// Pattern is a glob over a normalised repository name
// (registry.example.com/team/app, index.docker.io/library/nginx). It is
// matched segment by segment: "*", "?" and "[...]" never cross a "/", and a
// "**" segment matches any number of segments. The first segment is the
// registry host, always compared as a whole, so registry.example.com/* does
// not match registry.example.com.evil.io/app.
type Pattern struct {
	// Text is the pattern as written.
	Text string
	segs []string
}

// ParsePattern checks and normalises a repository pattern. It must start
// with a registry host (a name with a dot or a port, or localhost);
// docker.io is written as Docker writes it and normalised to
// index.docker.io.
func ParsePattern(text string) (Pattern, error) {
	segs := strings.Split(text, "/")
	if len(segs) < 2 {
		return Pattern{}, fmt.Errorf("%q must name a registry host and a repository (registry.example.com/app, registry.example.com/*)", text)
	}
	host := segs[0]
	if !strings.ContainsAny(host, ".:") && host != "localhost" {
		return Pattern{}, fmt.Errorf("%q must start with a registry host (a name with a dot or a port, or localhost), not %q", text, host)
	}
	if host == "docker.io" {
		segs[0] = name.DefaultRegistry
	}
	for _, s := range segs {
		if s == "" {
			return Pattern{}, fmt.Errorf("%q has an empty path segment", text)
		}
		if s == "**" {
			continue
		}
		if strings.Contains(s, "**") {
			return Pattern{}, fmt.Errorf("%q: ** must be a whole path segment", text)
		}
		if _, err := path.Match(s, ""); err != nil {
			return Pattern{}, fmt.Errorf("%q is not a valid glob: %w", text, err)
		}
	}
	if segs[0] == "**" {
		return Pattern{}, fmt.Errorf("%q must start with a registry host, not **", text)
	}
	return Pattern{Text: text, segs: segs}, nil
}

// Match reports whether the normalised repository repo matches.
func (p Pattern) Match(repo string) bool {
	return matchSegs(p.segs, strings.Split(repo, "/"))
}

func matchSegs(pat, segs []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for i := 0; i <= len(segs); i++ {
				if matchSegs(pat[1:], segs[i:]) {
					return true
				}
			}
			return false
		}
		if len(segs) == 0 {
			return false
		}
		if ok, err := path.Match(pat[0], segs[0]); err != nil || !ok {
			return false
		}
		pat, segs = pat[1:], segs[1:]
	}
	return len(segs) == 0
}

// anyMatch reports whether one of ps matches repo.
func anyMatch(ps []Pattern, repo string) bool {
	for _, p := range ps {
		if p.Match(repo) {
			return true
		}
	}
	return false
}

func patternTexts(ps []Pattern) string {
	t := make([]string, len(ps))
	for i, p := range ps {
		t[i] = p.Text
	}
	return strings.Join(t, ", ")
}

// Repository returns the normalised repository of an image reference
// (nginx:1.27 is index.docker.io/library/nginx).
func Repository(ref string) (string, error) {
	r, err := name.ParseReference(ref)
	if err != nil {
		return "", err
	}
	return r.Context().Name(), nil
}
