package endpoints

import (
	"net/http"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"

	"keel.dev/keel/pkg/apiserver/registry/rest"
)

// create serves POST on a collection, or on a subresource that takes
// objects (pods/binding, pods/eviction, serviceaccounts/token).
func (s *scope) create(w http.ResponseWriter, r *http.Request) {
	creater, ok := s.storage.(rest.Creater)
	if !ok || (s.info.Name != "" && s.sub == nil) || (s.res.Namespaced && s.namespace == "") {
		writeError(w, errMethodNotAllowed())
		return
	}
	out, err := s.negotiate(r)
	if err != nil {
		writeError(w, err)
		return
	}
	wo, err := parseWriteOptions(r, "CreateOptions")
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
		s.trackFields(nil, obj, wo.manager)
	}
	opts := &metav1.CreateOptions{DryRun: wo.dryRun, FieldManager: wo.explicitManager, FieldValidation: wo.validation}
	name := s.info.Name
	if m, ok := objectMeta(obj); ok && name == "" {
		name = m.GetName()
	}
	res, err := creater.Create(r.Context(), obj, opts)
	if err != nil {
		writeError(w, s.apiError(err, name))
		return
	}
	addWarnings(w, warnings)
	if st, ok := res.(*metav1.Status); ok && st.Code == 0 {
		c := *st
		c.Code = http.StatusCreated
		res = &c
	}
	s.writeObject(r.Context(), w, http.StatusCreated, out, res)
}
