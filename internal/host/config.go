package host

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apiserverv1 "k8s.io/apiserver/pkg/apis/apiserver/v1"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"
	"sigs.k8s.io/json"

	"github.com/kubestride/kubestride/internal/object"
)

// The configuration kinds the components read, by API group.
const (
	EncryptionGroup = "apiserver.config.k8s.io"
	AuditGroup      = "audit.k8s.io"
	KubeletGroup    = "kubelet.config.k8s.io"
	KubeadmGroup    = "kubeadm.k8s.io"
)

// Kind names what a node object is.
type Kind int

// The kinds of node objects.
const (
	NotNodeObject Kind = iota
	StaticPodKind
	EncryptionConfigKind
	AuditPolicyKind
	KubeletConfigKind
	KubeadmConfigKind
)

// KindOf says which node object obj is: a control-plane static pod, or one
// of the configuration files the components read.
func KindOf(obj *object.Object) Kind {
	group := obj.APIVersion
	if i := indexSlash(group); i >= 0 {
		group = group[:i]
	} else {
		group = ""
	}
	switch {
	case obj.Kind == "Pod" && group == "":
		if _, ok := obj.Typed.(*corev1.Pod); ok && StaticPod(obj) != nil {
			return StaticPodKind
		}
	case obj.Kind == "EncryptionConfiguration" && group == EncryptionGroup:
		return EncryptionConfigKind
	case obj.Kind == "Policy" && group == AuditGroup:
		return AuditPolicyKind
	case obj.Kind == "KubeletConfiguration" && group == KubeletGroup:
		return KubeletConfigKind
	case obj.Kind == "ClusterConfiguration" && group == KubeadmGroup:
		return KubeadmConfigKind
	}
	return NotNodeObject
}

func indexSlash(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == '/' {
			return i
		}
	}
	return -1
}

// IsNodeObject reports whether obj is judged by the node checks.
func IsNodeObject(obj *object.Object) bool { return KindOf(obj) != NotNodeObject }

// decode decodes obj's JSON into v as the component would read it: field
// names match case-sensitively, and fields the type does not have are
// dropped.
func decode(obj *object.Object, v any) error {
	if obj.Raw == nil {
		return fmt.Errorf("%s %s: no content", obj.Kind, obj.Name())
	}
	if err := json.UnmarshalCaseSensitivePreserveInts(obj.Raw, v); err != nil {
		return fmt.Errorf("decode %s: %w", obj.Kind, err)
	}
	return nil
}

// EncryptionConfig decodes an EncryptionConfiguration.
func EncryptionConfig(obj *object.Object) (*apiserverv1.EncryptionConfiguration, error) {
	var v apiserverv1.EncryptionConfiguration
	return &v, decode(obj, &v)
}

// AuditPolicy decodes an audit Policy.
func AuditPolicy(obj *object.Object) (*auditv1.Policy, error) {
	var v auditv1.Policy
	return &v, decode(obj, &v)
}

// KubeletConfig decodes a KubeletConfiguration.
func KubeletConfig(obj *object.Object) (*kubeletv1beta1.KubeletConfiguration, error) {
	var v kubeletv1beta1.KubeletConfiguration
	return &v, decode(obj, &v)
}
