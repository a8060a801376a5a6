package filters

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

// WriteStatus answers with the Status of err as JSON, with its code as the
// HTTP status. An error that carries no Status becomes a 500 InternalError.
// A Status asking the client to retry later also sets Retry-After.
func WriteStatus(w http.ResponseWriter, err error) {
	var st apierrors.APIStatus
	if !errors.As(err, &st) {
		st = apierrors.NewInternalError(err)
	}
	WriteStatusObject(w, st.Status())
}

// WriteStatusObject writes s as a JSON Status response.
func WriteStatusObject(w http.ResponseWriter, s metav1.Status) {
	s.Kind, s.APIVersion = "Status", "v1"
	code := int(s.Code)
	if code == 0 {
		code = http.StatusInternalServerError
	}
	if s.Details != nil && s.Details.RetryAfterSeconds > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(s.Details.RetryAfterSeconds)))
	}
	body, err := json.Marshal(s)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	_, _ = w.Write(append(body, '\n'))
}

// NotFound answers 404 for a path nothing serves, as Kubernetes words it.
func NotFound(w http.ResponseWriter, _ *http.Request) {
	WriteStatusObject(w, metav1.Status{
		Status:  metav1.StatusFailure,
		Message: "the server could not find the requested resource",
		Reason:  metav1.StatusReasonNotFound,
		Details: &metav1.StatusDetails{},
		Code:    http.StatusNotFound,
	})
}

// MethodNotAllowed answers 405 for a method a path does not serve.
func MethodNotAllowed(w http.ResponseWriter, _ *http.Request) {
	WriteStatusObject(w, metav1.Status{
		Status:  metav1.StatusFailure,
		Message: "the server does not allow this method on the requested resource",
		Reason:  metav1.StatusReasonMethodNotAllowed,
		Details: &metav1.StatusDetails{},
		Code:    http.StatusMethodNotAllowed,
	})
}
