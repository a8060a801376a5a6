package endpoints

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/fields"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/util/validation/field"

	"keel.dev/keel/pkg/apiserver/registry/rest"
)

// get serves GET on one object (or a subresource of it).
func (s *scope) get(w http.ResponseWriter, r *http.Request) {
	getter, ok := s.storage.(rest.Getter)
	if !ok {
		writeError(w, errMethodNotAllowed())
		return
	}
	out, err := s.negotiate(r)
	if err != nil {
		writeError(w, err)
		return
	}
	opts := &metav1.GetOptions{ResourceVersion: r.URL.Query().Get("resourceVersion")}
	obj, err := getter.Get(r.Context(), s.info.Name, opts)
	if err != nil {
		writeError(w, s.apiError(err, s.info.Name))
		return
	}
	s.writeObject(r.Context(), w, http.StatusOK, out, obj)
}

// list serves GET on a collection.
func (s *scope) list(w http.ResponseWriter, r *http.Request) {
	lister, ok := s.storage.(rest.Lister)
	if !ok {
		writeError(w, errMethodNotAllowed())
		return
	}
	out, err := s.negotiate(r)
	if err != nil {
		writeError(w, err)
		return
	}
	q := r.URL.Query()
	opts, err := parseListOptions(q, false)
	if err != nil {
		writeError(w, err)
		return
	}
	ctx := r.Context()
	if t, err := parseTimeout(q); err != nil {
		writeError(w, err)
		return
	} else if t > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, t)
		defer cancel()
	}
	obj, err := lister.List(ctx, opts)
	if err != nil {
		writeError(w, s.apiError(err, ""))
		return
	}
	s.writeObject(ctx, w, http.StatusOK, out, obj)
}

// parseListOptions reads and checks the list (or watch) query parameters.
func parseListOptions(q url.Values, watch bool) (*rest.ListOptions, error) {
	opts := &rest.ListOptions{
		ResourceVersion:      q.Get("resourceVersion"),
		ResourceVersionMatch: metav1.ResourceVersionMatch(q.Get("resourceVersionMatch")),
		Continue:             q.Get("continue"),
	}
	if sel := q.Get("labelSelector"); sel != "" {
		ls, err := labels.Parse(sel)
		if err != nil {
			return nil, apierrors.NewBadRequest(fmt.Sprintf("unable to parse requirement: %v", err))
		}
		opts.LabelSelector = ls
	}
	if sel := q.Get("fieldSelector"); sel != "" {
		fs, err := fields.ParseSelector(sel)
		if err != nil {
			return nil, apierrors.NewBadRequest(fmt.Sprintf("invalid field selector: %v", err))
		}
		opts.FieldSelector = fs
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, apierrors.NewBadRequest(fmt.Sprintf("invalid limit %q: %v", v, err))
		}
		if n > 0 {
			opts.Limit = n
		}
	}
	var err error
	if opts.AllowWatchBookmarks, err = parseBool(q, "allowWatchBookmarks"); err != nil {
		return nil, err
	}
	if v := q.Get("sendInitialEvents"); v != "" {
		b, err := parseBool(q, "sendInitialEvents")
		if err != nil {
			return nil, err
		}
		opts.SendInitialEvents = &b
	}
	if errs := validateListOptions(opts, watch); len(errs) > 0 {
		return nil, invalidOptions("ListOptions", errs)
	}
	return opts, nil
}

// validateListOptions applies Kubernetes' rules on resourceVersionMatch,
// continue and sendInitialEvents for lists and watches.
func validateListOptions(o *rest.ListOptions, watch bool) field.ErrorList {
	var errs field.ErrorList
	match := o.ResourceVersionMatch
	path := field.NewPath("resourceVersionMatch")
	if watch {
		if o.SendInitialEvents != nil && match != metav1.ResourceVersionMatchNotOlderThan {
			errs = append(errs, field.Forbidden(path, "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"))
		}
		if match != "" {
			if o.SendInitialEvents == nil {
				errs = append(errs, field.Forbidden(path, "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided"))
			}
			if match != metav1.ResourceVersionMatchNotOlderThan {
				errs = append(errs, field.NotSupported(path, match, []string{string(metav1.ResourceVersionMatchNotOlderThan)}))
			}
			if o.Continue != "" {
				errs = append(errs, field.Forbidden(path, "resourceVersionMatch is forbidden when continue is provided"))
			}
		}
		return errs
	}
	if match != "" {
		if o.ResourceVersion == "" {
			errs = append(errs, field.Forbidden(path, "resourceVersionMatch is forbidden unless resourceVersion is provided"))
		}
		if o.Continue != "" {
			errs = append(errs, field.Forbidden(path, "resourceVersionMatch is forbidden when continue is provided"))
		}
		if match != metav1.ResourceVersionMatchExact && match != metav1.ResourceVersionMatchNotOlderThan {
			errs = append(errs, field.NotSupported(path, match, []string{string(metav1.ResourceVersionMatchExact), string(metav1.ResourceVersionMatchNotOlderThan), ""}))
		}
		if match == metav1.ResourceVersionMatchExact && o.ResourceVersion == "0" {
			errs = append(errs, field.Forbidden(path, `resourceVersionMatch "exact" is forbidden for resourceVersion "0"`))
		}
	}
	if o.SendInitialEvents != nil {
		errs = append(errs, field.Forbidden(field.NewPath("sendInitialEvents"), "sendInitialEvents is forbidden for list"))
	}
	return errs
}

// parseBool reads a boolean query parameter (absent is false).
func parseBool(q url.Values, name string) (bool, error) {
	v := q.Get(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, apierrors.NewBadRequest(fmt.Sprintf("invalid %s %q: %v", name, v, err))
	}
	return b, nil
}

// parseTimeout reads timeoutSeconds (0 when absent).
func parseTimeout(q url.Values) (time.Duration, error) {
	v := q.Get("timeoutSeconds")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, apierrors.NewBadRequest(fmt.Sprintf("invalid timeoutSeconds %q", v))
	}
	return time.Duration(n) * time.Second, nil
}

// invalidOptions is the 422 Kubernetes answers for bad request options
// (kind ListOptions, CreateOptions, …).
func invalidOptions(kind string, errs field.ErrorList) error {
	return apierrors.NewInvalid(schema.GroupKind{Group: metaGroup, Kind: kind}, "", errs)
}
