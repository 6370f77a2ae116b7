package checks

// Pods created that Pod Security's baseline level forbids (privileged
// containers, host namespaces, host paths, added capabilities, ...),
// judged from the request body with the same Pod Security Standards
// controls the scan runs, where the audit policy logged the body. A
// privileged pod is a way onto its node; one created by hand during an
// incident is how an attacker leaves the cluster's boundaries.
//
// Inspected: completed, allowed creates of pods, and of deployments,
// daemon sets, stateful sets, replica sets, jobs and cron jobs, whose
// request or response body holds the pod spec; judged at the baseline level
// of the chosen Pod Security Standards version.

import (
	"encoding/json"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/pod-security-admission/api"

	"github.com/kubestride/kubestride/internal/auditlog"
	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/pss"
)

func init() {
	check.Register(auditDetection(check.Meta{
		ID:          "auditlog-privileged-pod",
		Title:       "Privileged or host-namespace pod created",
		Category:    check.ElevationOfPrivilege,
		Severity:    check.High,
		Description: "A pod, or a workload's pod template, that the Pod Security Standards baseline level forbids (privileged containers, host namespaces, host paths, added capabilities) was created; such a pod reaches its node.",
		Remediation: "Confirm why the pod needed host access; delete it if it was not intended, and enforce Pod Security baseline (or restricted) on its namespace.",
		References: []string{
			"https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
			"https://kubernetes.io/docs/concepts/security/pod-security-admission/",
		},
	}, func(o auditlog.Options) auditlog.Detector {
		lv := api.LevelVersion{Level: api.LevelBaseline, Version: o.PSS.Version}
		if o.PSS.Version == (api.Version{}) {
			lv.Version = api.LatestVersion()
		}
		return &privilegedPods{eval: pss.For(lv)}
	}))
}

type privilegedPods struct{ eval *pss.Evaluator }

// podTemplateKinds are the resources (apps and batch) whose body holds a
// pod template, and where.
var podTemplateResources = map[string]string{
	"deployments": "apps", "daemonsets": "apps", "statefulsets": "apps", "replicasets": "apps",
	"jobs": "batch", "cronjobs": "batch",
}

type auditPodBody struct {
	Metadata metav1.ObjectMeta `json:"metadata"`
	Spec     json.RawMessage   `json:"spec"`
}

type auditTemplateSpec struct {
	Template    *auditPodTemplate `json:"template"`
	JobTemplate *struct {
		Spec struct {
			Template *auditPodTemplate `json:"template"`
		} `json:"spec"`
	} `json:"jobTemplate"`
}

type auditPodTemplate struct {
	Metadata metav1.ObjectMeta `json:"metadata"`
	Spec     corev1.PodSpec    `json:"spec"`
}

func (d *privilegedPods) Observe(e *auditlog.Event, emit func(check.Finding)) {
	if !completed(e) || !e.Succeeded() || e.Verb != "create" || e.Subresource() != "" {
		return
	}
	res := e.Resource()
	group, templated := podTemplateResources[res]
	if !(res == "pods" && e.Group() == "") && !(templated && e.Group() == group) {
		return
	}
	for _, body := range [][]byte{e.RequestObject, e.ResponseObject} {
		if len(body) == 0 {
			continue
		}
		var b auditPodBody
		if json.Unmarshal(body, &b) != nil || len(b.Spec) == 0 {
			continue
		}
		meta, spec := &b.Metadata, (*corev1.PodSpec)(nil)
		if res == "pods" {
			spec = &corev1.PodSpec{}
			if json.Unmarshal(b.Spec, spec) != nil {
				continue
			}
		} else {
			var ts auditTemplateSpec
			if json.Unmarshal(b.Spec, &ts) != nil {
				continue
			}
			t := ts.Template
			if ts.JobTemplate != nil {
				t = ts.JobTemplate.Spec.Template
			}
			if t == nil {
				continue
			}
			meta, spec = &t.Metadata, &t.Spec
		}
		results := d.eval.Evaluate(meta, spec)
		if len(results) == 0 {
			return
		}
		var why []string
		for _, r := range results {
			why = append(why, r.Reason+" ("+r.Detail+")")
		}
		t := auditlog.Trail{Principal: e.Who()}
		t.Add(e)
		emit(check.Finding{AuditTrail: t.Subject(), Reason: "pod forbidden by baseline created",
			Detail: fmt.Sprintf("%s created %s %s, which Pod Security baseline forbids: %s", e.Who(), objectNote(e), t.Span(), strings.Join(why, "; "))})
		return
	}
}

func (d *privilegedPods) Flush(func(check.Finding)) {}
