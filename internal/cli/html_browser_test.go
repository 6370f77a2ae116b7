package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/kubestride/kubestride/internal/browsertest"
)

// screenshotDir is the folder the browser tests save their screenshots in:
// KUBESTRIDE_SCREENSHOTS, else kubestride-screenshots in the temporary
// directory. It outlives the test, so the pictures can be looked at.
func screenshotDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("KUBESTRIDE_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "kubestride-screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

var (
	// overviewRow is a row of the threat model's overview, as Chromium
	// serializes it: category, score, in place, missing, not evaluated,
	// findings.
	overviewRow = regexp.MustCompile(`<tr data-category="(\w+)"><td>[A-Z][a-z ]+</td><td>(?:<span class="score">.*?</span>)?<strong>([0-9n/a]+)</strong></td><td class="count">(\d+)</td><td class="count">(\d+)</td><td class="count">(\d+)</td><td class="count">(\d+)</td></tr>`)
	findingRow  = regexp.MustCompile(`<tr class="finding" data-category="(\w+)" data-severity="(\w+)" data-check="([a-z0-9-]+)" data-namespace="([^"]*)"( hidden="")?>`)
	shownText   = regexp.MustCompile(`<output id="shown">([^<]*)</output>`)
)

type overview struct{ score, inPlace, missing, notEvaluated, findings string }

func overviewOf(t *testing.T, dom string) map[string]overview {
	t.Helper()
	out := map[string]overview{}
	for _, m := range overviewRow.FindAllStringSubmatch(dom, -1) {
		out[m[1]] = overview{m[2], m[3], m[4], m[5], m[6]}
	}
	if len(out) != 6 {
		t.Fatalf("the threat model shows %d categories, want the 6 of STRIDE:\n%s", len(out), dom)
	}
	return out
}

// TestThreatModelInChromium renders the html report of a clean input and of
// the bundled examples through the CLI, loads both in headless Chromium and
// checks what the page shows once its script ran: the six categories with
// their control statuses and counts, the coverage gaps first, the
// escalation graph, and the filters (chosen as a user would, by an option
// and a change event, then asserted on the rows left visible). It saves a
// screenshot of each page and of the filtered one.
func TestThreatModelInChromium(t *testing.T) {
	bin := browsertest.Chromium(t)
	chdirRoot(t)
	shots := screenshotDir(t)
	t.Logf("screenshots in %s", shots)

	// A clean input: no findings, every control evaluated on manifests in
	// place or not in the input.
	clean, _, code := run(t, "", "scan", "--format", "html", "internal/cli/testdata/threatmodel/clean.yaml")
	if code != 0 {
		t.Fatalf("clean input: exit %d", code)
	}
	dom := browsertest.DumpDOM(t, bin, clean)
	ov := overviewOf(t, dom)
	for cat, o := range ov {
		if o.missing != "0" || o.findings != "0" {
			t.Errorf("clean input: %s shows %s missing controls and %s findings", cat, o.missing, o.findings)
		}
	}
	if o := ov["ElevationOfPrivilege"]; o.score != "100" || o.inPlace == "0" {
		t.Errorf("clean input: ElevationOfPrivilege scores %s with %s controls in place; want 100 and some", o.score, o.inPlace)
	}
	if !strings.Contains(dom, `<span class="st st-in-place">in place</span>`) || strings.Contains(dom, `<span class="st st-missing">missing</span></td>`) {
		t.Error("clean input: the controls are not shown in place, or one is missing")
	}
	if i, j := strings.Index(dom, `id="coverage-gaps"`), strings.Index(dom, `id="threat-model"`); i < 0 || i > j {
		t.Error("clean input: the coverage gaps (node checks not in the input) are not shown before the threat model")
	}
	if strings.Contains(dom, "<svg") {
		t.Error("clean input: an escalation graph is drawn without a path")
	}
	browsertest.Screenshot(t, bin, clean, filepath.Join(shots, "threatmodel-clean.png"), 1280, 1600)

	// The bundled examples: findings in every category but Repudiation,
	// escalation paths, filters.
	bad, _, code := run(t, "", "scan", "--format", "html", "--config", "docs/kubestride.example.yaml", "examples/")
	if code != 1 {
		t.Fatalf("examples: exit %d, want 1", code)
	}
	dom = browsertest.DumpDOM(t, bin, bad)
	ov = overviewOf(t, dom)
	rows := findingRow.FindAllStringSubmatch(dom, -1)
	perCategory := map[string]int{}
	for _, r := range rows {
		if r[5] != "" {
			t.Errorf("examples: finding row of %s hidden with no filter chosen", r[3])
		}
		perCategory[r[1]]++
	}
	for cat, o := range ov {
		if o.findings != itoa(perCategory[cat]) {
			t.Errorf("examples: %s counts %s findings, the page lists %d", cat, o.findings, perCategory[cat])
		}
		if perCategory[cat] > 0 && o.missing == "0" {
			t.Errorf("examples: %s has findings but no missing control", cat)
		}
	}
	if ov["Repudiation"].score != "n/a" || ov["Repudiation"].notEvaluated == "0" {
		t.Errorf("examples: Repudiation is %+v; want not evaluated, no score (its checks need an audit policy or node files)", ov["Repudiation"])
	}
	if m := shownText.FindStringSubmatch(dom); m == nil || m[1] != itoa(len(rows))+" of "+itoa(len(rows))+" findings shown" {
		t.Errorf("examples: the filters' count is %q, want all %d shown (did the script run?)", m, len(rows))
	}
	if !strings.Contains(dom, `<form id="filters">`) {
		t.Error("examples: the filters are still hidden: the page's script did not run")
	}
	for _, want := range []string{"<svg", `<rect class="admin"`, "cluster-admin-equivalent", "serviceaccount:platform:ci-deployer", "reads-token-secret"} {
		if !strings.Contains(dom, want) {
			t.Errorf("examples: the escalation graph lacks %q", want)
		}
	}
	browsertest.Screenshot(t, bin, bad, filepath.Join(shots, "threatmodel-examples.png"), 1280, 2400)

	// Choose severity critical and namespace platform, as a user would.
	const choose = `(function () {
  function pick(name, value) {
    var s = document.querySelector('#filters select[name="' + name + '"]');
    s.value = value;
    s.dispatchEvent(new Event("change"));
  }
  pick("severity", "critical");
  pick("namespace", "platform");
})();`
	filtered := browsertest.WithScript(t, bad, choose)
	dom = browsertest.DumpDOM(t, bin, filtered)
	want, visible := 0, 0
	for _, r := range findingRow.FindAllStringSubmatch(dom, -1) {
		match := r[2] == "critical" && r[4] == "platform"
		if match {
			want++
		}
		if r[5] == "" {
			visible++
			if !match {
				t.Errorf("filtered: a %s finding of %s in %q is still shown", r[2], r[3], r[4])
			}
		}
	}
	if want == 0 || visible != want {
		t.Errorf("filtered: %d rows shown, want the %d critical ones in platform", visible, want)
	}
	if m := shownText.FindStringSubmatch(dom); m == nil || m[1] != itoa(want)+" of "+itoa(len(rows))+" findings shown" {
		t.Errorf("filtered: the count says %q", m)
	}
	browsertest.Screenshot(t, bin, filtered, filepath.Join(shots, "threatmodel-examples-filtered.png"), 1280, 1400)
}

func itoa(n int) string { return strconv.Itoa(n) }
