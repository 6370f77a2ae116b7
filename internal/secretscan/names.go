package secretscan

import "strings"

// strength is how sure a name is that its value is a secret.
type strength int

const (
	none strength = iota
	// weak names (KEY, SALT, SIGNATURE) hold a secret only when the value
	// looks random.
	weak
	// strong names (PASSWORD, CLIENT_SECRET, API_KEY) hold a secret whenever
	// the value is a literal.
	strong
)

// lastWords are the final words of a name that make it a secret's name.
var lastWords = map[string]Kind{
	"password":    Password,
	"passwd":      Password,
	"pwd":         Password,
	"pw":          Password,
	"pass":        Password,
	"passphrase":  Password,
	"secret":      Secret,
	"secrets":     Secret,
	"token":       Token,
	"apitoken":    Token,
	"credential":  Credentials,
	"credentials": Credentials,
	"creds":       Credentials,
	"apikey":      APIKey,
	"accesskey":   AccessKey,
	"secretkey":   SecretKey,
	"privatekey":  PrivateKey,
	"privkey":     PrivateKey,
}

// suffixWords make a single word a secret's name when it ends with them:
// "dbpassword", "clientsecret", "authtoken".
var suffixWords = [...]struct {
	suffix string
	kind   Kind
}{{"password", Password}, {"passwd", Password}, {"secret", Secret}, {"token", Token}}

// keyPrefixes are the words before "key" that make a strong name.
var keyPrefixes = map[string]Kind{
	"api":        APIKey,
	"access":     AccessKey,
	"private":    PrivateKey,
	"ssh":        PrivateKey,
	"secret":     SecretKey,
	"signing":    SecretKey,
	"encryption": SecretKey,
	"master":     SecretKey,
	"auth":       SecretKey,
	"client":     SecretKey,
	"jwt":        SecretKey,
	"hmac":       SecretKey,
	"app":        SecretKey,
	"session":    SecretKey,
	"cookie":     SecretKey,
	"cipher":     SecretKey,
	"aes":        SecretKey,
}

// publicKeyPrefixes are the words before "key" that make it no secret.
var publicKeyPrefixes = map[string]bool{"public": true, "pub": true}

// secretObjectPrefixes are the words before "secret" that make the name one
// of a Secret object (existingSecret, tlsSecret), not a secret.
var secretObjectPrefixes = map[string]bool{
	"existing": true, "tls": true, "ssl": true, "cert": true, "certificate": true,
}

// weakWords are final words that hint at a secret.
var weakWords = map[string]bool{
	"key":       true,
	"keys":      true,
	"auth":      true,
	"salt":      true,
	"seed":      true,
	"signature": true,
	"hmac":      true,
	"cookie":    true,
	"license":   true,
	"licence":   true,
}

// qualifiers are final words that say how a value is written, not what it
// is: DB_PASSWORD_B64 is still a password.
var qualifiers = map[string]bool{
	"value": true, "val": true, "b64": true, "base64": true, "encoded": true, "raw": true,
	"str": true, "string": true, "plain": true, "plaintext": true, "text": true, "hex": true,
	"data": true, "literal": true,
}

// fileExtensions end a ConfigMap key named after a file: password.txt.
var fileExtensions = map[string]bool{
	"json": true, "yaml": true, "yml": true, "txt": true, "conf": true, "cfg": true, "cnf": true,
	"ini": true, "properties": true, "env": true, "toml": true, "xml": true,
}

// maxWords bounds how many words of a name are read; the deciding ones are
// the last.
const maxWords = 24

// word is one word of a name: its bounds in the lowercased name and the byte
// before it.
type word struct {
	start, end int
	sep        byte
}

// classifyName judges a name by its last meaningful words. Words are split at
// every character that is not a letter or a digit and at camelCase
// boundaries, so DB_PASSWORD, dbPassword, db-password and db.password read
// alike. A secret word must end the name (after qualifiers such as _B64 and
// file extensions such as .txt), which keeps DB_PASSWORD_FILE, TOKEN_URL and
// SECRET_NAME out.
func classifyName(name string) (Kind, strength) {
	var buf [128]byte
	low := buf[:0]
	if len(name) > len(buf) {
		low = make([]byte, 0, len(name))
	}
	for i := 0; i < len(name); i++ {
		low = append(low, lower(name[i]))
	}
	var words [maxWords]word
	n := splitWords(name, words[:])
	if n == 0 {
		return 0, none
	}
	w := words[:n]
	// Drop trailing qualifiers, digits and file extensions, keeping at least
	// one word.
	for len(w) > 1 {
		last := w[len(w)-1]
		full := low[last.start:last.end]
		t := trimDigits(full)
		if len(t) == 0 || qualifiers[string(full)] || qualifiers[string(t)] ||
			(last.sep == '.' && fileExtensions[string(t)]) ||
			(string(t) == "base" && wordIs(low, w[len(w)-2], "key")) {
			w = w[:len(w)-1]
			continue
		}
		break
	}
	last := trimDigits(low[w[len(w)-1].start:w[len(w)-1].end])
	var prev []byte
	if len(w) > 1 {
		prev = low[w[len(w)-2].start:w[len(w)-2].end]
	}
	if k, ok := lastWords[string(last)]; ok {
		if k == Secret && secretObjectPrefixes[string(prev)] {
			return 0, none
		}
		return k, strong
	}
	for _, s := range suffixWords {
		if len(last) > len(s.suffix) && string(last[len(last)-len(s.suffix):]) == s.suffix {
			return s.kind, strong
		}
	}
	if string(last) == "key" || string(last) == "keys" {
		if k, ok := keyPrefixes[string(prev)]; ok {
			return k, strong
		}
		if publicKeyPrefixes[string(prev)] {
			return 0, none
		}
	}
	if weakWords[string(last)] {
		return HighEntropy, weak
	}
	return 0, none
}

func wordIs(low []byte, w word, s string) bool { return string(low[w.start:w.end]) == s }

// splitWords fills words with the words of name and returns how many it
// found, keeping the last len(words) when there are more.
func splitWords(name string, words []word) int {
	n := 0
	add := func(start, end int) {
		var sep byte
		if start > 0 {
			sep = name[start-1]
		}
		if n == len(words) {
			copy(words, words[1:])
			n--
		}
		words[n] = word{start, end, sep}
		n++
	}
	start := -1
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !isAlnum(c) {
			if start >= 0 {
				add(start, i)
				start = -1
			}
			continue
		}
		if start < 0 {
			start = i
			continue
		}
		// camelCase: "dbPassword" splits before 'P'; "APIKey" splits
		// before 'K' (an upper-case run followed by a lower-case letter).
		p := name[i-1]
		if isUpper(c) && (isLower(p) || isDigit(p)) ||
			isUpper(c) && isUpper(p) && i+1 < len(name) && isLower(name[i+1]) {
			add(start, i)
			start = i
		}
	}
	if start >= 0 {
		add(start, len(name))
	}
	return n
}

func trimDigits(b []byte) []byte {
	for len(b) > 0 && isDigit(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

// isDigits reports whether s is all ASCII digits.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func lower(c byte) byte {
	if isUpper(c) {
		return c + 'a' - 'A'
	}
	return c
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
func isLower(c byte) bool { return c >= 'a' && c <= 'z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isAlnum(c byte) bool { return isUpper(c) || isLower(c) || isDigit(c) }

// hasFoldPrefix reports whether s starts with prefix, ignoring ASCII case;
// prefix must be lower case.
func hasFoldPrefix(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
