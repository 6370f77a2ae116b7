// Package browsertest loads pages in a real headless Chromium for tests: the
// DOM it builds, after its scripts ran, and screenshots. It is used by tests
// only.
package browsertest

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Chromium returns the headless Chromium to load pages in: the one
// KUBESTRIDE_CHROMIUM names (make test sets it from hack/chromium.sh), else
// one on PATH. Without one the test fails under CI=true and skips elsewhere.
func Chromium(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("KUBESTRIDE_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome-stable", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	const why = "no headless Chromium: run hack/chromium.sh (make test does) or set KUBESTRIDE_CHROMIUM to its path"
	if os.Getenv("CI") == "true" {
		t.Fatal(why)
	}
	t.Skip(why)
	return ""
}

// run loads page in headless Chromium with the extra flags and returns what
// it wrote to stdout.
func run(t testing.TB, bin, page string, flags ...string) string {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "page.html")
	if err := os.WriteFile(file, []byte(page), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
		"--user-data-dir=" + filepath.Join(dir, "profile")}, flags...)
	cmd := exec.CommandContext(ctx, bin, append(args, "file://"+file)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", bin, strings.Join(flags, " "), err, stderr.String())
	}
	return string(out)
}

// DumpDOM loads page and returns the DOM it built, serialized.
func DumpDOM(t testing.TB, bin, page string) string {
	t.Helper()
	out := run(t, bin, page, "--dump-dom")
	if !strings.Contains(out, "</html>") {
		t.Fatalf("%s --dump-dom wrote no document:\n%s", bin, out)
	}
	return out
}

// Screenshot loads page in a window width pixels wide and height high and
// saves a PNG of it to file.
func Screenshot(t testing.TB, bin, page, file string, width, height int) {
	t.Helper()
	run(t, bin, page, "--screenshot="+file, "--window-size="+itoa(width)+","+itoa(height))
	if st, err := os.Stat(file); err != nil || st.Size() == 0 {
		t.Fatalf("%s wrote no screenshot to %s: %v", bin, file, err)
	}
}

func itoa(n int) string {
	var b []byte
	for n >= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(append([]byte{byte('0' + n)}, b...))
}

// WithScript returns page with script added at the end of its body, and
// its hash added to the script-src of a Content-Security-Policy whose
// script-src lists hashes (its single quotes written as &#39;), so that a
// test can act on the page as a user would (choose an option, click) under
// the page's own policy.
func WithScript(t testing.TB, page, script string) string {
	t.Helper()
	sum := sha256.Sum256([]byte(script))
	hash := "&#39;sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "&#39;"
	const src = "script-src "
	if !strings.Contains(page, src) || !strings.Contains(page, "</body>") {
		t.Fatal("the page has no script-src or no body to add a script to")
	}
	page = strings.Replace(page, src, src+hash+" ", 1)
	return strings.Replace(page, "</body>", "<script>"+script+"</script>\n</body>", 1)
}
