package secretscan

import (
	"strconv"
	"strings"
)

// Kind is the kind of secret a Match found. The zero value means none.
type Kind int

// The kinds judged by name: the value is a literal under a name that says it
// is a secret (or, for HighEntropy, a literal that looks random under a name
// that says it may be one).
const (
	Password Kind = iota + 1
	Secret
	Token
	APIKey
	AccessKey
	PrivateKey
	SecretKey
	Credentials
	HighEntropy
	endByName
)

// The kinds judged by value, whatever the name.
const (
	PEMPrivateKey Kind = iota + endByName + 1
	AWSAccessKeyID
	GitHubToken
	GitLabToken
	SlackToken
	SlackWebhook
	GoogleAPIKey
	StripeKey
	JWT
	URLCredentials
	endKinds
)

var kindNames = [...]string{
	Password:       "password by name",
	Secret:         "secret by name",
	Token:          "token by name",
	APIKey:         "API key by name",
	AccessKey:      "access key by name",
	PrivateKey:     "private key by name",
	SecretKey:      "secret key by name",
	Credentials:    "credentials by name",
	HighEntropy:    "high-entropy value",
	endByName:      "",
	PEMPrivateKey:  "PEM private key",
	AWSAccessKeyID: "AWS access key ID",
	GitHubToken:    "GitHub token",
	GitLabToken:    "GitLab token",
	SlackToken:     "Slack token",
	SlackWebhook:   "Slack webhook URL",
	GoogleAPIKey:   "Google API key",
	StripeKey:      "Stripe secret key",
	JWT:            "JSON web token",
	URLCredentials: "URL with a password",
}

// Valid reports whether k is one of the kinds above.
func (k Kind) Valid() bool { return k > 0 && k < endKinds && k != endByName }

// ByName reports whether k was judged from the name rather than the value.
func (k Kind) ByName() bool { return k > 0 && k < endByName }

// String describes the kind for a finding: "password by name", "AWS access
// key ID". It never contains any part of the value.
func (k Kind) String() string {
	if !k.Valid() {
		return "kind(" + strconv.Itoa(int(k)) + ")"
	}
	return kindNames[k]
}

// Match is what Classify found. It holds no part of the value.
type Match struct {
	// Kind is the kind of secret.
	Kind Kind
	// Key is the setting inside a multi-line value (a configuration file)
	// where the secret sits, as in "spring.datasource.password"; empty when
	// the match is about the value as a whole or a token found in it. It
	// only ever holds a name made of letters, digits and "_.-".
	Key string
}

// String describes the match: `password by name`, or
// `password by name in "db.password"` for a setting inside the value.
func (m Match) String() string {
	if m.Key != "" {
		return m.Kind.String() + " in " + strconv.Quote(m.Key)
	}
	return m.Kind.String()
}

// Classify reports whether value, set under name (an env var, a ConfigMap
// key), looks like a literal secret. It tries, in order: tokens with a known
// shape anywhere in the value (PEM private keys, cloud and SaaS tokens, JSON
// web tokens, URLs with a password); the name, when the value is a single
// literal rather than empty, a placeholder, a reference such as $(VAR) or
// ${VAR}, a file path or a URL without credentials; and, for a value that is
// a document (lines of settings, or JSON), each "key=value", "key: value"
// or "key": "value" setting in it, judged by its key the same way.
//
// A document is not judged by the name it is stored under: a ConfigMap key
// secrets.yaml or credentials.json holds a file whose settings decide.
func Classify(name, value string) (Match, bool) {
	if k := scanValue(value); k != 0 {
		return Match{Kind: k}, true
	}
	trimmed := strings.TrimSpace(value)
	json := trimmed != "" && (trimmed[0] == '{' || trimmed[0] == '[')
	if !json && strings.IndexByte(trimmed, '\n') < 0 {
		// A single value.
		if k := judge(name, value); k != 0 {
			return Match{Kind: k}, true
		}
	}
	if m, ok := scanAssignments(value); ok {
		return m, true
	}
	if json {
		return scanJSONPairs(value)
	}
	return Match{}, false
}

// ClassifyName reports whether name alone says that whatever it holds is a
// secret, as for a ConfigMap binaryData key whose content is not read. Names
// that only hint at a secret (KEY, SALT) need a value and never match here.
func ClassifyName(name string) (Match, bool) {
	if k, s := classifyName(name); s == strong {
		return Match{Kind: k}, true
	}
	return Match{}, false
}

// judge returns the kind that name gives value, or 0.
func judge(name, value string) Kind {
	k, s := classifyName(name)
	switch s {
	case strong:
		v := unquote(strings.TrimSpace(value))
		if !literal(v) || (k != Password && isDigits(v)) {
			return 0
		}
		return k
	case weak:
		v := unquote(strings.TrimSpace(value))
		if literal(v) && looksRandom(v) {
			return HighEntropy
		}
	}
	return 0
}

// scanAssignments reads text as a configuration file and judges each
// "key=value", "key: value" or "--key=value" line by its key. It returns the
// first match.
func scanAssignments(text string) (Match, bool) {
	for len(text) > 0 {
		line := text
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = ""
		}
		key, value, ok := assignment(line)
		if !ok {
			continue
		}
		if k := judge(key, value); k != 0 {
			return Match{Kind: k, Key: key}, true
		}
	}
	return Match{}, false
}

// scanJSONPairs judges each "key": "value" pair of a JSON text (written on
// one line or many) by its key. It returns the first match.
func scanJSONPairs(text string) (Match, bool) {
	for i := 0; i < len(text); {
		if text[i] != '"' {
			i++
			continue
		}
		keyEnd := closingQuote(text, i+1)
		if keyEnd < 0 {
			break
		}
		key := text[i+1 : keyEnd]
		i = keyEnd + 1
		j := skipSpace(text, i)
		if j >= len(text) || text[j] != ':' {
			continue
		}
		j = skipSpace(text, j+1)
		if j >= len(text) || text[j] != '"' {
			continue
		}
		valueEnd := closingQuote(text, j+1)
		if valueEnd < 0 {
			break
		}
		if plainKey(key) {
			if k := judge(key, text[j+1:valueEnd]); k != 0 {
				return Match{Kind: k, Key: key}, true
			}
		}
		i = valueEnd + 1
	}
	return Match{}, false
}

// closingQuote returns the index of the '"' that closes a JSON string whose
// content starts at i, or -1.
func closingQuote(s string, i int) int {
	for ; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i
		case '\n':
			return -1
		}
	}
	return -1
}

func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// assignment splits a line of a configuration file into a key and a value.
func assignment(line string) (key, value string, ok bool) {
	l := strings.TrimSpace(line)
	if l == "" || l[0] == '#' || l[0] == ';' || l[0] == '<' || strings.HasPrefix(l, "//") {
		return "", "", false
	}
	l = strings.TrimPrefix(l, "export ")
	l = strings.TrimPrefix(l, "- ")
	sep := 0
	for sep < len(l) && l[sep] != '=' && l[sep] != ':' {
		sep++
	}
	if sep == 0 || sep >= len(l)-1 {
		return "", "", false
	}
	if next := l[sep+1]; next == '=' || (l[sep] == ':' && next != ' ' && next != '\t') {
		// "==", ":=", or a ':' inside a word (a URL, a time) rather than a
		// YAML separator.
		return "", "", false
	}
	key = unquote(strings.TrimSpace(l[:sep]))
	if !plainKey(key) {
		return "", "", false
	}
	value = strings.TrimSpace(l[sep+1:])
	value = strings.TrimSuffix(value, ",")
	return key, value, true
}

// plainKey reports whether key is a setting name: 1 to 64 letters, digits
// and "_.-".
func plainKey(key string) bool {
	if key == "" || len(key) > 64 {
		return false
	}
	for i := 0; i < len(key); i++ {
		if c := key[i]; !isAlnum(c) && c != '_' && c != '.' && c != '-' {
			return false
		}
	}
	return true
}

// unquote strips one pair of matching quotes.
func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}
