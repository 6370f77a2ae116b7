package secretscan

import "strings"

// scanValue looks for a secret with a known shape anywhere in v and returns
// its kind, or 0. Each search is a linear pass: strings.Index for the
// markers that may sit inside a longer word (PEM armour, "://", Slack
// webhooks), and one walk over v's words for the tokens that start a word.
func scanValue(v string) Kind {
	if hasPEMPrivateKey(v) {
		return PEMPrivateKey
	}
	if hasURLPassword(v) {
		return URLCredentials
	}
	if hasSlackWebhook(v) {
		return SlackWebhook
	}
	return scanWords(v)
}

// maxPEMLabel bounds the label of a PEM header ("ENCRYPTED PRIVATE KEY").
const maxPEMLabel = 40

// hasPEMPrivateKey finds a "-----BEGIN ... PRIVATE KEY-----" header (RSA,
// EC, DSA, OpenSSH, PKCS#8, encrypted PKCS#8) or an armoured PGP private key.
func hasPEMPrivateKey(v string) bool {
	const begin = "-----BEGIN "
	for i := 0; ; {
		j := strings.Index(v[i:], begin)
		if j < 0 {
			return false
		}
		i += j + len(begin)
		rest := v[i:]
		if len(rest) > maxPEMLabel+5 {
			rest = rest[:maxPEMLabel+5]
		}
		end := strings.Index(rest, "-----")
		if end < 0 {
			continue
		}
		label := rest[:end]
		if strings.HasSuffix(label, "PRIVATE KEY") || label == "PGP PRIVATE KEY BLOCK" {
			return true
		}
	}
}

// hasURLPassword finds a URL whose authority holds a password, as in
// postgres://app:s3cr3t@db:5432/app. A password that is a placeholder or a
// reference ($(DB_PASSWORD), ${DB_PASSWORD}) does not count.
func hasURLPassword(v string) bool {
	for i := 0; ; {
		j := strings.Index(v[i:], "://")
		if j < 0 {
			return false
		}
		i += j + 3
		// The authority ends at the path, query or fragment, or at
		// anything that cannot be in a URL.
		end := i
		for end < len(v) && !authorityEnd(v[end]) {
			end++
		}
		authority := v[i:end]
		at := strings.LastIndexByte(authority, '@')
		if at < 0 || at == len(authority)-1 {
			continue
		}
		userinfo := authority[:at]
		colon := strings.IndexByte(userinfo, ':')
		if colon < 0 {
			continue
		}
		if password := userinfo[colon+1:]; literal(password) {
			return true
		}
	}
}

func authorityEnd(c byte) bool {
	switch c {
	case '/', '?', '#', ' ', '\t', '\n', '\r', '"', '\'', '`', '<', '>', '\\':
		return true
	}
	return false
}

// hasSlackWebhook finds an incoming-webhook URL, whose path is the secret.
func hasSlackWebhook(v string) bool {
	const host = "hooks.slack.com/"
	for i := 0; ; {
		j := strings.Index(v[i:], host)
		if j < 0 {
			return false
		}
		i += j + len(host)
		rest := v[i:]
		for _, p := range [...]string{"services/", "workflows/", "triggers/"} {
			if strings.HasPrefix(rest, p) && runLen(rest[len(p):], isWebhookPath) >= 20 && !tokenPlaceholder(rest[len(p):]) {
				return true
			}
		}
	}
}

func isWebhookPath(c byte) bool { return isAlnum(c) || c == '/' }

// isWordByte reports whether c may be part of a token: the base64url
// alphabet and '.'.
func isWordByte(c byte) bool { return isAlnum(c) || c == '_' || c == '-' || c == '.' }

// scanWords walks the words of v (runs of isWordByte) and checks the ones
// that start like a known token. A backslash escape (\n in a JSON string)
// separates words.
func scanWords(v string) Kind {
	for i := 0; i < len(v); {
		c := v[i]
		if c == '\\' {
			i += 2
			continue
		}
		if !isWordByte(c) {
			i++
			continue
		}
		start := i
		for i < len(v) && isWordByte(v[i]) {
			i++
		}
		if k := token(v[start:i]); k != 0 {
			return k
		}
	}
	return 0
}

// token returns the kind of the token that w starts with, or 0.
func token(w string) Kind {
	if len(w) < 8 {
		return 0
	}
	switch w[0] {
	case 'A':
		switch w[:4] {
		case "AKIA", "ASIA", "ABIA", "ACCA":
			// An access key ID: the prefix and 16 upper-case letters or
			// digits.
			if runLen(w[4:], isUpperOrDigit) == 16 && (len(w) == 20 || !isAlnum(w[20])) && !tokenPlaceholder(w[4:20]) {
				return AWSAccessKeyID
			}
		case "AIza":
			if runLen(w[4:], isBase64URL) >= 35 && !tokenPlaceholder(w[4:]) {
				return GoogleAPIKey
			}
		}
	case 'g':
		switch {
		case strings.HasPrefix(w, "github_pat_"):
			if body := w[len("github_pat_"):]; runLen(body, isTokenByte) >= 22 && !tokenPlaceholder(body) {
				return GitHubToken
			}
		case strings.HasPrefix(w, "glpat-"):
			if body := w[len("glpat-"):]; runLen(body, isBase64URL) >= 20 && !tokenPlaceholder(body) {
				return GitLabToken
			}
		case w[1] == 'h' && w[3] == '_' && strings.IndexByte("pousr", w[2]) >= 0:
			// ghp_ (personal), gho_ (OAuth), ghu_ (user-to-server), ghs_
			// (server-to-server), ghr_ (refresh).
			if runLen(w[4:], isAlnum) >= 30 && !tokenPlaceholder(w[4:]) {
				return GitHubToken
			}
		}
	case 'x':
		if strings.HasPrefix(w, "xox") && strings.IndexByte("bpars", w[3]) >= 0 && w[4] == '-' {
			if body := w[5:]; runLen(body, isSlackByte) >= 10 && !tokenPlaceholder(body) {
				return SlackToken
			}
		}
	case 's', 'r':
		if strings.HasPrefix(w[1:], "k_live_") {
			if body := w[8:]; runLen(body, isAlnum) >= 20 && !tokenPlaceholder(body) {
				return StripeKey
			}
		}
	case 'e':
		if isJWT(w) {
			return JWT
		}
	}
	return 0
}

// isJWT reports whether w is a JSON web token: three base64url segments
// (header, claims, signature; the signature may be empty) or five (an
// encrypted token), the header being a JSON object ("eyJ" is `{"` encoded).
func isJWT(w string) bool {
	if !strings.HasPrefix(w, "eyJ") {
		return false
	}
	var parts [6]string
	n := 0
	for rest := w; n < len(parts); n++ {
		dot := strings.IndexByte(rest, '.')
		if dot < 0 {
			parts[n] = rest
			n++
			break
		}
		parts[n], rest = rest[:dot], rest[dot+1:]
	}
	if len(parts[0]) < 10 {
		return false
	}
	switch n {
	case 3:
		return strings.HasPrefix(parts[1], "eyJ") && len(parts[1]) >= 10
	case 5:
		return parts[2] != "" && parts[3] != "" && parts[4] != ""
	}
	return false
}

// tokenPlaceholder reports whether a token's body is a stand-in: one
// character repeated, or a run of x's or the word "example" in it.
func tokenPlaceholder(body string) bool {
	if sameByte(body) {
		return true
	}
	if len(body) > maxPlaceholder {
		body = body[:maxPlaceholder]
	}
	var buf [maxPlaceholder]byte
	low := buf[:len(body)]
	for i := 0; i < len(body); i++ {
		low[i] = lower(body[i])
	}
	return strings.Contains(string(low), "example") || strings.Contains(string(low), "xxxx")
}

// runLen returns how many leading bytes of s satisfy ok.
func runLen(s string, ok func(byte) bool) int {
	n := 0
	for n < len(s) && ok(s[n]) {
		n++
	}
	return n
}

func isUpperOrDigit(c byte) bool { return isUpper(c) || isDigit(c) }
func isBase64URL(c byte) bool    { return isAlnum(c) || c == '_' || c == '-' }
func isTokenByte(c byte) bool    { return isAlnum(c) || c == '_' }
func isSlackByte(c byte) bool    { return isAlnum(c) || c == '-' }
