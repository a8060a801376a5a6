package endpoints

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"

	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime/schema"

	"keel.dev/keel/pkg/apiserver/filters"
	"keel.dev/keel/pkg/apiserver/storage"
)

// errNotFound is the answer for a path no resource serves.
func errNotFound() error {
	return &apierrors.StatusError{ErrStatus: metav1.Status{
		Status:  metav1.StatusFailure,
		Message: "the server could not find the requested resource",
		Reason:  metav1.StatusReasonNotFound,
		Details: &metav1.StatusDetails{},
		Code:    http.StatusNotFound,
	}}
}

// errMethodNotAllowed is the answer for a verb the storage does not serve.
func errMethodNotAllowed() error {
	return &apierrors.StatusError{ErrStatus: metav1.Status{
		Status:  metav1.StatusFailure,
		Message: "the server does not allow this method on the requested resource",
		Reason:  metav1.StatusReasonMethodNotAllowed,
		Details: &metav1.StatusDetails{},
		Code:    http.StatusMethodNotAllowed,
	}}
}

// writeError writes err as a JSON Status.
func writeError(w http.ResponseWriter, err error) {
	filters.WriteStatus(w, err)
}

// apiError turns any error of a storage call into an API status error:
// StatusErrors pass, storage errors map to their codes, context ends become
// timeouts, the rest are internal errors.
func (s *scope) apiError(err error, name string) error {
	var st apierrors.APIStatus
	if errors.As(err, &st) {
		return err
	}
	var se *storage.StorageError
	if errors.As(err, &se) {
		return storageStatus(se, s.gr, name)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return apierrors.NewTimeoutError("request did not complete within the allowed duration", 0)
	}
	if errors.Is(err, context.Canceled) {
		return apierrors.NewTimeoutError("the request was cancelled", 0)
	}
	return apierrors.NewInternalError(err)
}

// storageStatus maps a storage error to the Status Kubernetes answers.
func storageStatus(se *storage.StorageError, gr schema.GroupResource, name string) error {
	switch se.Code {
	case storage.ErrCodeKeyNotFound:
		return apierrors.NewNotFound(gr, name)
	case storage.ErrCodeKeyExists:
		return apierrors.NewAlreadyExists(gr, name)
	case storage.ErrCodeResourceVersionConflicts:
		return apierrors.NewConflict(gr, name, errors.New(apierrors.OptimisticLockErrorMsg))
	case storage.ErrCodeExpired:
		msg := se.Detail
		if msg == "" {
			msg = "too old resource version"
		}
		return apierrors.NewResourceExpired(msg)
	case storage.ErrCodeTooLargeResourceVersion:
		msg := se.Detail
		if msg == "" {
			msg = "Too large resource version"
		}
		e := apierrors.NewTimeoutError(msg, 1)
		e.ErrStatus.Details.Causes = []metav1.StatusCause{{Type: metav1.CauseTypeResourceVersionTooLarge, Message: msg}}
		return e
	case storage.ErrCodeInvalidArgument:
		msg := se.Detail
		if msg == "" {
			msg = se.Error()
		}
		return apierrors.NewBadRequest(msg)
	case storage.ErrCodeUnreachable:
		return apierrors.NewServiceUnavailable(se.Error())
	}
	return apierrors.NewInternalError(se)
}

// decodeError words a body decoding failure as Kubernetes does: with the
// kind the data named when it could be read, else with a summary of the data.
func decodeError(want schema.GroupVersionKind, got *schema.GroupVersionKind, err error, body []byte) error {
	if got != nil && got.Kind != "" {
		return apierrors.NewBadRequest(fmt.Sprintf("%s in version %q cannot be handled as a %s: %v", got.Kind, got.Version, want.Kind, err))
	}
	return apierrors.NewBadRequest(fmt.Sprintf("the object provided is unrecognized (must be of type %s): %v (%s)", want.Kind, err, summarize(body, 30)))
}

// summarize shows the start of a body in an error: as text when it looks
// like a JSON object, in hex otherwise.
func summarize(data []byte, max int) string {
	more := ""
	if len(data) > max {
		data, more = data[:max], " ..."
	}
	switch {
	case len(data) == 0:
		return "<empty>"
	case data[0] == '{':
		return string(data) + more
	default:
		return hex.EncodeToString(data) + more
	}
}

// addWarnings sets one Warning header per message, in the HTTP warning
// format Kubernetes uses (code 299, agent "-").
func addWarnings(w http.ResponseWriter, msgs []string) {
	for _, m := range msgs {
		esc := strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(m)
		w.Header().Add("Warning", `299 - "`+esc+`"`)
	}
}
