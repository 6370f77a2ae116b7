package report

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/kubestride/kubestride/internal/browsertest"
)

func chromium(t *testing.T) string { return browsertest.Chromium(t) }

func dumpDOM(t *testing.T, bin, page string) string { return browsertest.DumpDOM(t, bin, page) }

// htmlElements are the elements the report's template writes.
var htmlElements = []string{"html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "table", "thead",
	"tbody", "tr", "th", "td", "span", "code", "div", "section", "strong", "ul", "li", "ol", "h3", "form", "label",
	"select", "option", "button", "output", "svg", "g", "title", "line", "polygon", "rect", "text"}

// tagStart finds the elements of a serialized DOM: text and attribute
// values are serialized with < escaped, so every < starts a tag.
var tagStart = regexp.MustCompile(`<([a-zA-Z][a-zA-Z0-9-]*)`)

// foreignElements lists the elements of dom the template does not write.
func foreignElements(dom string) []string {
	var out []string
	for _, m := range tagStart.FindAllStringSubmatch(dom, -1) {
		if name := strings.ToLower(m[1]); !slices.Contains(htmlElements, name) {
			out = append(out, name)
		}
	}
	return out
}

// TestHTMLInHeadlessChromium loads the report of hostile input in a real
// browser: the DOM holds only the template's elements (no injected image or
// script), the title is the report's, no control character reaches the page,
// and the hostile values are visible as text.
func TestHTMLInHeadlessChromium(t *testing.T) {
	bin := chromium(t)

	// The check itself sees an injected element when there is one.
	injected := strings.Replace(render(t, "html", oneFinding("m", nil), Options{}), "<h1>", "<img src=x><script>1</script><h1>", 1)
	if got := foreignElements(dumpDOM(t, bin, injected)); !slices.Contains(got, "img") || !slices.Contains(got, "script") {
		t.Fatalf("an injected <img> and <script> were not seen in the DOM (got %q)", got)
	}

	dom := dumpDOM(t, bin, render(t, "html", hostileReport(), Options{}))
	// The one script is the page's own: the filters.
	if got := foreignElements(dom); !slices.Equal(got, []string{"script"}) {
		t.Errorf("the DOM holds elements the template does not write: %q\n%s", got, dom)
	}
	if !strings.Contains(dom, "<title>kubestride report</title>") {
		t.Errorf("the page's title changed:\n%s", dom)
	}
	if bad := rawControls(dom); len(bad) > 0 {
		t.Errorf("the DOM holds raw controls %q", bad)
	}
	for _, want := range []string{
		`\x1b]0;pwned\x07 \u202eevil/web\x1b[2J|x` + "`y`" + `&lt;img src=x onerror=alert(1)&gt;\nnext`,
		`container "a\u009b31m" must not\x7f set \u2066hidden\u2069 &lt;script&gt;document.title='pwned'&lt;/script&gt;\x0d`,
		`deploy/x\u2028y\u2029.yaml:3`,
		`yaml: line 3: did not find expected key "\x1b[1;1H\x1b[2J"`,
		`\x1b]8;;http://evil\x07link`,
		`approved \u200f by **ops** \x1b[8m`,
		`roles\x1b[31m|&lt;i&gt;x&lt;/i&gt;`,
		`forbidden: \u202eUser | "&lt;b&gt;eve&lt;/b&gt;"\x1b[8m`,
		`ns\u202e|&lt;b&gt;n&lt;/b&gt;\nx`,
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("the page does not show %q:\n%s", want, dom)
		}
	}
}
