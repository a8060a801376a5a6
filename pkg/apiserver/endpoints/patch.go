package endpoints

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/apimachinery/pkg/util/jsonpatch"
	"keel.dev/apimachinery/pkg/util/mergepatch"
	"keel.dev/apimachinery/pkg/util/strategicpatch"
	"keel.dev/apimachinery/pkg/util/validation/field"

	"keel.dev/keel/pkg/apiserver/registry/rest"
	"keel.dev/keel/pkg/apiserver/request"
)

// maxPatchConflictRetries bounds the retries of a patch that lost a race.
const maxPatchConflictRetries = 5

// patch serves PATCH: JSON patch, merge patch, strategic merge patch and
// server-side apply, each applied to the current object inside the
// storage's update so that a concurrent write makes it start over.
func (s *scope) patch(w http.ResponseWriter, r *http.Request) {
	updater, ok := s.storage.(rest.Updater)
	if !ok || s.info.Name == "" {
		writeError(w, errMethodNotAllowed())
		return
	}
	pt := types.PatchType(request.ContentType(r.Header.Get("Content-Type")))
	switch pt {
	case types.JSONPatchType, types.MergePatchType, types.StrategicMergePatchType, types.ApplyPatchType:
	default:
		writeError(w, apierrors.NewUnsupportedMediaType(string(pt)))
		return
	}
	out, err := s.negotiate(r)
	if err != nil {
		writeError(w, err)
		return
	}
	wo, err := parseWriteOptions(r, "PatchOptions")
	if err != nil {
		writeError(w, err)
		return
	}
	var force *bool
	if v := r.URL.Query().Get("force"); v != "" {
		b, err := parseBool(r.URL.Query(), "force")
		if err != nil {
			writeError(w, err)
			return
		}
		force = &b
	}
	switch {
	case pt == types.ApplyPatchType && wo.explicitManager == "":
		writeError(w, invalidOptions("PatchOptions", field.ErrorList{field.Required(field.NewPath("fieldManager"), "is required for apply patch")}))
		return
	case pt != types.ApplyPatchType && force != nil:
		writeError(w, invalidOptions("PatchOptions", field.ErrorList{field.Forbidden(field.NewPath("force"), "may not be specified for non-apply patch")}))
		return
	}
	body, err := s.readBody(r)
	if err != nil {
		writeError(w, err)
		return
	}
	opts := &metav1.UpdateOptions{DryRun: wo.dryRun, FieldManager: wo.explicitManager, FieldValidation: wo.validation}
	if pt == types.ApplyPatchType {
		s.apply(w, r, updater, out, wo, opts, force != nil && *force, body)
		return
	}
	if !json.Valid(body) {
		var v any
		err := json.Unmarshal(body, &v)
		writeError(w, apierrors.NewBadRequest(fmt.Sprintf("error decoding patch: %v", err)))
		return
	}

	var warnings []string
	userRV := false
	info := rest.UpdateFunc(func(_ context.Context, old runtime.Object) (runtime.Object, error) {
		if old == nil {
			return nil, apierrors.NewNotFound(s.gr, s.info.Name)
		}
		oldJS, err := json.Marshal(old)
		if err != nil {
			return nil, apierrors.NewInternalError(err)
		}
		patched, err := s.applyPatch(pt, oldJS, body)
		if err != nil {
			return nil, err
		}
		obj, warns, err := s.decodePatched(patched, wo.validation)
		if err != nil {
			return nil, err
		}
		warnings = warns
		if err := s.checkPatched(old, obj, &userRV); err != nil {
			return nil, err
		}
		if s.ownKind() {
			s.h.cfg.Scheme.Default(obj)
		}
		s.trackFields(old, obj, wo.manager)
		return obj, nil
	})
	var res runtime.Object
	created := false
	for attempt := 0; ; attempt++ {
		res, created, err = updater.Update(r.Context(), s.info.Name, info, opts)
		if err == nil || userRV || attempt >= maxPatchConflictRetries || !apierrors.IsConflict(err) {
			break
		}
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
	s.writeObject(r.Context(), w, code, out, res)
}

// applyPatch applies a JSON, merge or strategic merge patch to doc.
func (s *scope) applyPatch(pt types.PatchType, doc, patch []byte) ([]byte, error) {
	switch pt {
	case types.JSONPatchType:
		var ops []map[string]any
		if err := json.Unmarshal(patch, &ops); err != nil {
			return nil, apierrors.NewBadRequest(fmt.Sprintf("error decoding patch: %v", err))
		}
		out, err := jsonpatch.Apply(doc, patch)
		if err != nil {
			return nil, unprocessable(err.Error())
		}
		return out, nil
	case types.MergePatchType:
		out, err := mergepatch.Apply(doc, patch)
		if err != nil {
			return nil, apierrors.NewBadRequest(err.Error())
		}
		return out, nil
	default:
		out, err := strategicpatch.Apply(doc, patch, s.storage.New())
		if err != nil {
			return nil, apierrors.NewBadRequest(err.Error())
		}
		return out, nil
	}
}

// unprocessable is the 422 of a JSON patch that cannot be applied.
func unprocessable(msg string) error {
	return &apierrors.StatusError{ErrStatus: metav1.Status{
		Status:  metav1.StatusFailure,
		Code:    http.StatusUnprocessableEntity,
		Reason:  metav1.StatusReasonInvalid,
		Message: msg,
	}}
}

// decodePatched decodes a patched JSON document as the scope's kind,
// checking unknown fields as fieldValidation asks.
func (s *scope) decodePatched(data []byte, validation string) (runtime.Object, []string, error) {
	info, _ := s.h.cfg.Codecs.SerializerForMediaType(request.MediaJSON)
	dec := info.Serializer
	if validation != validationIgnore {
		dec = info.StrictSerializer
	}
	want := s.kind
	into := s.storage.New()
	obj, gvk, err := dec.Decode(data, &want, into)
	var warnings []string
	var strict *runtime.StrictDecodingError
	switch {
	case err == nil:
	case errors.As(err, &strict) && obj != nil && validation != validationStrict:
		if validation == validationWarn {
			warnings = strict.Errors
		}
	case errors.As(err, &strict):
		return nil, nil, apierrors.NewBadRequest(strict.Error())
	default:
		if inner := errors.Unwrap(err); inner != nil {
			err = inner
		}
		return nil, nil, decodeError(want, gvk, err, data)
	}
	if err := checkKind(want, gvk, obj, into); err != nil {
		return nil, nil, err
	}
	obj.GetObjectKind().SetGroupVersionKind(want)
	return obj, warnings, nil
}

// checkPatched refuses a patch that moved the object to another name or
// namespace, and notes whether it set the resourceVersion itself.
func (s *scope) checkPatched(old, obj runtime.Object, userRV *bool) error {
	om, ok1 := objectMeta(old)
	nm, ok2 := objectMeta(obj)
	if !ok1 || !ok2 {
		return nil
	}
	if nm.GetName() != s.info.Name {
		return apierrors.NewBadRequest(fmt.Sprintf("the name of the object (%s) does not match the name on the URL (%s)", nm.GetName(), s.info.Name))
	}
	if err := s.checkNamespace(obj); err != nil {
		return err
	}
	if nm.GetResourceVersion() != om.GetResourceVersion() {
		*userRV = true
	}
	return nil
}
