package storage

import (
	"errors"
	"fmt"

	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/watch"
)

// ErrorCode classifies a StorageError; the apiserver maps each to an HTTP
// status.
type ErrorCode int

// The storage error codes and the status the apiserver gives them.
const (
	ErrCodeKeyNotFound              ErrorCode = iota + 1 // 404 NotFound
	ErrCodeKeyExists                                     // 409 AlreadyExists
	ErrCodeResourceVersionConflicts                      // 409 Conflict
	ErrCodeInvalidObj                                    // 500 InternalError (undecodable data)
	ErrCodeUnreachable                                   // 503 ServiceUnavailable
	ErrCodeTooLargeResourceVersion                       // 504 Timeout, cause ResourceVersionTooLarge
	ErrCodeExpired                                       // 410 Gone, reason Expired
	ErrCodeInvalidArgument                               // 400 BadRequest (bad resourceVersion, continue)
)

var codeNames = map[ErrorCode]string{
	ErrCodeKeyNotFound:              "key not found",
	ErrCodeKeyExists:                "key exists",
	ErrCodeResourceVersionConflicts: "resource version conflicts",
	ErrCodeInvalidObj:               "invalid object",
	ErrCodeUnreachable:              "server unreachable",
	ErrCodeTooLargeResourceVersion:  "resource version too large",
	ErrCodeExpired:                  "resource version expired",
	ErrCodeInvalidArgument:          "invalid argument",
}

// StorageError is the error every storage call returns for a condition the
// caller may handle. Match it with errors.Is against the Err* sentinels
// (which compare by Code) or with the Is* helpers.
type StorageError struct {
	Code ErrorCode
	// Key is the key the call was about, when known.
	Key string
	// ResourceVersion is the revision involved (the current one for
	// ErrCodeTooLargeResourceVersion, the compacted one for ErrCodeExpired).
	ResourceVersion int64
	// Detail adds a human-readable explanation.
	Detail string
	// Err is the underlying cause, if any.
	Err error
}

// The sentinels, for errors.Is.
var (
	ErrKeyNotFound              = &StorageError{Code: ErrCodeKeyNotFound}
	ErrKeyExists                = &StorageError{Code: ErrCodeKeyExists}
	ErrResourceVersionConflicts = &StorageError{Code: ErrCodeResourceVersionConflicts}
	ErrInvalidObj               = &StorageError{Code: ErrCodeInvalidObj}
	ErrUnreachable              = &StorageError{Code: ErrCodeUnreachable}
	ErrTooLargeResourceVersion  = &StorageError{Code: ErrCodeTooLargeResourceVersion}
	ErrExpired                  = &StorageError{Code: ErrCodeExpired}
	ErrInvalidArgument          = &StorageError{Code: ErrCodeInvalidArgument}
)

// NewError returns a StorageError with the given code, key and detail.
func NewError(code ErrorCode, key string, rv int64, detail string) *StorageError {
	return &StorageError{Code: code, Key: key, ResourceVersion: rv, Detail: detail}
}

func (e *StorageError) Error() string {
	msg := codeNames[e.Code]
	if msg == "" {
		msg = fmt.Sprintf("storage error %d", e.Code)
	}
	if e.Key != "" {
		msg += fmt.Sprintf(", key %q", e.Key)
	}
	if e.ResourceVersion != 0 {
		msg += fmt.Sprintf(", resourceVersion %d", e.ResourceVersion)
	}
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Is matches any StorageError of the same code.
func (e *StorageError) Is(target error) bool {
	t, ok := target.(*StorageError)
	return ok && t.Code == e.Code
}

// Unwrap returns the cause.
func (e *StorageError) Unwrap() error { return e.Err }

// GetObjectKind lets a StorageError travel as the object of a watch.Error
// event; the apiserver turns it into a metav1.Status.
func (e *StorageError) GetObjectKind() schema.ObjectKind { return schema.EmptyObjectKind }

// DeepCopyObject implements runtime.Object.
func (e *StorageError) DeepCopyObject() runtime.Object {
	c := *e
	return &c
}

// ErrorEvent wraps err in a watch.Error event.
func ErrorEvent(err error) watch.Event {
	var se *StorageError
	if !errors.As(err, &se) {
		se = &StorageError{Code: ErrCodeUnreachable, Err: err}
	}
	return watch.Event{Type: watch.Error, Object: se}
}

// EventError returns the error carried by a watch.Error event from storage.
func EventError(ev watch.Event) error {
	if err, ok := ev.Object.(error); ok {
		return err
	}
	return fmt.Errorf("watch error event with object %T", ev.Object)
}

func isCode(err error, code ErrorCode) bool {
	var se *StorageError
	return errors.As(err, &se) && se.Code == code
}

// IsNotFound reports an ErrCodeKeyNotFound error.
func IsNotFound(err error) bool { return isCode(err, ErrCodeKeyNotFound) }

// IsExists reports an ErrCodeKeyExists error.
func IsExists(err error) bool { return isCode(err, ErrCodeKeyExists) }

// IsConflict reports an ErrCodeResourceVersionConflicts error.
func IsConflict(err error) bool { return isCode(err, ErrCodeResourceVersionConflicts) }

// IsExpired reports an ErrCodeExpired error (410 Gone).
func IsExpired(err error) bool { return isCode(err, ErrCodeExpired) }

// IsTooLargeResourceVersion reports an ErrCodeTooLargeResourceVersion error.
func IsTooLargeResourceVersion(err error) bool {
	return isCode(err, ErrCodeTooLargeResourceVersion)
}

// IsInvalidArgument reports an ErrCodeInvalidArgument error.
func IsInvalidArgument(err error) bool { return isCode(err, ErrCodeInvalidArgument) }
