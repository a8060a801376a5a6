package admission

import (
	"context"
	"strings"

	apierrors "keel.dev/apimachinery/pkg/api/errors"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
)

// Operation is the kind of write being admitted.
type Operation string

// The operations plugins see (Kubernetes' names).
const (
	Create Operation = "CREATE"
	Update Operation = "UPDATE"
	Delete Operation = "DELETE"
)

// Attributes describe one write.
type Attributes struct {
	// Operation is what the request does.
	Operation Operation
	// Resource and Kind name what is written.
	Resource schema.GroupResource
	Kind     schema.GroupVersionKind
	// Subresource is set on writes to a subresource ("status", "eviction",
	// "token", ...); Resource is then the parent's, Name the parent
	// object's, and Kind and Object are the subresource's (an Eviction, a
	// TokenRequest, or the parent kind for status).
	Subresource string
	// Namespace and Name identify the object; for a create with
	// generateName, Name is the prefix (the final name is not chosen yet
	// from the client's point of view).
	Namespace, Name string
	// Object is the new state (nil on delete); plugins that mutate change
	// it in place. OldObject is the stored state on update and delete.
	Object, OldObject runtime.Object
	// DryRun requests must have no side effects.
	DryRun bool
}

// Plugin is a named admission step.
type Plugin interface {
	// Handles reports whether the plugin acts on op for resource gr; it is
	// asked once per resource when the chain is installed, not per request.
	Handles(op Operation, gr schema.GroupResource) bool
}

// SubresourceHandler is implemented by plugins that also act on writes to
// subresources. The chain gives the other plugins only writes of the main
// resource, as most of Kubernetes' plugins (LimitRanger, ServiceAccount,
// Priority, DefaultStorageClass, StorageObjectInUseProtection,
// ResourceQuota) ignore subresource requests.
type SubresourceHandler interface {
	// HandlesSubresource reports whether the plugin acts on writes to
	// subresource of the resources it handles.
	HandlesSubresource(subresource string) bool
}

// handles reports whether p acts on the request a.
func handles(p Plugin, a *Attributes) bool {
	if !p.Handles(a.Operation, a.Resource) {
		return false
	}
	if a.Subresource == "" {
		return true
	}
	s, ok := p.(SubresourceHandler)
	return ok && s.HandlesSubresource(a.Subresource)
}

// Mutator is a plugin that may change the object.
type Mutator interface {
	Plugin
	// Admit may change a.Object; an error rejects the request.
	Admit(ctx context.Context, a *Attributes) error
}

// Validator is a plugin that only checks (and may record side effects such
// as quota charges).
type Validator interface {
	Plugin
	// Validate returns an error to reject the request.
	Validate(ctx context.Context, a *Attributes) error
}

// NewForbidden is the 403 a plugin rejects a request with:
// `<resource> "<name>" is forbidden: <err>`.
func NewForbidden(a *Attributes, err error) error {
	name := a.Name
	if name == "" {
		name = "Unknown"
	}
	return apierrors.NewForbidden(a.Resource, name, err)
}

// JoinErrors formats several rejection reasons as Kubernetes aggregates
// do: one reason alone, several as "[a, b]"; nil when there are none.
func JoinErrors(errs []error) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.Error()
	}
	return joined("[" + strings.Join(msgs, ", ") + "]")
}

type joined string

func (j joined) Error() string { return string(j) }
