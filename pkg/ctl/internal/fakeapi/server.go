package fakeapi

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/util/jsonpatch"
	"keel.dev/apimachinery/pkg/util/mergepatch"
	"keel.dev/apimachinery/pkg/util/strategicpatch"
	"keel.dev/client/rest"
)

// Resource is one served resource.
type Resource struct {
	Group, Version, Name, Singular, Kind string
	Namespaced                           bool
	ShortNames                           []string
	Columns                              []Column
}

// Column is one Table column computed from an object.
type Column struct {
	Name     string
	Priority int
	Cell     func(obj map[string]any) any
}

// Server is the fake apiserver.
type Server struct {
	*httptest.Server
	mu        sync.Mutex
	rv        int
	resources []Resource
	objects   map[string]map[string]any // key: group/resource/ns/name
	watchers  []chan watchEvent
	// Requests records "METHOD path?query" of each request.
	Requests []string
	// Bodies records the body of each request with one.
	Bodies []string
	// Received records files copied in through the emulated tar (cp).
	Received []string
	// Now is the clock for creation timestamps.
	Now func() time.Time
	// RefuseWebSocketExec answers exec WebSockets with 403, as containerd's
	// streaming server does, so clients must fall back to SPDY.
	RefuseWebSocketExec bool
}

type watchEvent struct {
	typ string
	res string
	obj map[string]any
}

// New starts a TLS fake apiserver with the default kinds.
func New() *Server {
	s := &Server{objects: map[string]map[string]any{}, resources: defaultResources(), Now: time.Now, rv: 100}
	s.Server = httptest.NewTLSServer(http.HandlerFunc(s.serve))
	return s
}

// Add stores an object (apiVersion, kind, metadata.name[, namespace]).
func (s *Server) Add(obj map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.resourceForKind(str(obj, "apiVersion"), str(obj, "kind"))
	if r == nil {
		panic("fakeapi: unknown kind " + str(obj, "kind"))
	}
	s.stamp(obj)
	md := meta(obj)
	s.objects[key(*r, str(md, "namespace"), str(md, "name"))] = obj
}

func (s *Server) stamp(obj map[string]any) {
	s.rv++
	md := meta(obj)
	md["resourceVersion"] = strconv.Itoa(s.rv)
	if _, ok := md["creationTimestamp"]; !ok {
		md["creationTimestamp"] = s.Now().UTC().Format(time.RFC3339)
	}
	if _, ok := md["uid"]; !ok {
		md["uid"] = fmt.Sprintf("uid-%d", s.rv)
	}
}

func key(r Resource, ns, name string) string {
	if !r.Namespaced {
		ns = ""
	}
	return r.Group + "/" + r.Name + "/" + ns + "/" + name
}

func (s *Server) resourceForKind(apiVersion, kind string) *Resource {
	for i, r := range s.resources {
		gv := r.Version
		if r.Group != "" {
			gv = r.Group + "/" + r.Version
		}
		if gv == apiVersion && r.Kind == kind {
			return &s.resources[i]
		}
	}
	return nil
}

// Get returns a stored object (nil when missing).
func (s *Server) Get(group, res, ns, name string) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.resources {
		if r.Group == group && r.Name == res {
			return s.objects[key(r, ns, name)]
		}
	}
	return nil
}

func (s *Server) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	s.mu.Lock()
	line := req.Method + " " + req.URL.Path
	if req.URL.RawQuery != "" {
		line += "?" + req.URL.RawQuery
	}
	s.Requests = append(s.Requests, line)
	if len(body) > 0 {
		s.Bodies = append(s.Bodies, string(body))
	}
	s.mu.Unlock()
	switch req.URL.Path {
	case "/api", "/apis":
		s.discovery(w, req.URL.Path == "/api")
		return
	case "/version":
		writeJSON(w, 200, map[string]any{"major": "1", "minor": "32", "gitVersion": "v1.32.0-keel"})
		return
	}
	r, ns, name, sub, ok := s.route(req.URL.Path)
	if !ok {
		writeStatus(w, 404, "NotFound", "the server could not find the requested resource", nil)
		return
	}
	if sub != "" {
		s.subresource(w, req, r, ns, name, sub, body)
		return
	}
	switch {
	case req.Method == http.MethodGet && name == "" && req.URL.Query().Get("watch") == "true":
		s.watch(w, req, r, ns)
	case req.Method == http.MethodGet && name == "":
		s.list(w, req, r, ns)
	case req.Method == http.MethodGet:
		s.get(w, req, r, ns, name)
	case req.Method == http.MethodPost:
		s.create(w, r, ns, body)
	case req.Method == http.MethodPatch:
		s.patch(w, req, r, ns, name, body)
	case req.Method == http.MethodPut:
		s.update(w, r, ns, name, body)
	case req.Method == http.MethodDelete:
		s.delete(w, r, ns, name)
	default:
		writeStatus(w, 405, "MethodNotAllowed", "the server does not allow this method on the requested resource", nil)
	}
}

func (s *Server) route(path string) (Resource, string, string, string, bool) {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	var group, version string
	switch {
	case len(parts) >= 3 && parts[0] == "api":
		version, parts = parts[1], parts[2:]
	case len(parts) >= 4 && parts[0] == "apis":
		group, version, parts = parts[1], parts[2], parts[3:]
	default:
		return Resource{}, "", "", "", false
	}
	ns := ""
	if len(parts) >= 3 && parts[0] == "namespaces" {
		ns, parts = parts[1], parts[2:]
	}
	for _, r := range s.resources {
		if r.Group == group && r.Version == version && r.Name == parts[0] {
			name, sub := "", ""
			if len(parts) > 1 {
				name = parts[1]
			}
			if len(parts) > 2 {
				sub = parts[2]
			}
			return r, ns, name, sub, true
		}
	}
	if group == "" && len(parts) == 2 && ns != "" {
		// GET /api/v1/namespaces/x
	}
	for _, r := range s.resources {
		if r.Name == "namespaces" && group == "" && len(parts) == 0 {
			return r, "", ns, "", true
		}
	}
	return Resource{}, "", "", "", false
}

func (s *Server) discovery(w http.ResponseWriter, core bool) {
	groups := map[string][]map[string]any{}
	var order []string
	for _, r := range s.resources {
		if (r.Group == "") != core {
			continue
		}
		if _, ok := groups[r.Group]; !ok {
			order = append(order, r.Group)
		}
		scope := "Cluster"
		if r.Namespaced {
			scope = "Namespaced"
		}
		groups[r.Group] = append(groups[r.Group], map[string]any{
			"resource": r.Name, "responseKind": map[string]any{"group": "", "version": "", "kind": r.Kind},
			"scope": scope, "singularResource": r.Singular, "shortNames": r.ShortNames, "categories": []string{"all"},
			"verbs": []string{"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"},
		})
	}
	var items []any
	for _, g := range order {
		v := "v1"
		for _, r := range s.resources {
			if r.Group == g {
				v = r.Version
			}
		}
		items = append(items, map[string]any{"metadata": map[string]any{"name": g},
			"versions": []any{map[string]any{"version": v, "resources": groups[g], "freshness": "Current"}}})
	}
	w.Header().Set("Content-Type", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList")
	b, _ := json.Marshal(map[string]any{"kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2", "metadata": map[string]any{}, "items": items})
	w.WriteHeader(200)
	w.Write(b)
}

func (s *Server) matching(r Resource, ns string, q map[string][]string) []map[string]any {
	var keys []string
	prefix := r.Group + "/" + r.Name + "/"
	for k, o := range s.objects {
		if !strings.HasPrefix(k, prefix) {
			continue
		}
		if ns != "" && str(meta(o), "namespace") != ns {
			continue
		}
		if !selects(o, first(q["labelSelector"]), first(q["fieldSelector"])) {
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]map[string]any, len(keys))
	for i, k := range keys {
		out[i] = s.objects[k]
	}
	return out
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

// selects supports k=v / k!=v label selectors and metadata.name/namespace field selectors.
func selects(o map[string]any, labels, fields string) bool {
	lm, _ := meta(o)["labels"].(map[string]any)
	for _, req := range splitNonEmpty(labels) {
		if k, v, ok := strings.Cut(req, "!="); ok {
			if fmt.Sprint(lm[k]) == v {
				return false
			}
		} else if k, v, ok := strings.Cut(req, "="); ok {
			if lm[strings.TrimSuffix(k, "=")] != strings.TrimPrefix(v, "=") {
				return false
			}
		} else if _, ok := lm[req]; !ok {
			return false
		}
	}
	for _, req := range splitNonEmpty(fields) {
		k, v, _ := strings.Cut(req, "=")
		var got string
		switch k {
		case "metadata.name":
			got = str(meta(o), "name")
		case "metadata.namespace":
			got = str(meta(o), "namespace")
		default:
			got = fmt.Sprint(lookup(o, k))
		}
		if got != v {
			return false
		}
	}
	return true
}

func lookup(o map[string]any, path string) any {
	var cur any = o
	for _, p := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[p]
	}
	return cur
}

func splitNonEmpty(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func wantsTable(req *http.Request) bool {
	return strings.Contains(req.Header.Get("Accept"), "as=Table")
}

func (s *Server) list(w http.ResponseWriter, req *http.Request, r Resource, ns string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	objs := s.matching(r, ns, req.URL.Query())
	if wantsTable(req) {
		writeJSON(w, 200, s.table(r, objs, true, req.URL.Query().Get("includeObject") == "Object"))
		return
	}
	items := make([]any, len(objs))
	for i, o := range objs {
		items[i] = o
	}
	writeJSON(w, 200, map[string]any{"kind": r.Kind + "List", "apiVersion": gv(r), "metadata": map[string]any{"resourceVersion": strconv.Itoa(s.rv)}, "items": items})
}

func gv(r Resource) string {
	if r.Group == "" {
		return r.Version
	}
	return r.Group + "/" + r.Version
}

func (s *Server) table(r Resource, objs []map[string]any, withCols, full bool) map[string]any {
	cols := []Column{{Name: "Name", Cell: func(o map[string]any) any { return str(meta(o), "name") }}}
	var wide []Column
	for _, c := range r.Columns {
		if c.Priority == 0 {
			cols = append(cols, c)
		} else {
			wide = append(wide, c)
		}
	}
	cols = append(cols, Column{Name: "Age", Cell: func(o map[string]any) any { return age(s.Now(), str(meta(o), "creationTimestamp")) }})
	cols = append(cols, wide...)
	var defs []any
	for _, c := range cols {
		format := ""
		if c.Name == "Name" {
			format = "name"
		}
		defs = append(defs, map[string]any{"name": c.Name, "type": "string", "format": format, "description": "", "priority": c.Priority})
	}
	rows := []any{}
	for _, o := range objs {
		var cells []any
		for _, c := range cols {
			cells = append(cells, c.Cell(o))
		}
		var object any = map[string]any{"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": meta(o)}
		if full {
			object = o
		}
		rows = append(rows, map[string]any{"cells": cells, "object": object})
	}
	t := map[string]any{"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": map[string]any{"resourceVersion": strconv.Itoa(s.rv)}, "rows": rows}
	if withCols {
		t["columnDefinitions"] = defs
	} else {
		t["columnDefinitions"] = nil
	}
	return t
}

func age(now time.Time, ts string) string {
	t, err := time.Parse(time.RFC3339, ts)
	if err != nil {
		return "<unknown>"
	}
	return fmt.Sprintf("%ds", int(now.Sub(t).Seconds()))
}

func notFound(w http.ResponseWriter, r Resource, name string) {
	gr := r.Name
	if r.Group != "" {
		gr += "." + r.Group
	}
	writeStatus(w, 404, "NotFound", fmt.Sprintf("%s %q not found", gr, name), map[string]any{"name": name, "group": r.Group, "kind": r.Name})
}

func (s *Server) get(w http.ResponseWriter, req *http.Request, r Resource, ns, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.objects[key(r, ns, name)]
	if !ok {
		notFound(w, r, name)
		return
	}
	if wantsTable(req) {
		writeJSON(w, 200, s.table(r, []map[string]any{o}, true, false))
		return
	}
	writeJSON(w, 200, o)
}

func (s *Server) validate(w http.ResponseWriter, r Resource, o map[string]any) bool {
	if r.Kind != "Deployment" {
		return true
	}
	var causes []any
	var msgs []string
	if c, _ := lookup(o, "spec.template.spec.containers").([]any); len(c) == 0 {
		causes = append(causes, map[string]any{"reason": "FieldValueRequired", "message": "Required value", "field": "spec.template.spec.containers"})
		msgs = append(msgs, "spec.template.spec.containers: Required value")
	}
	if lookup(o, "spec.selector") == nil {
		causes = append(causes, map[string]any{"reason": "FieldValueRequired", "message": "Required value", "field": "spec.selector"})
		msgs = append(msgs, "spec.selector: Required value")
	}
	if len(causes) == 0 {
		return true
	}
	name := str(meta(o), "name")
	msg := fmt.Sprintf("Deployment.apps %q is invalid: %s", name, strings.Join(msgs, ", "))
	if len(msgs) > 1 {
		msg = fmt.Sprintf("Deployment.apps %q is invalid: [%s]", name, strings.Join(msgs, ", "))
	}
	writeStatus(w, 422, "Invalid", msg, map[string]any{"name": name, "group": "apps", "kind": "Deployment", "causes": causes})
	return false
}

func (s *Server) create(w http.ResponseWriter, r Resource, ns string, body []byte) {
	var o map[string]any
	if err := json.Unmarshal(body, &o); err != nil {
		writeStatus(w, 400, "BadRequest", "the object provided is unrecognized: "+err.Error(), nil)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	md := meta(o)
	if r.Namespaced {
		if ns == "" {
			ns = str(md, "namespace")
		}
		md["namespace"] = ns
		if _, ok := s.objects[key(Resource{Name: "namespaces"}, "", ns)]; !ok && ns != "default" {
			writeStatus(w, 404, "NotFound", fmt.Sprintf("namespaces %q not found", ns), map[string]any{"name": ns, "kind": "namespaces"})
			return
		}
	}
	name := str(md, "name")
	if name == "" {
		if gn := str(md, "generateName"); gn != "" {
			name = fmt.Sprintf("%s%d", gn, s.rv)
			md["name"] = name
		}
	}
	k := key(r, ns, name)
	if _, exists := s.objects[k]; exists {
		gr := r.Name
		if r.Group != "" {
			gr += "." + r.Group
		}
		writeStatus(w, 409, "AlreadyExists", fmt.Sprintf("%s %q already exists", gr, name), map[string]any{"name": name, "group": r.Group, "kind": r.Name})
		return
	}
	if !s.validate(w, r, o) {
		return
	}
	o["apiVersion"], o["kind"] = gv(r), r.Kind
	s.stamp(o)
	s.objects[k] = o
	s.notify("ADDED", r, o)
	writeJSON(w, 201, o)
}

func (s *Server) update(w http.ResponseWriter, r Resource, ns, name string, body []byte) {
	var o map[string]any
	if err := json.Unmarshal(body, &o); err != nil {
		writeStatus(w, 400, "BadRequest", err.Error(), nil)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := key(r, ns, name)
	old, ok := s.objects[k]
	if !ok {
		notFound(w, r, name)
		return
	}
	if rv := str(meta(o), "resourceVersion"); rv != "" && rv != str(meta(old), "resourceVersion") {
		writeStatus(w, 409, "Conflict", fmt.Sprintf("Operation cannot be fulfilled on %s %q: the object has been modified; please apply your changes to the latest version and try again", r.Name, name), nil)
		return
	}
	s.store(w, r, k, o, 200)
}

func (s *Server) store(w http.ResponseWriter, r Resource, k string, o map[string]any, code int) {
	if !s.validate(w, r, o) {
		return
	}
	o["apiVersion"], o["kind"] = gv(r), r.Kind
	s.stamp(o)
	s.objects[k] = o
	typ := "MODIFIED"
	if code == 201 {
		typ = "ADDED"
	}
	s.notify(typ, r, o)
	writeJSON(w, code, o)
}

func (s *Server) patch(w http.ResponseWriter, req *http.Request, r Resource, ns, name string, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := key(r, ns, name)
	old, ok := s.objects[k]
	ct := req.Header.Get("Content-Type")
	if ct == "application/apply-patch+yaml" {
		var o map[string]any
		if err := json.Unmarshal(body, &o); err != nil {
			writeStatus(w, 400, "BadRequest", err.Error(), nil)
			return
		}
		code := 200
		if !ok {
			code = 201
			meta(o)["namespace"] = ns
		} else {
			merged := mergepatch.MergeValue(deepCopy(old), o).(map[string]any)
			o = merged
		}
		if !r.Namespaced {
			delete(meta(o), "namespace")
		}
		s.store(w, r, k, o, code)
		return
	}
	if !ok {
		notFound(w, r, name)
		return
	}
	cur, _ := json.Marshal(old)
	var out []byte
	var err error
	switch ct {
	case "application/merge-patch+json":
		out, err = mergepatch.Apply(cur, body)
	case "application/json-patch+json":
		out, err = jsonpatch.Apply(cur, body)
	case "application/strategic-merge-patch+json":
		t := goType(r)
		if t == nil {
			writeStatus(w, 415, "UnsupportedMediaType", "strategic merge patch is not supported for "+r.Kind, nil)
			return
		}
		out, err = strategicpatch.Apply(cur, body, reflect.New(t).Interface())
	default:
		writeStatus(w, 415, "UnsupportedMediaType", "415: Unsupported Media Type", nil)
		return
	}
	if err != nil {
		writeStatus(w, 422, "Invalid", err.Error(), nil)
		return
	}
	var o map[string]any
	if err := json.Unmarshal(out, &o); err != nil {
		writeStatus(w, 500, "InternalError", err.Error(), nil)
		return
	}
	s.store(w, r, k, o, 200)
}

func goType(r Resource) reflect.Type {
	obj, err := rest.DefaultScheme().New(schema.GroupVersionKind{Group: r.Group, Version: r.Version, Kind: r.Kind})
	if err != nil {
		return nil
	}
	return reflect.TypeOf(obj).Elem()
}

func deepCopy(m map[string]any) map[string]any {
	b, _ := json.Marshal(m)
	var out map[string]any
	json.Unmarshal(b, &out)
	return out
}

func (s *Server) delete(w http.ResponseWriter, r Resource, ns, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := key(r, ns, name)
	o, ok := s.objects[k]
	if !ok {
		notFound(w, r, name)
		return
	}
	delete(s.objects, k)
	s.rv++
	s.notify("DELETED", r, o)
	writeJSON(w, 200, o)
}

func (s *Server) notify(typ string, r Resource, o map[string]any) {
	for _, ch := range s.watchers {
		select {
		case ch <- watchEvent{typ: typ, res: r.Group + "/" + r.Name, obj: deepCopy(o)}:
		default:
		}
	}
}

func (s *Server) watch(w http.ResponseWriter, req *http.Request, r Resource, ns string) {
	ch := make(chan watchEvent, 100)
	s.mu.Lock()
	s.watchers = append(s.watchers, ch)
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(200)
	fl, _ := w.(http.Flusher)
	if fl != nil {
		fl.Flush()
	}
	table := wantsTable(req)
	firstEvent := true
	timeout := time.After(30 * time.Second)
	if ts := req.URL.Query().Get("timeoutSeconds"); ts != "" {
		n, _ := strconv.Atoi(ts)
		timeout = time.After(time.Duration(n) * time.Second)
	}
	for {
		select {
		case <-req.Context().Done():
			return
		case <-timeout:
			return
		case ev := <-ch:
			if ev.res != r.Group+"/"+r.Name {
				continue
			}
			if ns != "" && str(meta(ev.obj), "namespace") != ns {
				continue
			}
			if !selects(ev.obj, req.URL.Query().Get("labelSelector"), req.URL.Query().Get("fieldSelector")) {
				continue
			}
			var obj any = ev.obj
			if table {
				s.mu.Lock()
				obj = s.table(r, []map[string]any{ev.obj}, firstEvent, false)
				s.mu.Unlock()
				firstEvent = false
			}
			b, _ := json.Marshal(map[string]any{"type": ev.typ, "object": obj})
			w.Write(append(b, '\n'))
			if fl != nil {
				fl.Flush()
			}
		}
	}
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	w.Write(b)
}

func writeStatus(w http.ResponseWriter, code int, reason, msg string, details map[string]any) {
	st := map[string]any{"kind": "Status", "apiVersion": "v1", "metadata": map[string]any{}, "status": "Failure", "message": msg, "reason": reason, "code": code}
	if details != nil {
		st["details"] = details
	}
	writeJSON(w, code, st)
}

func meta(o map[string]any) map[string]any {
	md, ok := o["metadata"].(map[string]any)
	if !ok {
		md = map[string]any{}
		o["metadata"] = md
	}
	return md
}

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

// subresource serves deployments/scale, pods/log and pods/eviction.
func (s *Server) subresource(w http.ResponseWriter, req *http.Request, r Resource, ns, name, sub string, body []byte) {
	if sub == "exec" && r.Kind == "Pod" {
		s.exec(w, req)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := key(r, ns, name)
	o, ok := s.objects[k]
	if !ok {
		notFound(w, r, name)
		return
	}
	switch {
	case sub == "scale" && r.Kind == "Deployment":
		if req.Method == http.MethodPatch {
			var p map[string]any
			json.Unmarshal(body, &p)
			if n := lookup(p, "spec.replicas"); n != nil {
				o["spec"].(map[string]any)["replicas"] = n
				s.stamp(o)
				s.notify("MODIFIED", r, o)
			}
		}
		writeJSON(w, 200, map[string]any{"kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": map[string]any{"name": name, "namespace": ns},
			"spec": map[string]any{"replicas": lookup(o, "spec.replicas")}, "status": map[string]any{"replicas": lookup(o, "status.replicas")}})
	case sub == "log" && r.Kind == "Pod":
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(200)
		fmt.Fprintf(w, "log of %s %s\n", name, req.URL.RawQuery)
	case sub == "eviction" && r.Kind == "Pod":
		delete(s.objects, k)
		s.rv++
		s.notify("DELETED", r, o)
		writeJSON(w, 201, map[string]any{"kind": "Status", "apiVersion": "v1", "status": "Success", "code": 201})
	default:
		writeStatus(w, 404, "NotFound", "the server could not find the requested resource", nil)
	}
}
