package errors

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/util/validation/field"
)

// StatusError is an error carrying the Status the apiserver answers with.
type StatusError struct {
	ErrStatus metav1.Status
}

// APIStatus is implemented by errors that carry a Status.
type APIStatus interface {
	Status() metav1.Status
}

var _ APIStatus = (*StatusError)(nil)

func (e *StatusError) Error() string { return e.ErrStatus.Message }

// Status returns the Status, with kind and apiVersion set.
func (e *StatusError) Status() metav1.Status {
	s := e.ErrStatus
	s.Kind, s.APIVersion = "Status", "v1"
	return s
}

// FromObject returns a StatusError for a Status answer, nil for success.
func FromObject(s *metav1.Status) error {
	if s == nil || s.Status == metav1.StatusSuccess {
		return nil
	}
	return &StatusError{ErrStatus: *s}
}

func newStatus(code int32, reason metav1.StatusReason, msg string, details *metav1.StatusDetails) *StatusError {
	return &StatusError{ErrStatus: metav1.Status{
		Status:  metav1.StatusFailure,
		Code:    code,
		Reason:  reason,
		Message: msg,
		Details: details,
	}}
}

// NewNotFound: `pods "x" not found` (404).
func NewNotFound(gr schema.GroupResource, name string) *StatusError {
	return newStatus(http.StatusNotFound, metav1.StatusReasonNotFound,
		fmt.Sprintf("%s %q not found", gr.String(), name),
		&metav1.StatusDetails{Group: gr.Group, Kind: gr.Resource, Name: name})
}

// NewAlreadyExists: `pods "x" already exists` (409).
func NewAlreadyExists(gr schema.GroupResource, name string) *StatusError {
	return newStatus(http.StatusConflict, metav1.StatusReasonAlreadyExists,
		fmt.Sprintf("%s %q already exists", gr.String(), name),
		&metav1.StatusDetails{Group: gr.Group, Kind: gr.Resource, Name: name})
}

// NewConflict: `Operation cannot be fulfilled on pods "x": <err>` (409).
func NewConflict(gr schema.GroupResource, name string, err error) *StatusError {
	return newStatus(http.StatusConflict, metav1.StatusReasonConflict,
		fmt.Sprintf("Operation cannot be fulfilled on %s %q: %v", gr.String(), name, err),
		&metav1.StatusDetails{Group: gr.Group, Kind: gr.Resource, Name: name})
}

// OptimisticLockErrorMsg is the detail of a stale-resourceVersion conflict.
const OptimisticLockErrorMsg = "the object has been modified; please apply your changes to the latest version and try again"

// NewInvalid: `Deployment.apps "x" is invalid: [causes]` (422), one cause per field error.
func NewInvalid(gk schema.GroupKind, name string, errs field.ErrorList) *StatusError {
	causes := make([]metav1.StatusCause, 0, len(errs))
	for _, e := range errs {
		causes = append(causes, metav1.StatusCause{
			Type:    metav1.CauseType(e.Type),
			Message: e.ErrorBody(),
			Field:   e.Field,
		})
	}
	msg := fmt.Sprintf("%s %q is invalid", gk.String(), name)
	if agg := errs.ToAggregate(); agg != nil {
		msg += ": " + agg.Error()
	}
	return newStatus(http.StatusUnprocessableEntity, metav1.StatusReasonInvalid, msg,
		&metav1.StatusDetails{Group: gk.Group, Kind: gk.Kind, Name: name, Causes: causes})
}

// NewBadRequest answers 400 with the message.
func NewBadRequest(msg string) *StatusError {
	return newStatus(http.StatusBadRequest, metav1.StatusReasonBadRequest, msg, nil)
}

// NewUnauthorized answers 401.
func NewUnauthorized(msg string) *StatusError {
	if msg == "" {
		msg = "Unauthorized"
	}
	return newStatus(http.StatusUnauthorized, metav1.StatusReasonUnauthorized, msg, nil)
}

// NewForbidden: `pods "x" is forbidden: <err>` (403).
func NewForbidden(gr schema.GroupResource, name string, err error) *StatusError {
	var msg string
	if name == "" {
		msg = fmt.Sprintf("%s is forbidden: %v", gr.String(), err)
	} else {
		msg = fmt.Sprintf("%s %q is forbidden: %v", gr.String(), name, err)
	}
	return newStatus(http.StatusForbidden, metav1.StatusReasonForbidden, msg,
		&metav1.StatusDetails{Group: gr.Group, Kind: gr.Resource, Name: name})
}

// NewMethodNotSupported answers 405.
func NewMethodNotSupported(gr schema.GroupResource, action string) *StatusError {
	return newStatus(http.StatusMethodNotAllowed, metav1.StatusReasonMethodNotAllowed,
		fmt.Sprintf("%s is not supported on resources of kind %q", action, gr.String()),
		&metav1.StatusDetails{Group: gr.Group, Kind: gr.Resource})
}

// NewGone answers 410 with reason Gone.
func NewGone(msg string) *StatusError {
	return newStatus(http.StatusGone, metav1.StatusReasonGone, msg, nil)
}

// NewResourceExpired answers 410 with reason Expired (too old resourceVersion).
func NewResourceExpired(msg string) *StatusError {
	return newStatus(http.StatusGone, metav1.StatusReasonExpired, msg, nil)
}

// NewTooManyRequests answers 429 with a retry hint.
func NewTooManyRequests(msg string, retryAfterSeconds int) *StatusError {
	return newStatus(http.StatusTooManyRequests, metav1.StatusReasonTooManyRequests, msg,
		&metav1.StatusDetails{RetryAfterSeconds: int32(retryAfterSeconds)})
}

// NewRequestEntityTooLarge answers 413.
func NewRequestEntityTooLarge(msg string) *StatusError {
	return newStatus(http.StatusRequestEntityTooLarge, metav1.StatusReasonRequestEntityTooLarge,
		"Request entity too large: "+msg, nil)
}

// NewUnsupportedMediaType answers 415 as Kubernetes words it.
func NewUnsupportedMediaType(contentType string) *StatusError {
	return newStatus(http.StatusUnsupportedMediaType, metav1.StatusReasonUnsupportedMediaType,
		"415: Unsupported Media Type", &metav1.StatusDetails{})
}

// NewNotAcceptable answers 406.
func NewNotAcceptable(msg string) *StatusError {
	return newStatus(http.StatusNotAcceptable, metav1.StatusReasonNotAcceptable, msg, nil)
}

// NewServiceUnavailable answers 503.
func NewServiceUnavailable(msg string) *StatusError {
	return newStatus(http.StatusServiceUnavailable, metav1.StatusReasonServiceUnavailable, msg, nil)
}

// NewTimeoutError answers 504 with reason Timeout.
func NewTimeoutError(msg string, retryAfterSeconds int) *StatusError {
	return newStatus(http.StatusGatewayTimeout, metav1.StatusReasonTimeout,
		"Timeout: "+msg, &metav1.StatusDetails{RetryAfterSeconds: int32(retryAfterSeconds)})
}

// NewInternalError answers 500.
func NewInternalError(err error) *StatusError {
	return newStatus(http.StatusInternalServerError, metav1.StatusReasonInternalError,
		fmt.Sprintf("Internal error occurred: %v", err),
		&metav1.StatusDetails{Causes: []metav1.StatusCause{{Message: err.Error()}}})
}

// NewGenericServerResponse builds an error for an unexpected HTTP answer that
// carried no Status.
func NewGenericServerResponse(code int, verb string, gr schema.GroupResource, name, body string) *StatusError {
	reason := reasonForCode(int32(code))
	msg := fmt.Sprintf("the server responded with the status code %d but did not return more information", code)
	if body != "" {
		msg = strings.TrimSpace(body)
	}
	if gr.Resource != "" {
		msg = fmt.Sprintf("%s (%s %s%s)", msg, strings.ToLower(verb), gr.String(), nameSuffix(name))
	}
	return newStatus(int32(code), reason, msg, &metav1.StatusDetails{Group: gr.Group, Kind: gr.Resource, Name: name,
		Causes: []metav1.StatusCause{{Type: metav1.CauseTypeUnexpectedServerResponse, Message: body}}})
}

func nameSuffix(name string) string {
	if name == "" {
		return ""
	}
	return " " + name
}

func reasonForCode(code int32) metav1.StatusReason {
	switch code {
	case http.StatusBadRequest:
		return metav1.StatusReasonBadRequest
	case http.StatusUnauthorized:
		return metav1.StatusReasonUnauthorized
	case http.StatusForbidden:
		return metav1.StatusReasonForbidden
	case http.StatusNotFound:
		return metav1.StatusReasonNotFound
	case http.StatusMethodNotAllowed:
		return metav1.StatusReasonMethodNotAllowed
	case http.StatusConflict:
		return metav1.StatusReasonConflict
	case http.StatusGone:
		return metav1.StatusReasonGone
	case http.StatusUnprocessableEntity:
		return metav1.StatusReasonInvalid
	case http.StatusTooManyRequests:
		return metav1.StatusReasonTooManyRequests
	case http.StatusGatewayTimeout:
		return metav1.StatusReasonTimeout
	case http.StatusServiceUnavailable:
		return metav1.StatusReasonServiceUnavailable
	}
	if code >= 500 {
		return metav1.StatusReasonInternalError
	}
	return metav1.StatusReasonUnknown
}

// ReasonForError returns the reason of an error carrying a Status, or Unknown.
func ReasonForError(err error) metav1.StatusReason {
	var s APIStatus
	if errors.As(err, &s) {
		return s.Status().Reason
	}
	return metav1.StatusReasonUnknown
}

func codeForError(err error) int32 {
	var s APIStatus
	if errors.As(err, &s) {
		return s.Status().Code
	}
	return 0
}

// IsNotFound reports a NotFound error.
func IsNotFound(err error) bool { return ReasonForError(err) == metav1.StatusReasonNotFound }

// IsAlreadyExists reports an AlreadyExists error.
func IsAlreadyExists(err error) bool {
	return ReasonForError(err) == metav1.StatusReasonAlreadyExists
}

// IsConflict reports a Conflict error.
func IsConflict(err error) bool { return ReasonForError(err) == metav1.StatusReasonConflict }

// IsInvalid reports an Invalid (422) error.
func IsInvalid(err error) bool { return ReasonForError(err) == metav1.StatusReasonInvalid }

// IsBadRequest reports a BadRequest error.
func IsBadRequest(err error) bool { return ReasonForError(err) == metav1.StatusReasonBadRequest }

// IsForbidden reports a Forbidden error.
func IsForbidden(err error) bool { return ReasonForError(err) == metav1.StatusReasonForbidden }

// IsUnauthorized reports an Unauthorized error.
func IsUnauthorized(err error) bool {
	return ReasonForError(err) == metav1.StatusReasonUnauthorized
}

// IsGone reports a Gone error.
func IsGone(err error) bool { return ReasonForError(err) == metav1.StatusReasonGone }

// IsResourceExpired reports an Expired (too old resourceVersion) error.
func IsResourceExpired(err error) bool { return ReasonForError(err) == metav1.StatusReasonExpired }

// IsTooManyRequests reports a 429.
func IsTooManyRequests(err error) bool {
	return ReasonForError(err) == metav1.StatusReasonTooManyRequests || codeForError(err) == http.StatusTooManyRequests
}

// IsTimeout reports a Timeout error.
func IsTimeout(err error) bool { return ReasonForError(err) == metav1.StatusReasonTimeout }

// IsServiceUnavailable reports a 503.
func IsServiceUnavailable(err error) bool {
	return ReasonForError(err) == metav1.StatusReasonServiceUnavailable
}

// IsMethodNotSupported reports a 405.
func IsMethodNotSupported(err error) bool {
	return ReasonForError(err) == metav1.StatusReasonMethodNotAllowed
}

// IsInternalError reports a 500.
func IsInternalError(err error) bool {
	return ReasonForError(err) == metav1.StatusReasonInternalError
}

// SuggestsClientDelay returns the retry hint of an error, if it has one.
func SuggestsClientDelay(err error) (int, bool) {
	var s APIStatus
	if errors.As(err, &s) {
		st := s.Status()
		if st.Details != nil && st.Details.RetryAfterSeconds > 0 {
			return int(st.Details.RetryAfterSeconds), true
		}
	}
	return 0, false
}
