package report

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/rbac"
)

// This file builds the threat-model view the html and markdown formats show
// before the findings: per STRIDE category, the controls of the threat model
// that the category's checks verify, each in place, missing or not
// evaluated (with why), the findings that are its evidence, and a score.

// Control statuses.
const (
	StatusInPlace      = "in place"
	StatusMissing      = "missing"
	StatusNotEvaluated = "not evaluated"
)

// scoreWeight is how much a check counts in its category's score, by its
// default severity.
var scoreWeight = map[check.Severity]int{check.Critical: 8, check.High: 4, check.Medium: 2, check.Low: 1, check.Info: 0}

// ScoreRule says how a category's score is computed.
const ScoreRule = "Score: the share of the category's evaluated checks that found nothing, each weighted by its default severity " +
	"(critical 8, high 4, medium 2, low 1, info 0); a check with findings counts as failed, a check that was not evaluated does not count. " +
	"100 means every evaluated check passed; n/a means nothing was evaluated."

// threatModel is the view of a report along its threat model.
type threatModel struct {
	Categories []tmCategory
	// Gaps says, first, what kept parts of the threat model from being
	// evaluated: coverage gaps, unreadable input, checks not run.
	Gaps []string
	// Paths are the shortest privilege-escalation paths shown as a graph,
	// at most maxPaths of them; MorePaths is how many more there are.
	Paths     []rbac.Path
	MorePaths int
}

type tmCategory struct {
	Category check.Category
	Controls []tmControl
	// Score is 0-100; Scored is false when no check was evaluated.
	Score  int
	Scored bool
	// Findings is the number of unsuppressed findings of the category.
	Findings int
}

type tmControl struct {
	Control Control
	Status  string
	// Why says why the control is not evaluated, or what of it was not.
	Why string
	// Checks are the category's checks of this control that ran.
	Checks []check.ID
	// Evidence is, per check with findings, the check and its count, in
	// the order the checks first appear in the report.
	Evidence []tmEvidence
	Findings int
}

type tmEvidence struct {
	ID       check.ID
	Severity check.Severity
	Count    int
}

// maxPaths caps the paths drawn.
const maxPaths = 5

// newThreatModel builds the threat model of a finalized, materialized
// report.
func newThreatModel(r *Report) threatModel {
	var tm threatModel

	// Findings per check (unsuppressed), with the highest severity.
	counts := map[check.ID]int{}
	sev := map[check.ID]check.Severity{}
	var order []check.ID
	byCategory := map[check.Category]int{}
	for i := range r.Findings {
		f := &r.Findings[i]
		if f.Suppressed != nil {
			continue
		}
		byCategory[f.Category]++
		if counts[f.ID] == 0 {
			order = append(order, f.ID)
			sev[f.ID] = f.Severity
		}
		counts[f.ID]++
		sev[f.ID] = max(sev[f.ID], f.Severity)
	}

	// What kept checks from being evaluated.
	gapTopics := map[check.Topic][]string{}
	if r.Coverage != nil {
		for _, g := range r.Coverage.Gaps {
			why := gapReason(g) + ": could not list " + gapWhere(g)
			for _, t := range topicsOfResource(g.Resource) {
				gapTopics[t] = append(gapTopics[t], why)
			}
			tm.Gaps = append(tm.Gaps, fmt.Sprintf("%s could not be listed (%s): the controls its objects verify are not evaluated", gapWhere(g), gapReason(g)))
		}
	}
	inputErrors := ""
	if n := len(r.Errors); n > 0 {
		inputErrors = fmt.Sprintf("incomplete input: %s (see Errors)", plural(n, "error", "errors"))
		tm.Gaps = append(tm.Gaps, fmt.Sprintf("%s: controls without findings are not evaluated, since what could not be read may break them", plural(n, "input error", "input errors")))
	}
	notEval := map[string]int{}
	for _, m := range r.Rules {
		if why, ok := r.NotEvaluated[m.ID]; ok {
			notEval[why]++
		}
	}
	for _, why := range sortedKeys(notEval) {
		tm.Gaps = append(tm.Gaps, fmt.Sprintf("%s not evaluated: %s", plural(notEval[why], "check", "checks"), strings.TrimPrefix(why, "not evaluated: ")))
	}

	for _, cat := range check.Categories {
		c := tmCategory{Category: cat, Findings: byCategory[cat]}
		ctls := map[Control]*tmControl{}
		pass, total := 0, 0
		for _, m := range r.Rules {
			if m.Category != cat {
				continue
			}
			ctl, ok := ControlOf(m.ID)
			if !ok {
				ctl = Control("other")
			}
			tc := ctls[ctl]
			if tc == nil {
				tc = &tmControl{Control: ctl}
				ctls[ctl] = tc
			}
			tc.Checks = append(tc.Checks, m.ID)
			w := scoreWeight[m.Severity]
			switch {
			case counts[m.ID] > 0:
				total += w
			case r.NotEvaluated[m.ID] != "" || len(gapTopics[m.Topic]) > 0 || inputErrors != "":
			default:
				pass += w
				total += w
			}
		}
		if total > 0 {
			c.Score, c.Scored = (100*pass+total/2)/total, true
		}
		for _, ctl := range append(slices.Clone(Controls), "other") {
			tc := ctls[ctl]
			if tc == nil {
				continue
			}
			var whys []string
			evaluated, skipped := 0, 0
			for _, id := range tc.Checks {
				topic := topicOf(r.Rules, id)
				switch {
				case r.NotEvaluated[id] != "":
					whys = appendOnce(whys, notInInput(r.NotEvaluated[id]))
					skipped++
				case len(gapTopics[topic]) > 0:
					for _, g := range gapTopics[topic] {
						whys = appendOnce(whys, g)
					}
					skipped++
				default:
					evaluated++
				}
			}
			for _, id := range order {
				if slices.Contains(tc.Checks, id) {
					tc.Evidence = append(tc.Evidence, tmEvidence{ID: id, Severity: sev[id], Count: counts[id]})
					tc.Findings += counts[id]
				}
			}
			partly := fmt.Sprintf("%d of %d checks not evaluated: ", skipped, len(tc.Checks)) + strings.Join(whys, "; ")
			switch {
			case tc.Findings > 0:
				tc.Status = StatusMissing
				if len(whys) > 0 {
					tc.Why = partly
				}
			case evaluated == 0:
				tc.Status = StatusNotEvaluated
				tc.Why = strings.Join(whys, "; ")
			case inputErrors != "":
				tc.Status = StatusNotEvaluated
				tc.Why = strings.Join(append(whys, inputErrors), "; ")
			default:
				tc.Status = StatusInPlace
				if len(whys) > 0 {
					tc.Why = partly
				}
			}
			c.Controls = append(c.Controls, *tc)
		}
		tm.Categories = append(tm.Categories, c)
	}
	if len(r.Rules) == 0 {
		tm.Gaps = append(tm.Gaps, "no check ran: nothing of the threat model was evaluated")
	}

	for _, p := range r.Paths {
		if len(p.Hops) == 0 || p.Hops[0].Edge == rbac.EdgeIsClusterAdmin {
			continue // cluster-admin-equivalent already: no escalation
		}
		if len(tm.Paths) == maxPaths {
			tm.MorePaths++
			continue
		}
		tm.Paths = append(tm.Paths, p)
	}
	return tm
}

// notInInput words a check's NotEvaluated reason for the threat model:
// "not in the input: the input holds no control-plane or node configuration".
func notInInput(why string) string {
	why = strings.TrimPrefix(why, "not evaluated: ")
	if i := strings.Index(why, " ("); i > 0 {
		why = why[:i]
	}
	return "not in the input: " + why
}

// topicsOfResource is what a list of resource ("roles.rbac.authorization.k8s.io")
// holds, by the topics of the checks that judge it.
func topicsOfResource(resource string) []check.Topic {
	switch {
	case strings.HasSuffix(resource, ".rbac.authorization.k8s.io"):
		return []check.Topic{check.TopicRBAC}
	case resource == "namespaces", resource == "resourcequotas", resource == "limitranges",
		strings.HasPrefix(resource, "networkpolicies."):
		return []check.Topic{check.TopicNamespaces}
	case resource == "nodes":
		return []check.Topic{check.TopicCluster}
	case resource == "secrets", resource == "configmaps", resource == "services", resource == "serviceaccounts",
		strings.Contains(resource, "webhookconfigurations"), strings.HasPrefix(resource, "apiservices."):
		return []check.Topic{check.TopicObjects, check.TopicRBAC}
	}
	return []check.Topic{check.TopicWorkloads, check.TopicObjects}
}

// topicOf is the topic of check id among rules.
func topicOf(rules []check.Meta, id check.ID) check.Topic {
	for i := range rules {
		if rules[i].ID == id {
			return rules[i].Topic
		}
	}
	return ""
}

func appendOnce(s []string, v string) []string {
	if slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}

// scoreString is "87" or "n/a".
func (c tmCategory) scoreString() string {
	if !c.Scored {
		return "n/a"
	}
	return fmt.Sprint(c.Score)
}

// countStatus counts the controls of c with status s.
func (c tmCategory) countStatus(s string) int {
	n := 0
	for _, ctl := range c.Controls {
		if ctl.Status == s {
			n++
		}
	}
	return n
}

// hopText is one hop of a path: "create pods via RoleBinding ci/deployer".
func hopText(h rbac.Hop) string {
	s := h.Action
	if h.Via.Binding.Name != "" {
		s += " via " + h.Via.Binding.String()
	}
	return s
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
