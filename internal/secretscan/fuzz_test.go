package secretscan

import (
	"strings"
	"testing"
)

// FuzzClassify checks that the detector never panics, gives the same answer
// twice, and returns only well-formed matches.
func FuzzClassify(f *testing.F) {
	seeds := [][2]string{
		{"DB_PASSWORD", plainPasswd},
		{"KEY", randomKey},
		{"config.properties", "a=b\nspring.datasource.password=" + plainPasswd},
		{"x", dbURL},
		{"x", pemKey},
		{"x", jwtToken},
		{"x", awsKeyID + " " + githubPAT + " " + slackBot},
		{"x", slackHook},
		{"x", "-----BEGIN "},
		{"x", "://@:"},
		{"x", "eyJ.eyJ."},
		{"x", `\`},
		{"aB", "xoxb-"},
		{"", ""},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, name, value string) {
		m, ok := Classify(name, value)
		m2, ok2 := Classify(name, value)
		if m != m2 || ok != ok2 {
			t.Fatalf("Classify(%q, %q) is not deterministic: %v %v, then %v %v", name, value, m, ok, m2, ok2)
		}
		if ok != m.Kind.Valid() {
			t.Fatalf("Classify(%q, %q) = %#v, %v: ok disagrees with the kind", name, value, m, ok)
		}
		if m.Key != "" {
			if !plainKey(m.Key) || !strings.Contains(value, m.Key) {
				t.Fatalf("Classify(%q, %q) key %q is not a setting name from the value", name, value, m.Key)
			}
		}
		if nm, nok := ClassifyName(name); nok && (!nm.Kind.ByName() || nm.Key != "") {
			t.Fatalf("ClassifyName(%q) = %#v", name, nm)
		}
	})
}
