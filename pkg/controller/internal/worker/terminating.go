package worker

import (
	"errors"

	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
)

// NamespaceTerminating reports whether err is nothing but the apiserver's
// refusal to create objects in a namespace being deleted (403 Forbidden
// with a NamespaceTerminating cause), possibly wrapped or joined several
// times. Such a write will never succeed, so a controller drops the key
// instead of retrying it: the namespace controller removes what is there.
func NamespaceTerminating(err error) bool {
	switch e := err.(type) {
	case nil:
		return false
	case *apierrors.StatusError:
		return hasTerminatingCause(e)
	case interface{ Unwrap() []error }:
		seen := false
		for _, inner := range e.Unwrap() {
			if inner == nil {
				continue
			}
			if !NamespaceTerminating(inner) {
				return false
			}
			seen = true
		}
		return seen
	}
	return NamespaceTerminating(errors.Unwrap(err))
}

func hasTerminatingCause(se *apierrors.StatusError) bool {
	if !apierrors.IsForbidden(se) || se.ErrStatus.Details == nil {
		return false
	}
	for _, c := range se.ErrStatus.Details.Causes {
		if c.Type == corev1.NamespaceTerminatingCause {
			return true
		}
	}
	return false
}
