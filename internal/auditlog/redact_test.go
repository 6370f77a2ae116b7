package auditlog

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	. "github.com/kubestride/kubestride/internal/auditlog/auditlogtest"
)

// secretValue is the value no output may show; its base64 form too.
const secretValue = "hunter2-s3cr3t"

const secretB64 = "aHVudGVyMi1zM2NyM3Q="

// TestQueryNeverPrintsSecrets writes every output format of a log whose
// bodies hold a Secret's values in every shape the API server logs them:
// a created Secret (data and stringData, and kubectl's last-applied
// annotation), a read, a list, a JSON patch, a merge patch, and a Secret in
// a List on another resource. No value shows; the keys and the rest of each
// event stay as they were.
func TestQueryNeverPrintsSecrets(t *testing.T) {
	secret := `{"kind":"Secret","apiVersion":"v1","metadata":{"name":"db","namespace":"payments","annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"stringData\":{\"password\":\"` + secretValue + `\"}}"}},"data":{"password":"` + secretB64 + `"},"stringData":{"password":"` + secretValue + `"},"type":"Opaque"}`
	log := Log(
		E{ID: "create", User: "alice", Verb: "create", Resource: "secrets", NS: "payments", Name: "db", Code: 201, Req: secret, Resp: secret},
		E{ID: "get", User: "alice", Verb: "get", Resource: "secrets", NS: "payments", Name: "db", Resp: secret},
		E{ID: "list", User: "alice", Verb: "list", Resource: "secrets", NS: "payments", Resp: `{"kind":"SecretList","apiVersion":"v1","metadata":{},"items":[` + secret + `]}`},
		E{ID: "jsonpatch", User: "alice", Verb: "patch", Resource: "secrets", NS: "payments", Name: "db", Req: `[{"op":"replace","path":"/data/password","value":"` + secretB64 + `"}]`, Resp: secret},
		E{ID: "mergepatch", User: "alice", Verb: "patch", Resource: "secrets", NS: "payments", Name: "db", Req: `{"stringData":{"password":"` + secretValue + `"}}`},
		E{ID: "other", User: "alice", Verb: "create", Resource: "widgets", Group: "example.com", NS: "payments", Name: "w", Req: `{"kind":"List","items":[` + secret + `]}`},
	)
	if !strings.Contains(log, secretValue) || !strings.Contains(log, secretB64) {
		t.Fatal("the test log holds no secret")
	}
	all, _ := Filter{}.Compile()
	for _, format := range QueryFormats {
		var out bytes.Buffer
		res, err := Query(&out, Input{Paths: []string{"-"}, Stdin: strings.NewReader(log)}, all, format)
		if err != nil || res.Matched != 6 || len(res.Errors) > 0 {
			t.Fatalf("%s: %v %+v", format, err, res)
		}
		if s := out.String(); strings.Contains(s, secretValue) || strings.Contains(s, secretB64) || strings.Contains(s, "aHVudGVy") {
			t.Errorf("%s output shows a secret value:\n%s", format, s)
		}
		if format != "json" {
			continue
		}
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		for i, line := range lines {
			var v map[string]any
			if err := json.Unmarshal([]byte(line), &v); err != nil {
				t.Fatalf("line %d is not JSON: %v", i+1, err)
			}
			if !strings.Contains(line, `"password":"<redacted>"`) && !strings.Contains(line, `"value":"<redacted>"`) {
				t.Errorf("line %d: the key is not kept beside the redacted value: %s", i+1, line)
			}
		}
		// What is not a body stays byte for byte.
		orig := strings.Split(strings.TrimSpace(log), "\n")
		var e Event
		for i := range orig {
			if err := Decode([]byte(lines[i]), &e); err != nil {
				t.Fatal(err)
			}
			prefix := orig[i][:strings.Index(orig[i], `"objectRef"`)]
			if !strings.HasPrefix(lines[i], prefix) {
				t.Errorf("line %d changed outside its bodies", i+1)
			}
		}
	}
}
