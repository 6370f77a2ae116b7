package sign

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// cosignPath finds the cosign CLI hack/cosign.sh builds: KUBESTRIDE_COSIGN
// names the binary or its folder. Without it the test fails with the
// reason, unless KUBESTRIDE_SKIP_COSIGN is set (then it is skipped).
func cosignPath(t *testing.T) string {
	t.Helper()
	if os.Getenv("KUBESTRIDE_SKIP_COSIGN") != "" {
		t.Skip("KUBESTRIDE_SKIP_COSIGN is set; the tests against the real cosign CLI were not run")
	}
	p := os.Getenv("KUBESTRIDE_COSIGN")
	if p == "" {
		t.Fatal("KUBESTRIDE_COSIGN is not set: build cosign with `bash hack/cosign.sh` and set KUBESTRIDE_COSIGN to the folder it prints (`make test` does both), or set KUBESTRIDE_SKIP_COSIGN=1")
	}
	if fi, err := os.Stat(p); err == nil && fi.IsDir() {
		p = filepath.Join(p, "cosign")
	}
	if fi, err := os.Stat(p); err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
		t.Fatalf("KUBESTRIDE_COSIGN=%s: no cosign binary there (%v); build it with `bash hack/cosign.sh`", os.Getenv("KUBESTRIDE_COSIGN"), err)
	}
	return p
}

// cosignCLI runs the real cosign offline: its HOME is a temporary folder
// (no TUF cache of the user's), its key password fixed.
type cosignCLI struct {
	t    *testing.T
	bin  string
	home string
}

const cosignPassword = "kubestride-test"

func newCosign(t *testing.T) *cosignCLI {
	return &cosignCLI{t: t, bin: cosignPath(t), home: t.TempDir()}
}

// run runs cosign in dir and returns its combined output and error.
func (c *cosignCLI) run(dir string, args ...string) (string, error) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HOME="+c.home, "COSIGN_PASSWORD="+cosignPassword, "TUF_ROOT="+filepath.Join(c.home, "tuf"))
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// must runs cosign and fails the test when it fails.
func (c *cosignCLI) must(dir string, args ...string) string {
	c.t.Helper()
	out, err := c.run(dir, args...)
	if err != nil {
		c.t.Fatalf("cosign %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// keyPair makes a cosign key pair in a new folder: the paths of cosign.key
// and cosign.pub.
func (c *cosignCLI) keyPair() (priv, pub string) {
	c.t.Helper()
	dir := c.t.TempDir()
	c.must(dir, "generate-key-pair")
	return filepath.Join(dir, "cosign.key"), filepath.Join(dir, "cosign.pub")
}
