package endpoints

import (
	"context"
	"net/http"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"

	"keel.dev/keel/pkg/apiserver/registry/rest"
)

// update serves PUT on an object or a subresource: the body replaces the
// stored object; a stale metadata.resourceVersion is the storage's 409.
func (s *scope) update(w http.ResponseWriter, r *http.Request) {
	updater, ok := s.storage.(rest.Updater)
	if !ok || s.info.Name == "" {
		writeError(w, errMethodNotAllowed())
		return
	}
	out, err := s.negotiate(r)
	if err != nil {
		writeError(w, err)
		return
	}
	wo, err := parseWriteOptions(r, "UpdateOptions")
	if err != nil {
		writeError(w, err)
		return
	}
	body, err := s.readBody(r)
	if err != nil {
		writeError(w, err)
		return
	}
	obj, warnings, err := s.decodeBody(r, body, wo.validation)
	if err != nil {
		writeError(w, err)
		return
	}
	if err := s.checkNamespace(obj); err != nil {
		writeError(w, err)
		return
	}
	if err := s.checkName(obj); err != nil {
		writeError(w, err)
		return
	}
	if s.ownKind() {
		s.h.cfg.Scheme.Default(obj)
	}
	info := rest.UpdateFunc(func(_ context.Context, old runtime.Object) (runtime.Object, error) {
		newObj := obj.DeepCopyObject()
		s.trackFields(old, newObj, wo.manager)
		return newObj, nil
	})
	opts := &metav1.UpdateOptions{DryRun: wo.dryRun, FieldManager: wo.explicitManager, FieldValidation: wo.validation}
	res, created, err := updater.Update(r.Context(), s.info.Name, info, opts)
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
