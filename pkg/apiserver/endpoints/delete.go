package endpoints

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"sigs.k8s.io/yaml"

	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/util/validation/field"

	"keel.dev/keel/pkg/apiserver/registry/rest"
	"keel.dev/keel/pkg/apiserver/request"
)

// delete serves DELETE on an object. The answer is what the storage
// returns: the object (graceful deletion, finalizers, kinds that return it)
// or a Status; a nil result becomes a Success Status.
func (s *scope) delete(w http.ResponseWriter, r *http.Request) {
	deleter, ok := s.storage.(rest.GracefulDeleter)
	if !ok {
		writeError(w, errMethodNotAllowed())
		return
	}
	out, err := s.negotiate(r)
	if err != nil {
		writeError(w, err)
		return
	}
	opts, err := s.deleteOptions(r)
	if err != nil {
		writeError(w, err)
		return
	}
	res, immediate, err := deleter.Delete(r.Context(), s.info.Name, opts)
	if err != nil {
		writeError(w, s.apiError(err, s.info.Name))
		return
	}
	code := http.StatusOK
	if !immediate && opts.OrphanDependents != nil && !*opts.OrphanDependents {
		code = http.StatusAccepted
	}
	if res == nil {
		res = &metav1.Status{
			Status:  metav1.StatusSuccess,
			Code:    int32(code),
			Details: &metav1.StatusDetails{Name: s.info.Name, Kind: s.kind.Kind},
		}
	}
	s.writeObject(r.Context(), w, code, out, res)
}

// deleteCollection serves DELETE on a collection, with the list's
// selectors choosing what goes.
func (s *scope) deleteCollection(w http.ResponseWriter, r *http.Request) {
	deleter, ok := s.storage.(rest.CollectionDeleter)
	if !ok || (s.res.Namespaced && s.namespace == "") {
		writeError(w, errMethodNotAllowed())
		return
	}
	out, err := s.negotiate(r)
	if err != nil {
		writeError(w, err)
		return
	}
	listOpts, err := parseListOptions(r.URL.Query(), false)
	if err != nil {
		writeError(w, err)
		return
	}
	opts, err := s.deleteOptions(r)
	if err != nil {
		writeError(w, err)
		return
	}
	res, err := deleter.DeleteCollection(r.Context(), opts, listOpts)
	if err != nil {
		writeError(w, s.apiError(err, ""))
		return
	}
	if res == nil {
		res = &metav1.Status{Status: metav1.StatusSuccess, Code: http.StatusOK}
	}
	s.writeObject(r.Context(), w, http.StatusOK, out, res)
}

// deleteOptions reads DeleteOptions from the body when there is one (as
// kubectl sends {"propagationPolicy":"Background"}), else from the query,
// and validates them (422).
func (s *scope) deleteOptions(r *http.Request) (*metav1.DeleteOptions, error) {
	body, err := s.readBody(r)
	if err != nil {
		return nil, err
	}
	opts := &metav1.DeleteOptions{}
	if len(bytes.TrimSpace(body)) > 0 {
		if err := decodeDeleteOptions(s, r.Header.Get("Content-Type"), body, opts); err != nil {
			return nil, err
		}
	} else if err := deleteOptionsFromQuery(r.URL.Query(), opts); err != nil {
		return nil, err
	}
	var errs field.ErrorList
	if opts.OrphanDependents != nil && opts.PropagationPolicy != nil {
		errs = append(errs, field.Invalid(field.NewPath("propagationPolicy"), *opts.PropagationPolicy, "orphanDependents and deletionPropagation cannot be both set"))
	}
	if p := opts.PropagationPolicy; p != nil && *p != metav1.DeletePropagationForeground &&
		*p != metav1.DeletePropagationBackground && *p != metav1.DeletePropagationOrphan {
		errs = append(errs, field.NotSupported(field.NewPath("propagationPolicy"), *p,
			[]string{string(metav1.DeletePropagationForeground), string(metav1.DeletePropagationBackground), string(metav1.DeletePropagationOrphan), "nil"}))
	}
	errs = append(errs, validateDryRun(opts.DryRun)...)
	if len(errs) > 0 {
		return nil, invalidOptions("DeleteOptions", errs)
	}
	return opts, nil
}

// decodeDeleteOptions decodes a DeleteOptions body of any supported type.
func decodeDeleteOptions(s *scope, contentType string, body []byte, opts *metav1.DeleteOptions) error {
	mt := request.ContentType(contentType)
	if mt == "" {
		mt = request.MediaJSON
	}
	bad := func(err error) error {
		return apierrors.NewBadRequest(fmt.Sprintf("the body of the request could not be decoded as DeleteOptions: %v", err))
	}
	switch mt {
	case request.MediaJSON, request.MediaYAML:
		js := body
		if mt == request.MediaYAML {
			var err error
			if js, err = yaml.YAMLToJSON(body); err != nil {
				return bad(err)
			}
		}
		if err := json.Unmarshal(js, opts); err != nil {
			return bad(err)
		}
	case request.MediaProtobuf:
		info, _ := s.h.cfg.Codecs.SerializerForMediaType(mt)
		gvk := metav1.SchemeGroupVersion.WithKind("DeleteOptions")
		obj, _, err := info.Serializer.Decode(body, &gvk, opts)
		if err != nil {
			return bad(err)
		}
		if obj != runtime.Object(opts) {
			return apierrors.NewBadRequest("decoded object cannot be converted to DeleteOptions")
		}
	default:
		return apierrors.NewUnsupportedMediaType(contentType)
	}
	return nil
}

// deleteOptionsFromQuery reads gracePeriodSeconds, propagationPolicy,
// orphanDependents and dryRun from the query.
func deleteOptionsFromQuery(q url.Values, opts *metav1.DeleteOptions) error {
	if v := q.Get("gracePeriodSeconds"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return apierrors.NewBadRequest(fmt.Sprintf("invalid gracePeriodSeconds %q", v))
		}
		opts.GracePeriodSeconds = &n
	}
	if v := q.Get("propagationPolicy"); v != "" {
		p := metav1.DeletionPropagation(v)
		opts.PropagationPolicy = &p
	}
	if v := q.Get("orphanDependents"); v != "" {
		b, err := strconv.ParseBool(strings.TrimSpace(v))
		if err != nil {
			return apierrors.NewBadRequest(fmt.Sprintf("invalid orphanDependents %q", v))
		}
		opts.OrphanDependents = &b
	}
	opts.DryRun = q["dryRun"]
	return nil
}
