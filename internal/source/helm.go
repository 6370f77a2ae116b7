package source

import (
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"helm.sh/helm/v4/pkg/chart/common"
	"helm.sh/helm/v4/pkg/chart/common/util"
	chart "helm.sh/helm/v4/pkg/chart/v2"
	chartloader "helm.sh/helm/v4/pkg/chart/v2/loader"
	chartutil "helm.sh/helm/v4/pkg/chart/v2/util"
	"helm.sh/helm/v4/pkg/engine"
	"helm.sh/helm/v4/pkg/strvals"

	"github.com/kubestride/kubestride/internal/object"
)

// Render tunes how charts and kustomizations are rendered.
type Render struct {
	// Values are values files and Set are key=value pairs (helm --set), in
	// the order Helm applies them; they apply to the charts given with
	// Options.Helm, not to charts found in a directory walk.
	Values []string
	Set    []string
	// Release and Namespace name the release (default "release-name" and
	// "default", as helm template).
	Release   string
	Namespace string
	// KubeVersion is the Kubernetes version templates see in
	// .Capabilities.KubeVersion; empty means Helm's default.
	KubeVersion string
	// Off leaves the charts and kustomizations found in a directory walk
	// unrendered: they are skipped with a notice.
	Off bool
}

// helmChart renders a chart (a directory or a .tgz archive) on the client
// alone, as helm template does without a cluster, and queues each
// template's output to be decoded. vals says whether Values and Set apply.
func (l *loader[P]) helmChart(dir string, vals bool) {
	ch, err := chartloader.Load(dir)
	if err != nil {
		l.fail(dir, "load Helm chart: %v", err)
		return
	}
	values := map[string]any{}
	if vals {
		for _, f := range l.render.Values {
			v, err := common.ReadValuesFile(f)
			if err != nil {
				l.fail(f, "read values: %v", unwrapPath(err))
				return
			}
			values = chartloader.MergeMaps(values, v)
		}
		for _, s := range l.render.Set {
			if err := strvals.ParseInto(s, values); err != nil {
				l.fail(dir, "--set %s: %v", s, err)
				return
			}
		}
	}
	if err := chartutil.ProcessDependencies(ch, values); err != nil {
		l.fail(filepath.Join(dir, "Chart.yaml"), "chart dependencies: %v", err)
		return
	}
	caps := common.DefaultCapabilities.Copy()
	if v := l.render.KubeVersion; v != "" {
		kv, err := common.ParseKubeVersion(v)
		if err != nil {
			l.fail(dir, "--kube-version %s: %v", v, err)
			return
		}
		caps.KubeVersion = *kv
	}
	release, ns := cmpOr(l.render.Release, "release-name"), cmpOr(l.render.Namespace, "default")
	opts := common.ReleaseOptions{Name: release, Namespace: ns, Revision: 1, IsInstall: true}
	top, err := util.ToRenderValuesWithSchemaValidation(ch, values, opts, caps, false)
	if err != nil {
		l.fail(filepath.Join(dir, "values.yaml"), "values: %v", err)
		return
	}
	sources := chartSources(ch, dir)
	out, err := engine.Render(ch, top)
	if err != nil {
		file, line, msg := helmError(err, sources, dir)
		j := l.free.get(file)
		j.errs.add(object.Error{File: file, Line: line, Message: "rendering the Helm chart: " + msg})
		l.send(j)
		return
	}
	rendered := 0
	for _, name := range slices.Sorted(maps.Keys(out)) {
		base := path.Base(name)
		if strings.HasPrefix(base, "_") || strings.HasSuffix(name, "NOTES.txt") || strings.TrimSpace(out[name]) == "" {
			continue
		}
		rendered++
		src := sources[name]
		file := src.file
		if file == "" {
			file = name
		}
		r := &renderInfo{by: "helm", file: file}
		if src.text != "" {
			r.smap = templateMap(file, src.text, out[name])
		}
		l.decodeRendered(name, []byte(out[name]), r)
	}
	if rendered == 0 {
		l.skip(dir, "a Helm chart that renders no manifest with these values; nothing to scan")
	}
}

// templateSource is a chart's template: its file and its text.
type templateSource struct {
	file, text string
}

// chartSources returns the templates of ch and its subcharts by the names
// Helm renders them under, with their files: below dir when the chart is a
// directory, inside the archive otherwise.
func chartSources(ch *chart.Chart, dir string) map[string]templateSource {
	out := map[string]templateSource{}
	var walk func(c *chart.Chart, dir string)
	walk = func(c *chart.Chart, dir string) {
		for _, t := range c.Templates {
			out[path.Join(c.ChartFullPath(), t.Name)] = templateSource{file: filepath.Join(dir, filepath.FromSlash(t.Name)), text: string(t.Data)}
		}
		for _, d := range c.Dependencies() {
			sub := filepath.Join(dir, "charts", d.Name())
			if _, err := os.Stat(sub); err != nil {
				sub = filepath.Join(dir, "charts", d.Name()+"-"+d.Metadata.Version+".tgz")
			}
			walk(d, sub)
		}
	}
	walk(ch, dir)
	return out
}

// helmLocation finds "templates/x.yaml:12" in a rendering error.
var helmLocation = regexp.MustCompile(`([^\s():<>"']+):(\d+)(?::\d+)?`)

// helmError returns the file and line a rendering error names, and its
// message without Helm's location prefix.
func helmError(err error, sources map[string]templateSource, dir string) (string, int, string) {
	msg := err.Error()
	for _, m := range helmLocation.FindAllStringSubmatchIndex(msg, -1) {
		name := msg[m[2]:m[3]]
		src, ok := sources[name]
		if !ok {
			continue
		}
		line, _ := strconv.Atoi(msg[m[4]:m[5]])
		// The message is what follows the last location: Helm puts the
		// cause at the end.
		rest := msg
		if i := strings.LastIndex(rest, "): "); i >= 0 {
			rest = rest[i+3:]
		} else if i := strings.LastIndex(rest, ">: "); i >= 0 {
			rest = rest[i+3:]
		}
		return src.file, line, strings.TrimSpace(strings.ReplaceAll(rest, "\n", " "))
	}
	return filepath.Join(dir, "Chart.yaml"), 0, strings.ReplaceAll(err.Error(), "\n", " ")
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
