package cmd

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	apierrors "keel.dev/apimachinery/pkg/api/errors"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/client/rest"

	"keel.dev/keel/pkg/ctl/resource"
)

// resolved is a manifest with its resource and target namespace.
type resolved struct {
	manifest
	info resource.Info
	ns   string
	name string
}

// resolveManifests maps manifests to resources and namespaces, refusing a
// namespace in the object that contradicts an explicit -n.
func (f *Factory) resolveManifests(ctx context.Context, ms []manifest) ([]resolved, error) {
	m, err := f.Mapper()
	if err != nil {
		return nil, err
	}
	ns, explicit := f.DefaultNamespace()
	var out []resolved
	for _, mf := range ms {
		apiVersion, _ := mf.obj["apiVersion"].(string)
		kind, _ := mf.obj["kind"].(string)
		info, err := m.ForKind(ctx, apiVersion, kind)
		if err != nil {
			return nil, err
		}
		md, _ := mf.obj["metadata"].(map[string]any)
		if md == nil {
			md = map[string]any{}
			mf.obj["metadata"] = md
		}
		objNS, _ := md["namespace"].(string)
		target := ""
		if info.Namespaced {
			target = ns
			if objNS != "" {
				if explicit && objNS != ns {
					return nil, fmt.Errorf("the namespace from the provided object %q does not match the namespace %q. You must pass '--namespace=%s' to perform this operation.", objNS, ns, objNS)
				}
				target = objNS
			}
		}
		name, _ := md["name"].(string)
		out = append(out, resolved{manifest: mf, info: info, ns: target, name: name})
	}
	return out, nil
}

// withSource prefixes a server error's message with the operation and file,
// as kubectl does ("error when creating \"x.yaml\": …").
func withSource(err error, verb, source string) error {
	var se *apierrors.StatusError
	if errors.As(err, &se) {
		st := se.ErrStatus
		st.Message = fmt.Sprintf("error when %s %q: %s", verb, source, st.Message)
		return &apierrors.StatusError{ErrStatus: st}
	}
	return fmt.Errorf("error when %s %q: %w", verb, source, err)
}

// goTypeFor returns the Go type of a kind the client knows, or nil.
func goTypeFor(info resource.Info) reflect.Type {
	obj, err := rest.DefaultScheme().New(schema.GroupVersionKind{Group: info.Group, Version: info.Version, Kind: info.Kind})
	if err != nil {
		return nil
	}
	t := reflect.TypeOf(obj)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}
