package secretscan

import (
	"math"
	"strings"
)

// literal reports whether v (trimmed and unquoted) is a value written out in
// full, as opposed to nothing, a placeholder, a reference to a value kept
// elsewhere, a file path, or a URL without credentials.
func literal(v string) bool {
	switch {
	case v == "" || !hasAlnum(v):
		return false
	case isReference(v), isPlaceholder(v), isPath(v):
		return false
	case hasFoldPrefix(v, "http://") || hasFoldPrefix(v, "https://"):
		// A URL with a password is caught by value; one without names
		// where a secret is, not the secret.
		return false
	}
	return true
}

// referenceMarkers start a reference to a value held elsewhere: Kubernetes
// $(VAR) expansion, and shell and template interpolation.
var referenceMarkers = [...]string{"$(", "${", "{{", "#{", "%{", "<%"}

// referencePrefixes start a secret manager's URI or a sealed value.
var referencePrefixes = [...]string{
	"vault:", "ref+", "arn:aws:secretsmanager:", "arn:aws:ssm:", "sm://", "secretref:", "secret://",
	"azurekeyvault:", "gcpsm://", "awssm://", "op://",
	// Jasypt-encrypted properties: ciphertext, not the secret.
	"enc(",
}

// isReference reports whether v points at a value held elsewhere rather
// than holding it.
func isReference(v string) bool {
	for _, m := range referenceMarkers {
		if strings.Contains(v, m) {
			return true
		}
	}
	for _, p := range referencePrefixes {
		if hasFoldPrefix(v, p) {
			return true
		}
	}
	// $VAR, a shell variable, or $secret:key, $oidc.clientSecret (Argo CD's
	// references to a Secret).
	if len(v) > 1 && v[0] == '$' {
		for i := 1; i < len(v); i++ {
			if c := v[i]; !isAlnum(c) && c != '_' && c != '.' && c != '-' && c != ':' {
				return false
			}
		}
		return true
	}
	return false
}

// placeholders are whole values that stand in for a secret.
var placeholders = map[string]bool{
	"changeme": true, "change-me": true, "change_me": true, "changeit": true, "replaceme": true,
	"replace-me": true, "replace_me": true, "placeholder": true, "redacted": true, "secret": true,
	"password": true, "passwd": true, "pass": true, "token": true, "apikey": true, "api-key": true,
	"api_key": true, "key": true, "none": true, "null": true, "nil": true, "undefined": true,
	"empty": true, "dummy": true, "example": true, "sample": true, "test": true, "todo": true,
	"tbd": true, "fixme": true, "true": true, "false": true, "yes": true, "no": true, "y": true,
	"n": true, "on": true, "off": true, "enabled": true, "disabled": true, "enable": true,
	"disable": true, "default": true, "unset": true, "required": true, "optional": true,
	"n/a": true, "na": true, "hidden": true, "masked": true, "notset": true, "not-set": true,
}

// placeholderMarkers inside a value make it a placeholder.
var placeholderMarkers = [...]string{
	"changeme", "change-me", "change_me", "replace-me", "replace_me", "replaceme", "placeholder",
	"redacted", "example", "your-", "your_", "your ", "dummy", "xxxx",
}

// maxPlaceholder is the longest value judged a placeholder; anything longer
// is data, whatever it contains.
const maxPlaceholder = 64

// isPlaceholder reports whether v is an obvious stand-in: a word such as
// "changeme", "<token>", "[REDACTED]", "your-api-key-here", "xxxx", or one
// character repeated.
func isPlaceholder(v string) bool {
	if len(v) > maxPlaceholder {
		return false
	}
	var buf [maxPlaceholder]byte
	low := buf[:len(v)]
	for i := 0; i < len(v); i++ {
		low[i] = lower(v[i])
	}
	if placeholders[string(low)] {
		return true
	}
	if (v[0] == '<' && v[len(v)-1] == '>') || (v[0] == '[' && v[len(v)-1] == ']') {
		return true
	}
	for _, m := range placeholderMarkers {
		if strings.Contains(string(low), m) {
			return true
		}
	}
	return sameByte(v)
}

// sameByte reports whether v repeats one byte, as in "xxxxxx" or "000000".
func sameByte(v string) bool {
	for i := 1; i < len(v); i++ {
		if v[i] != v[0] {
			return false
		}
	}
	return true
}

// isPath reports whether v is a file path: a value naming where the secret
// is, not the secret.
func isPath(v string) bool {
	if !(strings.HasPrefix(v, "/") || strings.HasPrefix(v, "./") || strings.HasPrefix(v, "../") ||
		strings.HasPrefix(v, "~/") || hasFoldPrefix(v, "file:")) {
		return false
	}
	return strings.IndexAny(v, " \t\n") < 0 && strings.Count(v, "/") >= 2
}

func hasAlnum(v string) bool {
	for i := 0; i < len(v); i++ {
		if isAlnum(v[i]) {
			return true
		}
	}
	return false
}

// Random-looking values: at least minRandomLen bytes, at most
// maxRandomLen, and at least minEntropy bits of Shannon entropy per byte.
const (
	minRandomLen = 20
	maxRandomLen = 4096
	minEntropy   = 3.5
)

// looksRandom reports whether v looks like generated key material rather
// than a word or an identifier: long enough, no white space, a segment that
// mixes letters with digits (or has runs of capitals among lower case), and
// high Shannon entropy. "production-db-01" is an identifier;
// "q8Zt2mW0xLr7VbN4pK1s" is not.
func looksRandom(v string) bool {
	if len(v) < minRandomLen || len(v) > maxRandomLen {
		return false
	}
	var counts [256]int32
	// A segment is a run of letters and digits. Generated material mixes
	// letters with digits in one segment, or has runs of upper case among
	// lower case; words and identifiers do neither.
	mixed := false
	var letter, digit, low bool
	upperPairs := 0
	for i := 0; i < len(v); i++ {
		c := v[i]
		counts[c]++
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			return false
		case isLower(c):
			letter, low = true, true
		case isUpper(c):
			letter = true
			if i > 0 && isUpper(v[i-1]) {
				upperPairs++
			}
		case isDigit(c):
			digit = true
		default:
			letter, digit, low, upperPairs = false, false, false, 0
		}
		if letter && digit || low && upperPairs >= 3 {
			mixed = true
		}
	}
	if !mixed {
		return false
	}
	return entropy(&counts, len(v)) >= minEntropy
}

// entropy returns the Shannon entropy, in bits per byte, of n bytes with the
// given counts.
func entropy(counts *[256]int32, n int) float64 {
	var h float64
	fn := float64(n)
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / fn
			h -= p * math.Log2(p)
		}
	}
	return h
}
