package webhook

import (
	"encoding/json"
	"errors"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/scheme"
	sigsjson "sigs.k8s.io/json"

	"github.com/kubestride/kubestride/internal/object"
)

var errNoObject = errors.New("the request carries no object")

// decodeObject reads an admitted object (request.object or
// request.oldObject) of kind gvk into the model the checks read: a
// built-in kind into its k8s.io/api type, anything else (a custom resource)
// as its JSON text with its metadata. ns is the request's namespace, which
// the object may leave out.
func decodeObject(raw []byte, gvk metav1.GroupVersionKind, ns string) (*object.Object, error) {
	if len(raw) == 0 {
		return nil, errNoObject
	}
	gv := schema.GroupVersion{Group: gvk.Group, Version: gvk.Version}
	obj := &object.Object{Origin: object.Origin{Source: object.FromAdmission}, APIVersion: gv.String(), Kind: gvk.Kind}
	typed, err := scheme.Scheme.New(gv.WithKind(gvk.Kind))
	if err != nil {
		var m struct {
			Metadata metav1.ObjectMeta `json:"metadata"`
		}
		if err := sigsjson.UnmarshalCaseSensitivePreserveInts(raw, &m); err != nil {
			return nil, fmt.Errorf("%s metadata: %w", gvk.Kind, err)
		}
		obj.Meta = &m.Metadata
		obj.Raw = raw
	} else {
		if err := json.Unmarshal(withoutManagedFields(raw), typed); err != nil {
			return nil, fmt.Errorf("%s: %w", gvk.Kind, err)
		}
		accessor, ok := typed.(metav1.ObjectMetaAccessor)
		if !ok {
			return nil, fmt.Errorf("%s has no object metadata", gvk.Kind)
		}
		obj.Typed = typed
		obj.Meta = accessor.GetObjectMeta().(*metav1.ObjectMeta)
		typed.GetObjectKind().SetGroupVersionKind(gv.WithKind(gvk.Kind))
	}
	if obj.Meta.Namespace == "" {
		obj.Meta.Namespace = ns
	}
	return obj, nil
}

// significantPodUpdate reports whether an update of a pod changes what the
// Pod Security Standards judge, by Pod Security Admission's rule: updates
// that keep every container's image and add no container (labels,
// annotations, tolerations, activeDeadlineSeconds) are not judged again,
// so a pod admitted before a namespace's policy tightened can still be
// labelled, finalized and deleted.
func significantPodUpdate(pod, old *corev1.Pod) bool {
	if len(pod.Spec.Containers) != len(old.Spec.Containers) || len(pod.Spec.InitContainers) != len(old.Spec.InitContainers) {
		return true
	}
	for i := range pod.Spec.Containers {
		if pod.Spec.Containers[i].Image != old.Spec.Containers[i].Image {
			return true
		}
	}
	for i := range pod.Spec.InitContainers {
		if pod.Spec.InitContainers[i].Image != old.Spec.InitContainers[i].Image {
			return true
		}
	}
	for i := range pod.Spec.EphemeralContainers {
		c := &pod.Spec.EphemeralContainers[i]
		found := false
		for j := range old.Spec.EphemeralContainers {
			if o := &old.Spec.EphemeralContainers[j]; o.Name == c.Name {
				if o.Image != c.Image {
					return true
				}
				found = true
				break
			}
		}
		if !found {
			return true
		}
	}
	return false
}
