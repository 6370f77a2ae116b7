package webhook

import (
	"context"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/pod-security-admission/api"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/config"
	"github.com/kubestride/kubestride/internal/inventory"
	"github.com/kubestride/kubestride/internal/object"
	"github.com/kubestride/kubestride/internal/pss"
	"github.com/kubestride/kubestride/internal/report"
	"github.com/kubestride/kubestride/internal/scan"
)

// The keys of the audit annotations the webhook answers with. The API
// server files each under the webhook's name, as
// <webhook name>/audit-violations (validate.kubestride.io/audit-violations).
const (
	AnnotationAuditViolations = "audit-violations"
	AnnotationEnforcePolicy   = "enforce-policy"
	AnnotationExempt          = "exempt"
	AnnotationDryRun          = "dry-run-violations"
	AnnotationError           = "error"
)

// ignoredPodSubresources are the pod subresources that cannot change what
// the policies judge; any other (ephemeralcontainers, resize, and those
// added later) carries a pod and is judged, as Pod Security Admission does.
var ignoredPodSubresources = map[string]bool{
	"exec": true, "attach": true, "binding": true, "eviction": true,
	"log": true, "portforward": true, "proxy": true, "status": true,
}

// verdict is the judgement of one object by one policy binding.
type verdict struct {
	b binding
	// violations are the counted findings, in message order.
	violations []report.Finding
	errs       []report.Error
	// worded is, by restricted control that replaces baseline ones, Pod
	// Security Admission's text for it (see wordAsPSA).
	worded map[string]string
}

// allowed reports whether the policy allows the object.
func (v *verdict) allowed() bool { return len(v.violations) == 0 && len(v.errs) == 0 }

// detail is the verdict in Pod Security Admission's words: every violated
// control or check as "reason (detail)", joined with ", ".
func (v *verdict) detail() string {
	var b strings.Builder
	said := map[string]bool{}
	for i, f := range v.violations {
		if f.PSS != nil && v.worded[f.PSS.Check] != "" {
			if said[f.PSS.Check] {
				continue
			}
			said[f.PSS.Check] = true
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(v.worded[f.PSS.Check])
			continue
		}
		if i > 0 {
			b.WriteString(", ")
		}
		if f.Reason != "" {
			b.WriteString(f.Reason)
			b.WriteString(" (")
			b.WriteString(f.Message)
			b.WriteString(")")
		} else {
			b.WriteString(f.Message)
		}
	}
	for i, e := range v.errs {
		if i > 0 || len(v.violations) > 0 {
			b.WriteString(", ")
		}
		b.WriteString(e.Message)
	}
	return b.String()
}

// review is one admission request on its way through admit.
type review struct {
	req      *admissionv1.AdmissionRequest
	resp     *admissionv1.AdmissionResponse
	now      time.Time
	warnings []string
	audit    map[string]string
}

func (r *review) annotate(k, v string) {
	if r.audit == nil {
		r.audit = map[string]string{}
	}
	r.audit[k] = v
}

func (r *review) warn(msg string) {
	if !slices.Contains(r.warnings, msg) {
		r.warnings = append(r.warnings, msg)
	}
}

// admit judges one admission request.
func (s *Server) admit(ctx context.Context, req *admissionv1.AdmissionRequest) *admissionv1.AdmissionResponse {
	r := &review{req: req, resp: &admissionv1.AdmissionResponse{UID: req.UID, Allowed: true}, now: s.now()}
	s.judge(ctx, r)
	if len(r.warnings) > 0 {
		r.resp.Warnings = r.warnings
	}
	if len(r.audit) > 0 {
		r.resp.AuditAnnotations = r.audit
	}
	return r.resp
}

func (s *Server) judge(ctx context.Context, r *review) {
	req := r.req
	if s.beforeJudge != nil {
		s.beforeJudge(req)
	}
	if req.Operation != admissionv1.Create && req.Operation != admissionv1.Update {
		return
	}
	if req.SubResource != "" && (req.Resource.Group != "" || req.Resource.Resource != "pods" || ignoredPodSubresources[req.SubResource]) {
		return
	}
	if by := s.exemptRequest(req); by != "" {
		s.metrics.exemptions.inc(labelValues{by})
		r.annotate(AnnotationExempt, by)
		return
	}
	var labels map[string]string
	if req.Namespace != "" {
		ns, err := s.cluster.namespace(ctx, req.Namespace)
		if err != nil {
			s.log.Error("namespace lookup failed", "namespace", req.Namespace, "err", err)
			s.fail(r, "namespace", apierrors.NewInternalError(fmt.Errorf("failed to look up namespace %q", req.Namespace)).ErrStatus, err)
			return
		}
		labels = ns.Labels
	}
	modes := s.policies.modesOf(req.Namespace, labels)
	if len(modes.errs) > 0 {
		msg := "failed to parse policy: " + strings.Join(modes.errs, "; ")
		r.annotate(AnnotationError, msg)
		r.warn(fmt.Sprintf("namespace %q: %s", req.Namespace, msg))
	}
	if modes.modes[Enforce].privileged() && modes.modes[Audit].privileged() && modes.modes[Warn].privileged() {
		return
	}
	obj, err := decodeObject(req.Object.Raw, req.Kind, req.Namespace)
	if err != nil {
		s.fail(r, "decode", apierrors.NewBadRequest("failed to decode object").ErrStatus, err)
		return
	}
	if obj.Meta.DeletionTimestamp != nil {
		return // on its way out: updates only remove finalizers
	}
	inv := s.inventory(obj)
	defer s.singles.Put(inv)
	if rc := s.exemptRuntimeClass(inv); rc != "" {
		s.metrics.exemptions.inc(labelValues{"runtimeClass"})
		r.annotate(AnnotationExempt, "runtimeClass")
		return
	}
	if req.Operation == admissionv1.Update && len(inv.Workloads) > 0 {
		old, err := decodeObject(req.OldObject.Raw, req.Kind, req.Namespace)
		if err != nil {
			s.fail(r, "decode", apierrors.NewBadRequest("failed to decode old object").ErrStatus, err)
			return
		}
		oldInv := s.inventory(old)
		same := !significantUpdate(obj, inv, old, oldInv)
		s.singles.Put(oldInv)
		if same {
			return
		}
	}
	var stripped []string
	if s.policies.cfg.ForbidAnnotationExemptions {
		obj, stripped = withoutIgnoreAnnotations(obj)
	}
	around := s.cluster.aroundOf(req.Namespace)
	var with []*object.Object
	if s.policies.contextual {
		with = s.cluster.context(inv)
	}

	var verdicts [3]*verdict
	for m := Enforce; m <= Warn; m++ {
		b := modes.modes[m]
		if b.privileged() {
			continue
		}
		for _, v := range verdicts[:m] {
			if v != nil && v.b == b {
				verdicts[m] = v
				break
			}
		}
		if verdicts[m] == nil {
			verdicts[m] = s.evaluate(ctx, b, obj, inv, with, around, r.now)
		}
	}

	policyLabel := func(m Mode) string { return verdicts[m].b.String() }
	if v := verdicts[Enforce]; v != nil {
		r.annotate(AnnotationEnforcePolicy, policyLabel(Enforce))
		s.record(req, Enforce, v)
		if !v.allowed() {
			msg := fmt.Sprintf("violates kubestride policy %q: %s", policyLabel(Enforce), v.detail())
			if modes.dryRun {
				r.warn("dry run: " + msg)
				r.annotate(AnnotationDryRun, "would "+msg)
				s.metrics.dryRun.inc(labelValues{policyLabel(Enforce)})
			} else {
				gr := schema.GroupResource{Group: req.Resource.Group, Resource: req.Resource.Resource}
				status := apierrors.NewForbidden(gr, req.Name, fmt.Errorf("%s", msg)).ErrStatus
				status.Details.Causes = causes(v)
				r.resp.Allowed = false
				r.resp.Result = &status
			}
		}
	}
	if v := verdicts[Audit]; v != nil {
		s.record(req, Audit, v)
		if !v.allowed() {
			r.annotate(AnnotationAuditViolations, fmt.Sprintf("would violate kubestride policy %q: %s", policyLabel(Audit), v.detail()))
		}
	}
	if v := verdicts[Warn]; v != nil {
		s.record(req, Warn, v)
		// As Pod Security Admission does, a request denied already gets no
		// warning repeating its reasons.
		if !v.allowed() && r.resp.Allowed {
			r.warn(fmt.Sprintf("would violate kubestride policy %q: %s", policyLabel(Warn), v.detail()))
		}
	}
	s.exemptionNotes(r, obj, verdicts, stripped)
}

// record counts a verdict in the metrics; a dry-run request is not a
// decision and is left out.
func (s *Server) record(req *admissionv1.AdmissionRequest, m Mode, v *verdict) {
	if req.DryRun != nil && *req.DryRun {
		return
	}
	pl := v.b.String()
	if v.allowed() {
		s.metrics.decisions.inc(labelValues{m.String(), pl, "allow"})
		return
	}
	s.metrics.decisions.inc(labelValues{m.String(), pl, "deny"})
	for _, f := range v.violations {
		s.metrics.violations.inc(labelValues{m.String(), pl, string(f.ID)})
	}
}

// evaluate judges obj by the binding b with the scan's own checks.
func (s *Server) evaluate(ctx context.Context, b binding, obj *object.Object, inv *inventory.Inventory, with []*object.Object, around *inventory.Inventory, now time.Time) *verdict {
	var findings []report.Finding
	var errs []report.Error
	if b.p.level != api.LevelPrivileged || len(b.p.checks) > 0 {
		// A policy of an image policy alone runs no other check.
		findings, errs = b.p.evaluator(b.version).EvaluateWith(ctx, obj, with, around, now)
	}
	v := &verdict{b: b, errs: errs}
	for _, f := range findings {
		if f.Suppressed != nil || !b.p.counts(f.ID, f.Severity) {
			continue
		}
		v.violations = append(v.violations, f)
	}
	if b.p.images != nil {
		// The image policy counts whole: every image it refuses, and every
		// image it could not judge.
		imgs, errs := b.p.judgeImages(ctx, obj, inv, around, now)
		for _, f := range imgs {
			if f.Suppressed == nil {
				v.violations = append(v.violations, f)
			}
		}
		v.errs = append(v.errs, errs...)
	}
	// Pod Security Admission lists its baseline controls by check ID,
	// then its restricted ones; the Pod Security Standards come first,
	// then kubestride's own checks.
	slices.SortStableFunc(v.violations, func(a, b report.Finding) int {
		ka, kb := messageKey(&a), messageKey(&b)
		return strings.Compare(ka, kb)
	})
	v.worded = wordAsPSA(v.violations, inv)
	return v
}

// wordAsPSA returns Pod Security Admission's text for each restricted
// control among the violations that replaces baseline controls
// (capabilities, seccomp, volume types). The scan reports a pod that breaks
// the replaced baseline control under the baseline check's ID and words
// (so that --check and exemptions keyed on it hold at every level), where
// Pod Security Admission names only the restricted control; the denial
// names it as Pod Security Admission does, by running that control on the
// pod. The findings themselves (and the status causes) keep their IDs.
func wordAsPSA(violations []report.Finding, inv *inventory.Inventory) map[string]string {
	var out map[string]string
	for i := range violations {
		p := violations[i].PSS
		if p == nil || p.Level != string(api.LevelRestricted) || out[p.Check] != "" {
			continue
		}
		version, err := api.ParseVersion(p.Version)
		if err != nil {
			continue
		}
		ctl, ok := pss.For(api.LevelVersion{Level: api.LevelRestricted, Version: version}).Control(p.Check)
		if !ok || len(ctl.Overrides) == 0 {
			continue
		}
		for _, w := range inv.Workloads {
			if r := ctl.Check(w.PodMeta, w.Spec); !r.Allowed {
				if out == nil {
					out = map[string]string{}
				}
				out[p.Check] = r.ForbiddenReason + " (" + r.ForbiddenDetail + ")"
				break
			}
		}
	}
	return out
}

// messageKey orders the violations as Pod Security Admission orders its
// controls (baseline first, restricted after, each by check ID), then
// kubestride's own checks by ID.
func messageKey(f *report.Finding) string {
	if f.PSS != nil {
		if f.PSS.Level == string(api.LevelBaseline) {
			return "0" + f.PSS.Check
		}
		return "1" + f.PSS.Check
	}
	return "2" + string(f.ID)
}

// causes names each violation's check and field, for clients that read the
// status details.
func causes(v *verdict) []metav1.StatusCause {
	out := make([]metav1.StatusCause, 0, len(v.violations))
	for _, f := range v.violations {
		out = append(out, metav1.StatusCause{Type: metav1.CauseType(f.ID), Message: f.Message, Field: f.Field})
	}
	return out
}

// fail answers a request that could not be judged with status, as Pod
// Security Admission does: denied, with the error in an audit annotation.
func (s *Server) fail(r *review, reason string, status metav1.Status, err error) {
	s.metrics.errors.inc(labelValues{reason})
	r.resp.Allowed = false
	r.resp.Result = &status
	detail := status.Message
	if err != nil {
		detail += ": " + err.Error()
	}
	r.annotate(AnnotationError, detail)
}

// inventory returns a pooled inventory holding obj alone.
func (s *Server) inventory(obj *object.Object) *inventory.Inventory {
	inv, _ := s.singles.Get().(*inventory.Inventory)
	if inv == nil {
		inv = inventory.NewWith(s.templates)
	}
	return inventory.NewSingle(inv, obj)
}

// significantUpdate reports whether an update changes what the policies
// judge: for a pod, by Pod Security Admission's rule (significantPodUpdate);
// for a controller or a custom resource, whether a pod template changed.
// Scaling, relabelling or finalizing a workload admitted before its
// namespace's policy tightened stays possible.
func significantUpdate(obj *object.Object, inv *inventory.Inventory, old *object.Object, oldInv *inventory.Inventory) bool {
	if pod, ok := obj.Typed.(*corev1.Pod); ok {
		oldPod, ok := old.Typed.(*corev1.Pod)
		return !ok || significantPodUpdate(pod, oldPod)
	}
	if len(inv.Workloads) != len(oldInv.Workloads) {
		return true
	}
	for i, w := range inv.Workloads {
		o := oldInv.Workloads[i]
		if !equality.Semantic.DeepEqual(w.Spec, o.Spec) || !equality.Semantic.DeepEqual(podAnnotations(w), podAnnotations(o)) {
			return true
		}
	}
	return false
}

func podAnnotations(w *inventory.Workload) map[string]string {
	if w.PodMeta == nil {
		return nil
	}
	return w.PodMeta.Annotations
}

// exemptRequest returns what exempts the whole request ("namespace",
// "user", "group"), or "".
func (s *Server) exemptRequest(req *admissionv1.AdmissionRequest) string {
	e := &s.policies.cfg.Exempt
	if req.Namespace != "" {
		for _, p := range e.Namespaces {
			if ok, _ := path.Match(p, req.Namespace); ok {
				return "namespace"
			}
		}
	}
	if slices.Contains(e.Usernames, req.UserInfo.Username) {
		return "user"
	}
	for _, g := range req.UserInfo.Groups {
		if slices.Contains(e.Groups, g) {
			return "group"
		}
	}
	return ""
}

// exemptRuntimeClass returns the exempt runtime class a pod of inv runs
// with, or "". Every pod the object makes must run with one.
func (s *Server) exemptRuntimeClass(inv *inventory.Inventory) string {
	rcs := s.policies.cfg.Exempt.RuntimeClasses
	if len(rcs) == 0 || len(inv.Workloads) == 0 {
		return ""
	}
	rc := ""
	for _, w := range inv.Workloads {
		if w.Spec.RuntimeClassName == nil || !slices.Contains(rcs, *w.Spec.RuntimeClassName) {
			return ""
		}
		rc = *w.Spec.RuntimeClassName
	}
	return rc
}

// withoutIgnoreAnnotations returns obj with its suppression annotations
// removed (obj itself when it has none), and their keys.
func withoutIgnoreAnnotations(obj *object.Object) (*object.Object, []string) {
	var keys []string
	for k := range obj.Meta.Annotations {
		if strings.HasPrefix(k, scan.IgnoreAnnotationPrefix) {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return obj, nil
	}
	slices.Sort(keys)
	meta := *obj.Meta
	meta.Annotations = make(map[string]string, len(obj.Meta.Annotations))
	for k, v := range obj.Meta.Annotations {
		if !strings.HasPrefix(k, scan.IgnoreAnnotationPrefix) {
			meta.Annotations[k] = v
		}
	}
	out := *obj
	out.Meta = &meta
	return &out, keys
}

// exemptionNotes warns about the exemptions that no longer apply to a
// violation: an annotation the configuration forbids, an annotation or a
// configured exemption that has expired.
func (s *Server) exemptionNotes(r *review, obj *object.Object, verdicts [3]*verdict, stripped []string) {
	seen := map[check.ID]bool{}
	for _, v := range verdicts {
		if v == nil {
			continue
		}
		for _, f := range v.violations {
			if seen[f.ID] {
				continue
			}
			seen[f.ID] = true
			key := scan.IgnoreAnnotationPrefix + string(f.ID)
			if slices.Contains(stripped, key) {
				r.warn(fmt.Sprintf("annotation %s does not exempt %s %q: the webhook's configuration forbids exemption by annotation", key, obj.Kind, obj.Name()))
			} else if value, ok := obj.Meta.Annotations[key]; ok {
				if _, exp, err := scan.ParseIgnoreAnnotation(value); err != nil {
					r.warn(fmt.Sprintf("annotation %s does not exempt %s %q: %v", key, obj.Kind, obj.Name(), err))
				} else if !exp.IsZero() && !r.now.Before(exp) {
					r.warn(fmt.Sprintf("annotation %s expired on %s and no longer exempts %s %q", key, exp.Format(time.DateOnly), obj.Kind, obj.Name()))
				}
			}
			s.expiredExemptions(r, f.ID, obj)
		}
	}
}

func (s *Server) expiredExemptions(r *review, id check.ID, obj *object.Object) {
	for i := range s.cfg.Exemptions {
		e := &s.cfg.Exemptions[i]
		if !e.Expired(r.now) || !e.Matches(id, obj.Kind, obj.Namespace(), obj.Name()) {
			continue
		}
		r.warn(fmt.Sprintf("exemption %sof check %s expired on %s and no longer exempts %s %q (reason was: %s)", exemptionPlace(s.cfg, e), id, e.Expires, obj.Kind, obj.Name(), e.Reason))
	}
}

func exemptionPlace(cfg *config.Config, e *config.Exemption) string {
	if cfg.File != "" && e.Line > 0 {
		return fmt.Sprintf("at %s:%d ", cfg.File, e.Line)
	}
	return ""
}
