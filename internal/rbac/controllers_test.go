package rbac

import (
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"

	"github.com/kubestride/kubestride/internal/golden"
)

// TestControllerPolicyJSON: controllers.json, which the scan decodes, is
// controllers.yaml in JSON (rewritten with -update), and decodes to the
// same policy.
func TestControllerPolicyJSON(t *testing.T) {
	text, err := os.ReadFile("controllers.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var want ControllerPolicy
	if err := yaml.UnmarshalStrict(text, &want); err != nil {
		t.Fatal(err)
	}
	compact, err := yaml.YAMLToJSON(text)
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "controllers.json", append(compact, '\n'))

	got, err := decodeControllerPolicy(controllersJSON)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&want, got); diff != "" {
		t.Errorf("controllers.json decodes to another policy than controllers.yaml (-yaml +json):\n%s", diff)
	}
	if len(got.ClusterRoleBindings) == 0 || len(got.RoleBindings) == 0 {
		t.Errorf("the embedded policy has %d ClusterRoleBindings and %d RoleBindings", len(got.ClusterRoleBindings), len(got.RoleBindings))
	}
}

// TestControllerPolicyStrict: a field the policy does not know is an error.
func TestControllerPolicyStrict(t *testing.T) {
	if _, err := decodeControllerPolicy([]byte(`{"clusterRoles": [], "roleBinding": []}`)); err == nil {
		t.Error("an unknown field decoded without error")
	}
}
