package storage

import (
	"fmt"
	"strconv"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
)

// Accessor returns the metadata accessor of obj, which every stored kind has
// through its embedded ObjectMeta.
func Accessor(obj runtime.Object) (metav1.Object, error) {
	if m, ok := obj.(metav1.Object); ok {
		return m, nil
	}
	if m, ok := obj.(metav1.ObjectMetaAccessor); ok {
		return m.GetObjectMeta(), nil
	}
	return nil, fmt.Errorf("%T has no object metadata", obj)
}

// ParseResourceVersion parses a resourceVersion; "" is 0.
func ParseResourceVersion(rv string) (uint64, error) {
	if rv == "" {
		return 0, nil
	}
	v, err := strconv.ParseUint(rv, 10, 64)
	if err != nil {
		return 0, &StorageError{Code: ErrCodeInvalidArgument,
			Detail: fmt.Sprintf("invalid resourceVersion %q", rv)}
	}
	return v, nil
}

// FormatResourceVersion writes a revision as a resourceVersion.
func FormatResourceVersion(rev uint64) string {
	if rev == 0 {
		return ""
	}
	return strconv.FormatUint(rev, 10)
}

// ObjectResourceVersion returns the parsed resourceVersion of obj.
func ObjectResourceVersion(obj runtime.Object) (uint64, error) {
	m, err := Accessor(obj)
	if err != nil {
		return 0, err
	}
	return ParseResourceVersion(m.GetResourceVersion())
}

// SetResourceVersion writes rev into obj's metadata.
func SetResourceVersion(obj runtime.Object, rev uint64) error {
	m, err := Accessor(obj)
	if err != nil {
		return err
	}
	m.SetResourceVersion(FormatResourceVersion(rev))
	return nil
}

// CheckPreconditions returns ErrResourceVersionConflicts when obj does not
// satisfy p; a nil p always holds.
func CheckPreconditions(key string, p *Preconditions, obj runtime.Object) error {
	if p == nil {
		return nil
	}
	m, err := Accessor(obj)
	if err != nil {
		return err
	}
	if p.UID != nil && *p.UID != m.GetUID() {
		return &StorageError{Code: ErrCodeResourceVersionConflicts, Key: key,
			Detail: fmt.Sprintf("Precondition failed: UID in precondition: %v, UID in object meta: %v", *p.UID, m.GetUID())}
	}
	if p.ResourceVersion != nil && *p.ResourceVersion != m.GetResourceVersion() {
		return &StorageError{Code: ErrCodeResourceVersionConflicts, Key: key,
			Detail: fmt.Sprintf("Precondition failed: ResourceVersion in precondition: %v, ResourceVersion in object meta: %v", *p.ResourceVersion, m.GetResourceVersion())}
	}
	return nil
}

// NewBookmark returns an empty object from newFunc carrying only rev, and
// the initial-events-end annotation when initialEnd is set.
func NewBookmark(newFunc func() runtime.Object, rev uint64, initialEnd bool) runtime.Object {
	obj := newFunc()
	if m, err := Accessor(obj); err == nil {
		m.SetResourceVersion(FormatResourceVersion(rev))
		if initialEnd {
			m.SetAnnotations(map[string]string{metav1.InitialEventsAnnotationKey: "true"})
		}
	}
	return obj
}
