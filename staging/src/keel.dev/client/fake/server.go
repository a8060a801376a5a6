package fake

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/fields"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/runtime/serializer"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/apimachinery/pkg/util/jsonpatch"
	"keel.dev/apimachinery/pkg/util/mergepatch"
	"keel.dev/apimachinery/pkg/util/strategicpatch"
	"keel.dev/apimachinery/pkg/watch"
)

// server answers REST requests from the tracker, in JSON.
type server struct {
	c *Clientset
}

// route is a parsed request path.
type route struct {
	gvr             schema.GroupVersionResource
	namespace, name string
	sub             string
}

func parsePath(p string) (route, bool) {
	segs := strings.Split(strings.Trim(p, "/"), "/")
	var r route
	switch {
	case len(segs) >= 2 && segs[0] == "api":
		r.gvr.Version, segs = segs[1], segs[2:]
	case len(segs) >= 3 && segs[0] == "apis":
		r.gvr.Group, r.gvr.Version, segs = segs[1], segs[2], segs[3:]
	default:
		return r, false
	}
	if len(segs) >= 3 && segs[0] == "namespaces" && !(len(segs) == 3 && (segs[2] == "status" || segs[2] == "finalize")) {
		r.namespace, segs = segs[1], segs[2:]
	}
	if len(segs) == 0 || len(segs) > 3 {
		return r, false
	}
	r.gvr.Resource = segs[0]
	if len(segs) > 1 {
		r.name = segs[1]
	}
	if len(segs) > 2 {
		r.sub = segs[2]
	}
	return r, true
}

func (s *server) codecs() *serializer.CodecFactory { return serializer.NewCodecFactory(s.c.scheme) }

// RoundTrip serves one request.
func (s *server) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	r, ok := parsePath(req.URL.Path)
	if !ok {
		return s.errorResponse(apierrors.NewGenericServerResponse(http.StatusNotFound, req.Method, schema.GroupResource{}, "", "")), nil
	}
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body.Close()
	}
	q := req.URL.Query()
	a := Action{Resource: r.gvr, Subresource: r.sub, Namespace: r.namespace, Name: r.name}
	switch req.Method {
	case http.MethodGet:
		switch {
		case r.name != "":
			a.Verb = "get"
		case q.Get("watch") == "true" || q.Get("watch") == "1":
			a.Verb = "watch"
		default:
			a.Verb = "list"
		}
	case http.MethodPost:
		a.Verb = "create"
	case http.MethodPut:
		a.Verb = "update"
	case http.MethodPatch:
		a.Verb, a.PatchType, a.Patch = "patch", types.PatchType(req.Header.Get("Content-Type")), body
	case http.MethodDelete:
		a.Verb = "delete"
		if r.name == "" {
			a.Verb = "deletecollection"
		}
	default:
		return s.errorResponse(apierrors.NewMethodNotSupported(r.gvr.GroupResource(), req.Method)), nil
	}
	if (a.Verb == "create" || a.Verb == "update") && len(body) > 0 {
		obj, _, err := s.codecs().UniversalDeserializer().Decode(body, nil, nil)
		if err != nil {
			return s.errorResponse(apierrors.NewBadRequest(err.Error())), nil
		}
		a.Object = obj
	}
	if handled, obj, err := s.c.record(a); handled {
		if err != nil {
			return s.errorResponse(err), nil
		}
		return s.objectResponse(http.StatusOK, obj), nil
	}
	if a.Verb == "watch" {
		return s.watch(req.Context(), r, q)
	}
	if a.Verb == "list" {
		return s.list(r, q)
	}
	obj, code, err := s.serve(a, r, q)
	if err != nil {
		return s.errorResponse(err), nil
	}
	if rc, ok := obj.(io.ReadCloser); ok {
		return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"text/plain"}}, Body: rc}, nil
	}
	return s.objectResponse(code, obj.(runtime.Object)), nil
}

// serve runs a non-list, non-watch action against the tracker.
func (s *server) serve(a Action, r route, q map[string][]string) (any, int, error) {
	t := s.c.tracker
	switch {
	case r.sub == "log":
		return io.NopCloser(strings.NewReader("fake log\n")), http.StatusOK, nil
	case r.sub == "binding" && a.Verb == "create":
		return s.bind(r, a.Object)
	case r.sub == "eviction" && a.Verb == "create":
		if _, err := t.Delete(r.gvr, r.namespace, r.name); err != nil {
			return nil, 0, err
		}
		return &metav1.Status{Status: metav1.StatusSuccess, Code: http.StatusCreated}, http.StatusCreated, nil
	case r.sub == "scale":
		return s.scale(a, r)
	}
	switch a.Verb {
	case "get":
		obj, err := t.Get(r.gvr, r.namespace, r.name)
		return obj, http.StatusOK, err
	case "create":
		if a.Object == nil {
			return nil, 0, apierrors.NewBadRequest("empty body")
		}
		m := a.Object.(metav1.Object)
		if m.GetNamespace() == "" {
			m.SetNamespace(r.namespace)
		}
		if m.GetName() == "" && m.GetGenerateName() != "" {
			m.SetName(m.GetGenerateName() + strconv.FormatInt(int64(len(s.c.Actions())), 36) + "x")
		}
		obj, err := t.Create(r.gvr, a.Object)
		return obj, http.StatusCreated, err
	case "update":
		if a.Object == nil {
			return nil, 0, apierrors.NewBadRequest("empty body")
		}
		if m := a.Object.(metav1.Object); m.GetNamespace() == "" {
			m.SetNamespace(r.namespace)
		}
		obj, err := t.Update(r.gvr, a.Object)
		return obj, http.StatusOK, err
	case "patch":
		obj, err := s.patch(r, a.PatchType, a.Patch)
		return obj, http.StatusOK, err
	case "delete":
		obj, err := t.Delete(r.gvr, r.namespace, r.name)
		return obj, http.StatusOK, err
	case "deletecollection":
		objs, _ := t.List(r.gvr, r.namespace)
		sel, err := labels.Parse(first(q, "labelSelector"))
		if err != nil {
			return nil, 0, apierrors.NewBadRequest(err.Error())
		}
		for _, o := range objs {
			m := o.(metav1.Object)
			if sel.Matches(labels.Set(m.GetLabels())) {
				_, _ = t.Delete(r.gvr, m.GetNamespace(), m.GetName())
			}
		}
		return &metav1.Status{Status: metav1.StatusSuccess}, http.StatusOK, nil
	}
	return nil, 0, apierrors.NewMethodNotSupported(r.gvr.GroupResource(), a.Verb)
}

func first(q map[string][]string, k string) string {
	if v := q[k]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// patch applies a patch of any supported type to the stored object; an
// apply patch of a missing object creates it.
func (s *server) patch(r route, pt types.PatchType, data []byte) (runtime.Object, error) {
	t := s.c.tracker
	cur, err := t.Get(r.gvr, r.namespace, r.name)
	if err != nil {
		if pt != types.ApplyPatchType || !apierrors.IsNotFound(err) {
			return nil, err
		}
		obj, _, derr := s.codecs().UniversalDeserializer().Decode(data, nil, nil)
		if derr != nil {
			return nil, apierrors.NewBadRequest(derr.Error())
		}
		obj.(metav1.Object).SetNamespace(r.namespace)
		return t.Create(r.gvr, obj)
	}
	doc, err := json.Marshal(cur)
	if err != nil {
		return nil, apierrors.NewInternalError(err)
	}
	var out []byte
	switch pt {
	case types.JSONPatchType:
		out, err = jsonpatch.Apply(doc, data)
	case types.MergePatchType, types.ApplyPatchType:
		out, err = mergepatch.Apply(doc, data)
	case types.StrategicMergePatchType:
		out, err = strategicpatch.Apply(doc, data, cur)
	default:
		return nil, apierrors.NewUnsupportedMediaType(string(pt))
	}
	if err != nil {
		return nil, apierrors.NewBadRequest(err.Error())
	}
	obj, err := s.decodeLike(out, cur)
	if err != nil {
		return nil, apierrors.NewBadRequest(err.Error())
	}
	obj.(metav1.Object).SetResourceVersion("")
	return t.Update(r.gvr, obj)
}

// list answers a list with label and field selectors and limit/continue paging.
func (s *server) list(r route, q map[string][]string) (*http.Response, error) {
	filter, err := selectorFilter(q)
	if err != nil {
		return s.errorResponse(err), nil
	}
	objs, rv := s.c.tracker.List(r.gvr, r.namespace)
	cont := first(q, "continue")
	limit, _ := strconv.Atoi(first(q, "limit"))
	var items []json.RawMessage
	next := ""
	for _, o := range objs {
		m := o.(metav1.Object)
		k := m.GetNamespace() + "/" + m.GetName()
		if cont != "" && k <= cont {
			continue
		}
		if !filter(o) {
			continue
		}
		if limit > 0 && len(items) == limit {
			next = lastKey(items)
			break
		}
		b, err := s.encode(o)
		if err != nil {
			return s.errorResponse(apierrors.NewInternalError(err)), nil
		}
		items = append(items, b)
	}
	if items == nil {
		items = []json.RawMessage{}
	}
	ri, _ := s.c.scheme.Resource(r.gvr)
	doc := map[string]any{
		"apiVersion": r.gvr.GroupVersion().String(),
		"kind":       ri.ListKind,
		"metadata":   map[string]any{"resourceVersion": rv, "continue": next},
		"items":      items,
	}
	b, _ := json.Marshal(doc)
	return jsonResponse(http.StatusOK, b), nil
}

// lastKey returns the namespace/name of the last encoded item.
func lastKey(items []json.RawMessage) string {
	var m struct {
		Metadata struct{ Namespace, Name string } `json:"metadata"`
	}
	_ = json.Unmarshal(items[len(items)-1], &m)
	return m.Metadata.Namespace + "/" + m.Metadata.Name
}

// selectorFilter builds the label and field selector filter of a request.
func selectorFilter(q map[string][]string) (func(runtime.Object) bool, error) {
	ls, err := labels.Parse(first(q, "labelSelector"))
	if err != nil {
		return nil, apierrors.NewBadRequest(err.Error())
	}
	fs, err := fields.ParseSelector(first(q, "fieldSelector"))
	if err != nil {
		return nil, apierrors.NewBadRequest(err.Error())
	}
	return func(o runtime.Object) bool {
		m := o.(metav1.Object)
		if !ls.Matches(labels.Set(m.GetLabels())) {
			return false
		}
		if fs.Empty() {
			return true
		}
		return fs.Matches(objectFields(o, fs))
	}, nil
}

// objectFields reads the fields a selector names from the object's JSON.
func objectFields(o runtime.Object, fs fields.Selector) fields.Set {
	b, _ := json.Marshal(o)
	var doc map[string]any
	_ = json.Unmarshal(b, &doc)
	set := fields.Set{}
	for _, req := range fs.Requirements() {
		var cur any = doc
		for _, p := range strings.Split(req.Field, ".") {
			m, _ := cur.(map[string]any)
			cur = m[p]
		}
		if cur != nil {
			set[req.Field] = fmt.Sprint(cur)
		} else {
			set[req.Field] = ""
		}
	}
	return set
}

// watch streams events as JSON until the request's context ends.
func (s *server) watch(ctx context.Context, r route, q map[string][]string) (*http.Response, error) {
	filter, err := selectorFilter(q)
	if err != nil {
		return s.errorResponse(err), nil
	}
	w, stop, err := s.c.tracker.watchFrom(r.gvr, r.namespace, first(q, "resourceVersion"), filter)
	if err != nil {
		if apierrors.IsResourceExpired(err) || apierrors.IsGone(err) {
			// Kubernetes reports an expired version as an ERROR event.
			return s.errorEventStream(err), nil
		}
		return s.errorResponse(err), nil
	}
	pr, pw := io.Pipe()
	enc, err := s.codecs().NewWatchEncoder(pw, runtime.ContentTypeJSON)
	if err != nil {
		stop()
		return nil, err
	}
	go func() {
		defer stop()
		defer pw.Close()
		for {
			for _, ev := range w.next() {
				if err := enc.Encode(string(ev.Type), ev.Object); err != nil {
					return
				}
			}
			select {
			case <-ctx.Done():
				return
			case <-w.signal:
			}
		}
	}()
	resp := &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}}, Body: pr}
	return resp, nil
}

func (s *server) errorEventStream(err error) *http.Response {
	var buf bytes.Buffer
	enc, _ := s.codecs().NewWatchEncoder(&buf, runtime.ContentTypeJSON)
	var se *apierrors.StatusError
	errors.As(err, &se)
	_ = enc.Encode(string(watch.Error), &se.ErrStatus)
	return jsonResponse(http.StatusOK, buf.Bytes())
}

// decodeLike decodes data as an object of like's kind.
func (s *server) decodeLike(data []byte, like runtime.Object) (runtime.Object, error) {
	gvk, err := s.c.scheme.ObjectKind(like)
	if err != nil {
		return nil, err
	}
	obj, _, err := s.codecs().UniversalDeserializer().Decode(data, &gvk, nil)
	return obj, err
}

func (s *server) encode(obj runtime.Object) ([]byte, error) {
	info, _ := s.codecs().SerializerForMediaType(runtime.ContentTypeJSON)
	var buf bytes.Buffer
	if err := info.Serializer.Encode(obj, &buf); err != nil {
		return nil, err
	}
	return bytes.TrimSpace(buf.Bytes()), nil
}

func (s *server) objectResponse(code int, obj runtime.Object) *http.Response {
	if obj == nil {
		obj = &metav1.Status{Status: metav1.StatusSuccess}
	}
	b, err := s.encode(obj)
	if err != nil {
		return s.errorResponse(apierrors.NewInternalError(err))
	}
	return jsonResponse(code, b)
}

func (s *server) errorResponse(err error) *http.Response {
	var se *apierrors.StatusError
	if !errors.As(err, &se) {
		se = apierrors.NewInternalError(err)
	}
	st := se.ErrStatus
	st.Kind, st.APIVersion = "Status", "v1"
	b, _ := json.Marshal(&st)
	return jsonResponse(int(st.Code), b)
}

func jsonResponse(code int, b []byte) *http.Response {
	return &http.Response{StatusCode: code, Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(bytes.NewReader(b))}
}
