package endpoints

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"sigs.k8s.io/yaml"

	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"

	"keel.dev/keel/pkg/apiserver/fieldmanager"
	"keel.dev/keel/pkg/apiserver/registry/rest"
)

// maxApplyCreateRetries bounds the update/create alternation of an apply
// racing with another writer over the object's existence.
const maxApplyCreateRetries = 3

// apply serves server-side apply (application/apply-patch+yaml): the body,
// YAML or JSON, is merged into the live object by the field manager, which
// records ownership and refuses fields other managers own (409 with one
// FieldManagerConflict cause per field) unless force is set. A missing
// object is created (201).
func (s *scope) apply(w http.ResponseWriter, r *http.Request, updater rest.Updater, out output, wo writeOptions,
	opts *metav1.UpdateOptions, force bool, body []byte) {
	js, err := yaml.YAMLToJSON(body)
	if err != nil {
		writeError(w, apierrors.NewBadRequest(fmt.Sprintf("error decoding YAML: %v", err)))
		return
	}
	if _, err := s.appliedConfig(js); err != nil {
		writeError(w, err)
		return
	}
	// Unknown fields of the configuration, as fieldValidation asks.
	_, warnings, err := s.decodePatched(js, wo.validation)
	if err != nil {
		writeError(w, err)
		return
	}
	mgr := s.h.manager(s.kind, s.storage.New())
	sub := s.subresourceName()

	// build merges the configuration into live (nil: nothing yet).
	build := func(live runtime.Object) (runtime.Object, error) {
		applied, err := s.appliedConfig(js)
		if err != nil {
			return nil, err
		}
		var liveMap map[string]any
		var entries []metav1.ManagedFieldsEntry
		if live != nil {
			if liveMap, err = toMap(live); err != nil {
				return nil, apierrors.NewInternalError(err)
			}
			if m, ok := objectMeta(live); ok {
				entries = m.GetManagedFields()
			}
		}
		merged, newEntries, err := mgr.Apply(liveMap, applied, entries, wo.explicitManager, sub, force)
		if err != nil {
			var ce *fieldmanager.ConflictError
			if errors.As(err, &ce) {
				return nil, applyConflict(ce)
			}
			return nil, apierrors.NewInternalError(err)
		}
		data, err := json.Marshal(merged)
		if err != nil {
			return nil, apierrors.NewInternalError(err)
		}
		obj, _, err := s.decodePatched(data, validationIgnore)
		if err != nil {
			return nil, err
		}
		if m, ok := objectMeta(obj); ok {
			m.SetManagedFields(newEntries)
		}
		if err := s.checkNamespace(obj); err != nil {
			return nil, err
		}
		if s.ownKind() {
			s.h.cfg.Scheme.Default(obj)
		}
		return obj, nil
	}
	info := rest.UpdateFunc(func(_ context.Context, old runtime.Object) (runtime.Object, error) {
		return build(old)
	})
	creater, canCreate := s.storage.(rest.Creater)
	ctx := r.Context()
	for attempt := 0; ; attempt++ {
		res, created, err := updater.Update(ctx, s.info.Name, info, opts)
		if apierrors.IsNotFound(err) && canCreate && s.sub == nil && attempt < maxApplyCreateRetries {
			obj, berr := build(nil)
			if berr != nil {
				writeError(w, s.apiError(berr, s.info.Name))
				return
			}
			res, err = creater.Create(ctx, obj, &metav1.CreateOptions{DryRun: opts.DryRun, FieldManager: opts.FieldManager, FieldValidation: opts.FieldValidation})
			if apierrors.IsAlreadyExists(err) {
				continue // created meanwhile: apply to it
			}
			created = err == nil
		}
		if err != nil {
			writeError(w, s.apiError(err, s.info.Name))
			return
		}
		addWarnings(w, warnings)
		code := http.StatusOK
		if created {
			code = http.StatusCreated
		}
		s.writeObject(ctx, w, code, out, res)
		return
	}
}

// appliedConfig parses an apply body, checks its apiVersion, kind, name and
// namespace against the request and fills the ones it leaves out.
func (s *scope) appliedConfig(js []byte) (map[string]any, error) {
	applied, err := jsonMap(js)
	if err != nil || applied == nil {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("error decoding apply configuration: the body must be an object (%v)", err))
	}
	apiVersion, _ := applied["apiVersion"].(string)
	kind, _ := applied["kind"].(string)
	want := s.kind
	if apiVersion == "" {
		applied["apiVersion"] = want.GroupVersion().String()
	} else if gv, err := schema.ParseGroupVersion(apiVersion); err != nil || gv != want.GroupVersion() {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("the API version in the data (%s) does not match the expected API version (%s)", apiVersion, want.GroupVersion().String()))
	}
	if kind == "" {
		applied["kind"] = want.Kind
	} else if kind != want.Kind {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("%s in version %q cannot be handled as a %s: the kind in the data (%s) does not match the expected kind (%s)",
			kind, want.Version, want.Kind, kind, want.Kind))
	}
	meta, _ := applied["metadata"].(map[string]any)
	if meta == nil {
		meta = map[string]any{}
		applied["metadata"] = meta
	}
	switch name, _ := meta["name"].(string); name {
	case s.info.Name:
	case "":
		meta["name"] = s.info.Name
	default:
		return nil, apierrors.NewBadRequest(fmt.Sprintf("the name of the object (%s) does not match the name on the URL (%s)", name, s.info.Name))
	}
	switch ns, _ := meta["namespace"].(string); {
	case ns == s.namespace:
	case !s.res.Namespaced:
		delete(meta, "namespace")
	case ns == "":
		meta["namespace"] = s.namespace
	default:
		return nil, apierrors.NewBadRequest("the namespace of the provided object does not match the namespace sent on the request")
	}
	return applied, nil
}

// applyConflict is the 409 of an apply that hit other managers' fields.
func applyConflict(ce *fieldmanager.ConflictError) error {
	causes := make([]metav1.StatusCause, 0, len(ce.Conflicts))
	for _, c := range ce.Conflicts {
		causes = append(causes, metav1.StatusCause{
			Type:    metav1.CauseTypeFieldManagerConflict,
			Message: fmt.Sprintf("conflict with %q using %s", c.Manager, c.APIVersion),
			Field:   fieldmanager.PathString(c.Path),
		})
	}
	return &apierrors.StatusError{ErrStatus: metav1.Status{
		Status:  metav1.StatusFailure,
		Code:    http.StatusConflict,
		Reason:  metav1.StatusReasonConflict,
		Message: ce.Error(),
		Details: &metav1.StatusDetails{Causes: causes},
	}}
}
