// Package cosigntest runs sigstore's real cosign CLI in tests, offline: the
// binary hack/cosign.sh builds from the Go module proxy, named by
// KUBESTRIDE_COSIGN (the binary or its folder), or else found in the cache
// folder hack/cosign.sh builds it in. Without it a test fails
// with the reason, unless KUBESTRIDE_SKIP_COSIGN is set (then it is
// skipped), as the control-plane tests do with KUBESTRIDE_SKIP_CLUSTER.
package cosigntest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Version is the cosign hack/cosign.sh builds.
const Version = "v2.6.5"

// Password is the password of the private keys the tests make.
const Password = "kubestride-test"

// Path is the cosign binary.
func Path(t testing.TB) string {
	t.Helper()
	if os.Getenv("KUBESTRIDE_SKIP_COSIGN") != "" {
		t.Skip("KUBESTRIDE_SKIP_COSIGN is set; the tests against the real cosign CLI were not run")
	}
	p := os.Getenv("KUBESTRIDE_COSIGN")
	if p == "" {
		p = cached()
	}
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

// cached is the folder hack/cosign.sh builds cosign in, when it holds
// one.
func cached() string {
	cache := os.Getenv("XDG_CACHE_HOME")
	if cache == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		cache = filepath.Join(home, ".cache")
	}
	d := filepath.Join(cache, "kubestride", "cosign-"+Version)
	if _, err := os.Stat(filepath.Join(d, "cosign")); err != nil {
		return ""
	}
	return d
}

// Cosign runs the real cosign offline: its HOME is a temporary folder (no
// TUF cache of the user's), its key password is Password.
type Cosign struct {
	t    testing.TB
	bin  string
	home string
}

// New finds cosign (see Path).
func New(t testing.TB) *Cosign {
	t.Helper()
	return &Cosign{t: t, bin: Path(t), home: t.TempDir()}
}

// Run runs cosign in dir and returns its combined output and error.
func (c *Cosign) Run(dir string, args ...string) (string, error) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HOME="+c.home, "COSIGN_PASSWORD="+Password, "TUF_ROOT="+filepath.Join(c.home, "tuf"))
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// Must runs cosign and fails the test when it fails.
func (c *Cosign) Must(dir string, args ...string) string {
	c.t.Helper()
	out, err := c.Run(dir, args...)
	if err != nil {
		c.t.Fatalf("cosign %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// KeyPair makes a cosign key pair in a new folder: the paths of cosign.key
// and cosign.pub.
func (c *Cosign) KeyPair() (priv, pub string) {
	c.t.Helper()
	dir := c.t.TempDir()
	c.Must(dir, "generate-key-pair")
	return filepath.Join(dir, "cosign.key"), filepath.Join(dir, "cosign.pub")
}

// Sign signs image (a digest reference) with key, without a transparency
// log; extra are more flags (--new-bundle-format).
func (c *Cosign) Sign(key, image string, extra ...string) {
	c.t.Helper()
	args := append([]string{"sign", "--key", key, "--tlog-upload=false", "-y"}, extra...)
	c.Must(c.t.TempDir(), append(args, image)...)
}
