package worker

import (
	"context"
	"errors"
	"fmt"
	"testing"

	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/client/workqueue"
)

// terminatingErr is the apiserver's answer to a create in a namespace
// being deleted.
func terminatingErr() error {
	e := apierrors.NewForbidden(schema.GroupResource{Resource: "pods"}, "",
		errors.New("unable to create new content in namespace demo because it is being terminated"))
	e.ErrStatus.Details.Causes = append(e.ErrStatus.Details.Causes,
		metav1.StatusCause{Type: corev1.NamespaceTerminatingCause, Message: "namespace demo is being terminated", Field: "metadata.namespace"})
	return e
}

func TestNamespaceTerminating(t *testing.T) {
	forbidden := apierrors.NewForbidden(schema.GroupResource{Resource: "pods"}, "p", errors.New("denied by policy"))
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"the apiserver's refusal", terminatingErr(), true},
		{"wrapped", fmt.Errorf("create pod: %w", terminatingErr()), true},
		{"joined refusals", errors.Join(terminatingErr(), fmt.Errorf("create pod: %w", terminatingErr())), true},
		{"wrapped join", fmt.Errorf("sync: %w", errors.Join(terminatingErr(), nil, terminatingErr())), true},
		{"joined with another failure", errors.Join(terminatingErr(), errors.New("conflict")), false},
		{"forbidden for another reason", forbidden, false},
		{"plain error", errors.New("NamespaceTerminating"), false},
		{"not found", apierrors.NewNotFound(schema.GroupResource{Resource: "namespaces"}, "demo"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NamespaceTerminating(tt.err); got != tt.want {
				t.Errorf("NamespaceTerminating(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}

func TestProcessNextDropsKeysRefusedByATerminatingNamespace(t *testing.T) {
	tests := []struct {
		name     string
		err      error
		requeues int
	}{
		{"refused by a terminating namespace", fmt.Errorf("create pod: %w", terminatingErr()), 0},
		{"other failure", errors.New("transient"), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := workqueue.New[string]()
			defer q.ShutDown()
			q.Add("demo/web")
			ProcessNext(context.Background(), "test", q, func(context.Context, string) error { return tt.err })
			if got := q.NumRequeues("demo/web"); got != tt.requeues {
				t.Errorf("requeues = %d, want %d", got, tt.requeues)
			}
		})
	}
}
