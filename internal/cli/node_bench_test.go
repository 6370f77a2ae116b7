package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/kubestride/kubestride/internal/host/pkitest"
)

// BenchmarkNodeAudit is the whole kubestride node run on the weak fixture
// tree (four control-plane static pods, the kubelet's unit and
// configuration, encryption and audit configuration, a 22-file PKI): the
// files read, the PKI parsed and linked, every node check run and the JSON
// report written.
//
//	go test ./internal/cli -run '^$' -bench NodeAudit
func BenchmarkNodeAudit(b *testing.B) {
	chdirRoot(b)
	root := nodeTree(b, "weak", pkitest.Options{WeakKeys: true, SharedCA: true, Expired: []string{"apiserver"}, WeakSA: true}, true)
	b.ResetTimer()
	for b.Loop() {
		var out, errb bytes.Buffer
		code := Main([]string{"node", "--root", root, "-f", "json"}, IO{In: strings.NewReader(""), Out: &out, Err: &errb, Getenv: func(string) string { return "" }})
		if code != 1 {
			b.Fatalf("exit %d: %s", code, errb.String())
		}
	}
}
