package main

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
)

// Param is one operation parameter (never the body).
type Param struct {
	Name        string
	In          string // path or query
	Type        string // string, integer or boolean
	Description string
	Required    bool
}

// Response is one response of an operation.
type Response struct {
	Code        string
	Description string
	Schema      *Schema // nil for an empty response
}

// Operation is one HTTP method on one path.
type Operation struct {
	Method       string // get, put, post, delete, patch
	ID           string
	Description  string
	Tag          string
	Action       string // x-kubernetes-action; empty for discovery operations
	GVK          *schema.GroupVersionKind
	Params       []Param
	Body         *Schema
	BodyRequired bool
	Consumes     []string
	Produces     []string
	Responses    []Response
}

// PathItem is the operations on one path, and the document it belongs to.
type PathItem struct {
	Path   string
	Doc    string // v3 document key: "api/v1", "apis/apps/v1", "api", "apis", "apis/apps"
	Params []Param
	Ops    []*Operation
}

// The media types the server reads and writes.
var (
	mediaObject   = []string{"application/json", "application/yaml", "application/vnd.kubernetes.protobuf"}
	mediaList     = []string{"application/json", "application/yaml", "application/vnd.kubernetes.protobuf", "application/json;stream=watch", "application/vnd.kubernetes.protobuf;stream=watch"}
	mediaAny      = []string{"*/*"}
	mediaPatch    = []string{"application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json"}
	mediaText     = []string{"text/plain", "application/json", "application/yaml", "application/vnd.kubernetes.protobuf"}
	mediaDiscover = []string{"application/json", "application/yaml", "application/vnd.kubernetes.protobuf"}
)

// The query parameters, by name.
var queryParams = map[string]Param{
	"pretty":               {Type: "string", Description: "If 'true', the output is indented for reading."},
	"allowWatchBookmarks":  {Type: "boolean", Description: "Asks a watch to send BOOKMARK events carrying the latest resourceVersion."},
	"continue":             {Type: "string", Description: "The continue token of the previous page of a limited list."},
	"fieldSelector":        {Type: "string", Description: "Restricts the objects by their fields, such as metadata.name=web."},
	"labelSelector":        {Type: "string", Description: "Restricts the objects by their labels, such as app=web,tier!=db."},
	"limit":                {Type: "integer", Description: "The largest number of objects to return; the rest is reached through continue."},
	"resourceVersion":      {Type: "string", Description: "The resource version the read or watch is served from."},
	"resourceVersionMatch": {Type: "string", Description: "How resourceVersion is applied to a list: NotOlderThan or Exact."},
	"sendInitialEvents":    {Type: "boolean", Description: "Asks a watch to start with the current objects as ADDED events."},
	"timeoutSeconds":       {Type: "integer", Description: "Ends the list or watch call after this many seconds."},
	"watch":                {Type: "boolean", Description: "Streams the changes to the objects instead of listing them."},
	"dryRun":               {Type: "string", Description: "When All, the request is processed but nothing is persisted."},
	"fieldManager":         {Type: "string", Description: "Names the actor making the change, for managedFields."},
	"fieldValidation":      {Type: "string", Description: "How unknown or duplicate fields in the body are handled: Ignore, Warn or Strict."},
	"force":                {Type: "boolean", Description: "Makes an apply patch take over the fields other managers own."},
	"gracePeriodSeconds":   {Type: "integer", Description: "Seconds before the object is deleted; zero deletes immediately."},
	"ignoreStoreReadErrorWithClusterBreakingPotential": {Type: "boolean", Description: "Deletes an object that cannot be read from storage, skipping finalizers and preconditions."},
	"orphanDependents":  {Type: "boolean", Description: "Deprecated in favour of propagationPolicy: whether dependents are orphaned."},
	"propagationPolicy": {Type: "string", Description: "How dependents are garbage collected: Orphan, Background or Foreground."},
	// pods/log
	"container":                    {Type: "string", Description: "The container to use, when the pod has several."},
	"follow":                       {Type: "boolean", Description: "Streams the log as it grows."},
	"insecureSkipTLSVerifyBackend": {Type: "boolean", Description: "Skips verifying the kubelet's serving certificate."},
	"limitBytes":                   {Type: "integer", Description: "Stops after this many bytes of log."},
	"previous":                     {Type: "boolean", Description: "Reads the log of the previous, terminated container."},
	"sinceSeconds":                 {Type: "integer", Description: "Reads only the log of the last seconds."},
	"sinceTime":                    {Type: "string", Description: "Reads only the log after this RFC 3339 time."},
	"stream":                       {Type: "string", Description: "Which stream to read: All, Stdout or Stderr."},
	"tailLines":                    {Type: "integer", Description: "Reads only this many lines from the end."},
	"timestamps":                   {Type: "boolean", Description: "Prefixes every line with its RFC 3339 timestamp."},
	// pods/exec and pods/attach
	"command": {Type: "string", Description: "The command to run; repeat the parameter for each argument."},
	"stdin":   {Type: "boolean", Description: "Attaches the standard input."},
	"stdout":  {Type: "boolean", Description: "Attaches the standard output."},
	"stderr":  {Type: "boolean", Description: "Attaches the standard error."},
	"tty":     {Type: "boolean", Description: "Allocates a terminal."},
	// pods/portforward
	"ports": {Type: "integer", Description: "The ports to forward."},
}

func query(names ...string) []Param {
	out := make([]Param, 0, len(names))
	for _, n := range names {
		p, ok := queryParams[n]
		if !ok {
			panic("unknown query parameter " + n)
		}
		p.Name, p.In = n, "query"
		out = append(out, p)
	}
	return out
}

var (
	listParams             = []string{"allowWatchBookmarks", "continue", "fieldSelector", "labelSelector", "limit", "resourceVersion", "resourceVersionMatch", "sendInitialEvents", "timeoutSeconds", "watch"}
	writeParams            = []string{"dryRun", "fieldManager", "fieldValidation"}
	patchParams            = []string{"dryRun", "fieldManager", "fieldValidation", "force"}
	deleteParams           = []string{"dryRun", "gracePeriodSeconds", "ignoreStoreReadErrorWithClusterBreakingPotential", "orphanDependents", "propagationPolicy"}
	deleteCollectionParams = []string{"continue", "dryRun", "fieldSelector", "gracePeriodSeconds", "ignoreStoreReadErrorWithClusterBreakingPotential", "labelSelector", "limit", "orphanDependents", "propagationPolicy", "resourceVersion", "resourceVersionMatch", "sendInitialEvents", "timeoutSeconds"}
	logParams              = []string{"container", "follow", "insecureSkipTLSVerifyBackend", "limitBytes", "previous", "sinceSeconds", "sinceTime", "stream", "tailLines", "timestamps"}
	execParams             = []string{"command", "container", "stderr", "stdin", "stdout", "tty"}
	attachParams           = []string{"container", "stderr", "stdin", "stdout", "tty"}
)

var (
	namespaceParam = Param{Name: "namespace", In: "path", Type: "string", Required: true, Description: "The namespace of the objects."}
	nameParam      = Param{Name: "name", In: "path", Type: "string", Required: true, Description: "The name of the object."}
	pathParam      = Param{Name: "path", In: "path", Type: "string", Required: true, Description: "The path to proxy to."}
)

// groupTag is the Kubernetes tag prefix of a group: core, apps,
// rbacAuthorization (rbac.authorization.k8s.io), flowcontrolApiserver.
func groupTag(group string) string {
	if group == "" {
		return "core"
	}
	parts := strings.Split(strings.TrimSuffix(group, ".k8s.io"), ".")
	for i := 1; i < len(parts); i++ {
		parts[i] = capitalize(parts[i])
	}
	return strings.Join(parts, "")
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// docKey is the v3 document a group version's paths go into.
func docKey(gv schema.GroupVersion) string {
	if gv.Group == "" {
		return "api/" + gv.Version
	}
	return "apis/" + gv.Group + "/" + gv.Version
}

// pathBuilder lays out the REST paths of the scheme's resources.
type pathBuilder struct {
	scheme *runtime.Scheme
	b      *builder
	warn   func(format string, args ...any)
}

// typeRef returns the schema referring to the kind's Go type, or nil.
func (p *pathBuilder) typeRef(gvk schema.GroupVersionKind) *Schema {
	obj, err := p.scheme.New(gvk)
	if err != nil {
		p.warn("openapi-gen: %v is not in the scheme; its operations have no schema", gvk)
		return nil
	}
	t := reflect.TypeOf(obj).Elem()
	return &Schema{Ref: p.b.ref(t)}
}

func (p *pathBuilder) metaRef(v any) *Schema {
	return &Schema{Ref: p.b.ref(reflect.TypeOf(v))}
}

func okResponses(s *Schema, codes ...string) []Response {
	names := map[string]string{"200": "OK", "201": "Created", "202": "Accepted"}
	var out []Response
	for _, c := range codes {
		out = append(out, Response{Code: c, Description: names[c], Schema: s})
	}
	return out
}

// resourcePaths returns the path items of one resource.
func (p *pathBuilder) resourcePaths(r runtime.ResourceInfo) []*PathItem {
	gv := r.GroupVersion()
	tag := groupTag(gv.Group) + "_" + gv.Version
	prefix := capitalize(groupTag(gv.Group)) + capitalize(gv.Version)
	root := "/apis/" + gv.Group + "/" + gv.Version
	if gv.Group == "" {
		root = "/api/" + gv.Version
	}
	doc := docKey(gv)
	gvk := r.GroupVersionKind()
	kind := r.Kind
	var obj, list *Schema
	if slices.ContainsFunc(r.Verbs, func(v string) bool { return v != "list" && v != "watch" && v != "deletecollection" }) {
		obj = p.typeRef(gvk)
	}
	if slices.Contains(r.Verbs, "list") {
		list = p.typeRef(gv.WithKind(r.ListKind))
	}
	status := p.metaRef(metav1.Status{})
	deleteOpts := p.metaRef(metav1.DeleteOptions{})
	watchEvent := p.metaRef(metav1.WatchEvent{})
	patch := &Schema{Ref: patchDefName}
	has := func(v string) bool { return slices.Contains(r.Verbs, v) }
	scope, scoped := "", ""
	var scopeParams []Param
	if r.Namespaced {
		scope, scoped = "/namespaces/{namespace}", "Namespaced"
		scopeParams = []Param{namespaceParam}
	}
	pretty := query("pretty")
	op := func(method, verb, action, desc string, params []string) *Operation {
		g := gvk
		return &Operation{Method: method, ID: verb + prefix + scoped + kind, Description: desc, Tag: tag, Action: action, GVK: &g,
			Params: query(params...), Consumes: mediaAny, Produces: mediaObject}
	}
	var items []*PathItem

	coll := &PathItem{Path: root + scope + "/" + r.Resource, Doc: doc, Params: append(slices.Clone(scopeParams), pretty...)}
	if has("list") {
		o := op("get", "list", "list", "list or watch "+kind+" objects", listParams)
		o.Produces, o.Responses = mediaList, okResponses(list, "200")
		coll.Ops = append(coll.Ops, o)
	}
	if has("create") {
		o := op("post", "create", "post", "create a "+kind, writeParams)
		o.Body, o.BodyRequired, o.Responses = obj, true, okResponses(obj, "200", "201", "202")
		coll.Ops = append(coll.Ops, o)
	}
	if has("deletecollection") {
		o := op("delete", "deleteCollection", "deletecollection", "delete a collection of "+kind+" objects", deleteCollectionParams)
		o.Body, o.Responses = deleteOpts, okResponses(status, "200")
		coll.Ops = append(coll.Ops, o)
	}
	items = append(items, coll)

	item := &PathItem{Path: coll.Path + "/{name}", Doc: doc, Params: append([]Param{nameParam}, coll.Params...)}
	if has("get") {
		o := op("get", "read", "get", "read the named "+kind, nil)
		o.Responses = okResponses(obj, "200")
		item.Ops = append(item.Ops, o)
	}
	if has("update") {
		o := op("put", "replace", "put", "replace the named "+kind, writeParams)
		o.Body, o.BodyRequired, o.Responses = obj, true, okResponses(obj, "200", "201")
		item.Ops = append(item.Ops, o)
	}
	if has("patch") {
		o := op("patch", "patch", "patch", "partially update the named "+kind, patchParams)
		o.Body, o.BodyRequired, o.Consumes, o.Responses = patch, true, mediaPatch, okResponses(obj, "200", "201")
		item.Ops = append(item.Ops, o)
	}
	if has("delete") {
		o := op("delete", "delete", "delete", "delete the named "+kind, deleteParams)
		o.Body, o.Responses = deleteOpts, okResponses(status, "200", "202")
		item.Ops = append(item.Ops, o)
	}
	items = append(items, item)

	if r.Namespaced && has("list") {
		all := &PathItem{Path: root + "/" + r.Resource, Doc: doc, Params: pretty}
		o := op("get", "list", "list", "list or watch "+kind+" objects in every namespace", listParams)
		o.ID = "list" + prefix + kind + "ForAllNamespaces"
		o.Produces, o.Responses = mediaList, okResponses(list, "200")
		all.Ops = append(all.Ops, o)
		items = append(items, all)
	}
	if has("watch") {
		wl := &PathItem{Path: root + "/watch" + scope + "/" + r.Resource, Doc: doc, Params: coll.Params}
		o := op("get", "watch", "watchlist", "watch changes to "+kind+" objects (deprecated: use watch=true on the list)", listParams)
		o.ID += "List"
		o.Produces, o.Responses = mediaList, okResponses(watchEvent, "200")
		wl.Ops = append(wl.Ops, o)
		items = append(items, wl)

		w := &PathItem{Path: wl.Path + "/{name}", Doc: doc, Params: item.Params}
		o = op("get", "watch", "watch", "watch changes to the named "+kind+" (deprecated: use watch=true on the list with a fieldSelector)", listParams)
		o.Produces, o.Responses = mediaList, okResponses(watchEvent, "200")
		w.Ops = append(w.Ops, o)
		items = append(items, w)

		if r.Namespaced {
			wa := &PathItem{Path: root + "/watch/" + r.Resource, Doc: doc, Params: pretty}
			o = op("get", "watch", "watchlist", "watch changes to "+kind+" objects in every namespace (deprecated: use watch=true on the list)", listParams)
			o.ID = "watch" + prefix + kind + "ListForAllNamespaces"
			o.Produces, o.Responses = mediaList, okResponses(watchEvent, "200")
			wa.Ops = append(wa.Ops, o)
			items = append(items, wa)
		}
	}

	for _, sub := range r.Subresources {
		items = append(items, p.subresourcePaths(r, sub, item, op)...)
	}
	return items
}

// subresourcePaths returns the path items of one subresource.
func (p *pathBuilder) subresourcePaths(r runtime.ResourceInfo, sub runtime.SubresourceInfo, parent *PathItem,
	op func(method, verb, action, desc string, params []string) *Operation) []*PathItem {
	gvk := r.GroupVersionKind()
	if !sub.Kind.Empty() {
		gvk = sub.Kind
	}
	suffix := capitalize(sub.Name)
	prefix := capitalize(groupTag(r.Group)) + capitalize(r.Version)
	it := &PathItem{Path: parent.Path + "/" + sub.Name, Doc: parent.Doc, Params: parent.Params}
	with := func(o *Operation) *Operation {
		o.ID += suffix
		g := gvk
		o.GVK = &g
		return o
	}
	has := func(v string) bool { return slices.Contains(sub.Verbs, v) }
	text := &Schema{Type: "string"}
	switch sub.Name {
	case "exec", "attach", "portforward", "proxy":
		params := map[string][]string{"exec": execParams, "attach": attachParams, "portforward": {"ports"}}[sub.Name]
		methods := []struct{ verb, method string }{{"get", "get"}, {"create", "post"}, {"update", "put"}, {"patch", "patch"}, {"delete", "delete"}}
		var withPath *PathItem
		if sub.Name == "proxy" {
			withPath = &PathItem{Path: it.Path + "/{path}", Doc: it.Doc, Params: append([]Param{pathParam}, it.Params...)}
		}
		for _, m := range methods {
			if !has(m.verb) {
				continue
			}
			o := with(op(m.method, "connect", "connect", "connect "+m.method+" requests to "+sub.Name+" of the named "+r.Kind, params))
			o.ID = strings.Replace(o.ID, "connect"+prefix, "connect"+prefix+capitalize(m.method), 1)
			o.Produces, o.Responses = mediaAny, okResponses(text, "200")
			it.Ops = append(it.Ops, o)
			if withPath != nil {
				o2 := *o
				o2.ID += "WithPath"
				withPath.Ops = append(withPath.Ops, &o2)
			}
		}
		if withPath != nil {
			return []*PathItem{it, withPath}
		}
		return []*PathItem{it}
	case "log":
		if has("get") {
			o := with(op("get", "read", "get", "read the log of the named "+r.Kind, logParams))
			o.Produces, o.Responses = mediaText, okResponses(text, "200")
			it.Ops = append(it.Ops, o)
		}
		return []*PathItem{it}
	}
	var obj *Schema
	if len(sub.Verbs) > 0 {
		obj = p.typeRef(gvk)
	}
	if has("get") {
		o := with(op("get", "read", "get", "read "+sub.Name+" of the named "+r.Kind, nil))
		o.Responses = okResponses(obj, "200")
		it.Ops = append(it.Ops, o)
	}
	if has("create") {
		o := with(op("post", "create", "post", "create "+sub.Name+" of the named "+r.Kind, writeParams))
		o.Body, o.BodyRequired, o.Responses = obj, true, okResponses(obj, "200", "201", "202")
		it.Ops = append(it.Ops, o)
	}
	if has("update") {
		o := with(op("put", "replace", "put", "replace "+sub.Name+" of the named "+r.Kind, writeParams))
		o.Body, o.BodyRequired, o.Responses = obj, true, okResponses(obj, "200", "201")
		it.Ops = append(it.Ops, o)
	}
	if has("patch") {
		o := with(op("patch", "patch", "patch", "partially update "+sub.Name+" of the named "+r.Kind, patchParams))
		o.Body, o.BodyRequired, o.Consumes, o.Responses = &Schema{Ref: patchDefName}, true, mediaPatch, okResponses(obj, "200", "201")
		it.Ops = append(it.Ops, o)
	}
	if len(it.Ops) == 0 {
		p.warn("openapi-gen: %s/%s serves no verb the generator knows (%v)", r.Resource, sub.Name, sub.Verbs)
	}
	return []*PathItem{it}
}

// discoveryPaths returns the discovery operations: /api/, /apis/, each
// group and each group version.
func (p *pathBuilder) discoveryPaths(gvs []schema.GroupVersion) []*PathItem {
	var items []*PathItem
	groups := map[string]bool{}
	core := false
	for _, gv := range gvs {
		tag := groupTag(gv.Group)
		if gv.Group == "" {
			core = true
		} else {
			groups[gv.Group] = true
		}
		root := "/apis/" + gv.Group + "/" + gv.Version + "/"
		if gv.Group == "" {
			root = "/api/" + gv.Version + "/"
		}
		items = append(items, &PathItem{Path: root, Doc: docKey(gv), Ops: []*Operation{{
			Method: "get", ID: "get" + capitalize(tag) + capitalize(gv.Version) + "APIResources",
			Description: "list the resources of " + gv.String(), Tag: tag + "_" + gv.Version,
			Consumes: mediaDiscover, Produces: mediaDiscover,
			Responses: okResponses(p.metaRef(metav1.APIResourceList{}), "200"),
		}}})
	}
	if core {
		items = append(items, &PathItem{Path: "/api/", Doc: "api", Ops: []*Operation{{
			Method: "get", ID: "getCoreAPIVersions", Description: "list the versions of the core group", Tag: "core",
			Consumes: mediaDiscover, Produces: mediaDiscover,
			Responses: okResponses(p.metaRef(metav1.APIVersions{}), "200"),
		}}})
	}
	if len(groups) > 0 {
		items = append(items, &PathItem{Path: "/apis/", Doc: "apis", Ops: []*Operation{{
			Method: "get", ID: "getAPIVersions", Description: "list the named groups", Tag: "apis",
			Consumes: mediaDiscover, Produces: mediaDiscover,
			Responses: okResponses(p.metaRef(metav1.APIGroupList{}), "200"),
		}}})
	}
	for g := range groups {
		tag := groupTag(g)
		items = append(items, &PathItem{Path: "/apis/" + g + "/", Doc: "apis/" + g, Ops: []*Operation{{
			Method: "get", ID: "get" + capitalize(tag) + "APIGroup", Description: fmt.Sprintf("describe the %s group", g), Tag: tag,
			Consumes: mediaDiscover, Produces: mediaDiscover,
			Responses: okResponses(p.metaRef(metav1.APIGroup{}), "200"),
		}}})
	}
	return items
}
