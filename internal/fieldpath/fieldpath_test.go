package fieldpath

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestBuildAndParse(t *testing.T) {
	tests := []struct {
		name string
		path string
		want []Segment
	}{
		{"plain", Key(Key("", "spec"), "hostPID"), []Segment{{Key: "spec"}, {Key: "hostPID"}}},
		{"index", Join(Index("spec.containers", 2), "securityContext.privileged"), []Segment{{Key: "spec"}, {Key: "containers"}, {Index: 2, IsIndex: true}, {Key: "securityContext"}, {Key: "privileged"}}},
		{"quoted key", Key("data", "app.properties"), []Segment{{Key: "data"}, {Key: "app.properties"}}},
		{"quoted key with quote and bracket", Key("metadata.annotations", `a"]b`), []Segment{{Key: "metadata"}, {Key: "annotations"}, {Key: `a"]b`}}},
		{"empty key", Key("data", ""), []Segment{{Key: "data"}, {Key: ""}}},
		{"join bracket", Join("data", `["x.y"]`), []Segment{{Key: "data"}, {Key: "x.y"}}},
		{"malformed bracket", "spec[abc", []Segment{{Key: "spec"}, {Key: "[abc"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, Parse(tc.path)); diff != "" {
				t.Errorf("Parse(%q) mismatch (-want +got):\n%s", tc.path, diff)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"a.b[0].c", `data["a.b"]`, "[", `["`, "a..b", "[99999999999999999999]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, path string) {
		segs := Parse(path)
		// Rebuilding from the segments and parsing again must be stable.
		rebuilt := ""
		for _, s := range segs {
			if s.IsIndex {
				rebuilt = Index(rebuilt, s.Index)
			} else {
				rebuilt = Key(rebuilt, s.Key)
			}
		}
		if diff := cmp.Diff(segs, Parse(rebuilt)); diff != "" && len(segs) > 0 && !segs[0].IsIndex {
			t.Errorf("Parse(rebuild(Parse(%q))) not stable (-first +second):\n%s", path, diff)
		}
	})
}
