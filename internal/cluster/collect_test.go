package cluster

import (
	"context"
	"errors"
	"fmt"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// TestReason classifies the errors a list can end with; the end-to-end tests
// produce the forbidden and timeout cases from a real API server.
func TestReason(t *testing.T) {
	gr := schema.GroupResource{Resource: "secrets"}
	tests := []struct {
		err  error
		want string
	}{
		{apierrors.NewForbidden(gr, "", errors.New("no")), "forbidden"},
		{apierrors.NewUnauthorized("who are you"), "forbidden"},
		{apierrors.NewTimeoutError("slow", 1), "timeout"},
		{fmt.Errorf("list: %w", context.DeadlineExceeded), "timeout"},
		{errors.New(`Get "https://x/api/v1/secrets": net/http: request canceled (Client.Timeout exceeded while awaiting headers)`), "timeout"},
		{apierrors.NewServiceUnavailable("etcd is down"), "unavailable"},
		{apierrors.NewNotFound(gr, ""), "unavailable"},
		{apierrors.NewTooManyRequests("slow down", 1), "unavailable"},
		{errors.New("connection refused"), "error"},
	}
	for _, tc := range tests {
		if got := reason(tc.err); got != tc.want {
			t.Errorf("reason(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
	if got := message(apierrors.NewForbidden(gr, "", errors.New("no"))); got != `secrets is forbidden: no` {
		t.Errorf("message = %q", got)
	}
}

func TestPhases(t *testing.T) {
	for _, r := range resources {
		want := 0
		switch r.Name {
		case "replicasets.apps", "jobs.batch":
			want = 1
		case "pods":
			want = 2
		}
		if got := phase(r); got != want {
			t.Errorf("phase(%s) = %d, want %d: controllers must be listed before what they own", r.Name, got, want)
		}
	}
}
