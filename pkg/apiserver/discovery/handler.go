package discovery

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/keel/pkg/apiserver/request"
)

// AggregatedContentType is the media type of aggregated discovery answers;
// kubectl uses the answer as aggregated only when it carries exactly this
// Content-Type.
const AggregatedContentType = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"

// Config says what discovery lists.
type Config struct {
	// Resources are the REST resources (runtime.Scheme.Resources()).
	Resources []runtime.ResourceInfo
	// Enabled filters group versions (ResolveRuntimeConfig); nil serves all.
	Enabled Enabled
	// ServerAddress is the "host:port" clients are told to use in
	// serverAddressByClientCIDRs on /api.
	ServerAddress string
}

// document is one pre-encoded answer.
type document struct {
	body []byte
	etag string
}

func newDocument(v any) (document, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return document{}, err
	}
	sum := sha256.Sum256(body)
	return document{body: body, etag: fmt.Sprintf("%q", fmt.Sprintf("%X", sum[:16]))}, nil
}

// Handler serves the discovery documents of a fixed set of resources.
type Handler struct {
	legacy     map[string]document // by URL path
	aggregated map[string]document // "/api" and "/apis"
	served     []schema.GroupVersion
}

// New builds every discovery document once.
func New(cfg Config) (*Handler, error) {
	var enabled func(schema.GroupVersion) bool
	if cfg.Enabled != nil {
		enabled = cfg.Enabled.Has
	}
	core, named := collect(cfg.Resources, enabled)
	h := &Handler{legacy: map[string]document{}, aggregated: map[string]document{}}
	add := func(m map[string]document, path string, v any) error {
		d, err := newDocument(v)
		if err != nil {
			return fmt.Errorf("discovery document %s: %w", path, err)
		}
		m[path] = d
		return nil
	}

	versions := &metav1.APIVersions{Versions: []string{}, ServerAddressByClientCIDRs: []metav1.ServerAddressByClientCIDR{
		{ClientCIDR: "0.0.0.0/0", ServerAddress: cfg.ServerAddress},
	}}
	versions.Kind = "APIVersions"
	if core != nil {
		versions.Versions = append(versions.Versions, core.versions...)
		for _, v := range core.versions {
			gv := schema.GroupVersion{Version: v}
			h.served = append(h.served, gv)
			if err := add(h.legacy, "/api/"+v, resourceList(gv, core.resources[v])); err != nil {
				return nil, err
			}
		}
	}
	if err := add(h.legacy, "/api", versions); err != nil {
		return nil, err
	}
	if err := add(h.aggregated, "/api", aggregated(core)); err != nil {
		return nil, err
	}

	groups := &metav1.APIGroupList{Groups: []metav1.APIGroup{}}
	groups.Kind, groups.APIVersion = "APIGroupList", "v1"
	for _, g := range named {
		ag := apiGroup(g)
		groups.Groups = append(groups.Groups, ag)
		single := ag
		single.Kind, single.APIVersion = "APIGroup", "v1"
		if err := add(h.legacy, "/apis/"+g.name, single); err != nil {
			return nil, err
		}
		for _, v := range g.versions {
			gv := schema.GroupVersion{Group: g.name, Version: v}
			h.served = append(h.served, gv)
			if err := add(h.legacy, "/apis/"+gv.String(), resourceList(gv, g.resources[v])); err != nil {
				return nil, err
			}
		}
	}
	if err := add(h.legacy, "/apis", groups); err != nil {
		return nil, err
	}
	if err := add(h.aggregated, "/apis", aggregated(named...)); err != nil {
		return nil, err
	}
	return h, nil
}

// GroupVersions returns the served group versions, core first, then the
// named groups in discovery order.
func (h *Handler) GroupVersions() []schema.GroupVersion {
	return append([]schema.GroupVersion(nil), h.served...)
}

// Handles reports whether path is a discovery path this handler answers.
func (h *Handler) Handles(path string) bool {
	_, ok := h.legacy[strings.TrimSuffix(path, "/")]
	return ok
}

// ServeHTTP answers GET and HEAD on the discovery paths; others get 404.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimSuffix(r.URL.Path, "/")
	doc, ok := h.legacy[path]
	if !ok {
		writeStatus(w, http.StatusNotFound, metav1.StatusReasonNotFound, "the server could not find the requested resource")
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeStatus(w, http.StatusMethodNotAllowed, metav1.StatusReasonMethodNotAllowed, "the server does not allow this method on the requested resource")
		return
	}
	contentType := "application/json"
	if agg, ok := h.aggregated[path]; ok {
		w.Header().Set("Vary", "Accept")
		switch negotiate(r.Header.Get("Accept")) {
		case wantAggregated:
			doc, contentType = agg, AggregatedContentType
		case wantNone:
			writeStatus(w, http.StatusNotAcceptable, metav1.StatusReasonNotAcceptable,
				"only the following media types are accepted: application/json, "+AggregatedContentType)
			return
		}
	}
	serveDocument(w, r, doc, contentType)
}

func serveDocument(w http.ResponseWriter, r *http.Request, doc document, contentType string) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("ETag", doc.etag)
	if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatches(inm, doc.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Length", fmt.Sprint(len(doc.body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(doc.body)
	}
}

func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(t), "W/"))
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

type want int

const (
	wantLegacy want = iota
	wantAggregated
	wantNone
)

// negotiate picks the answer form from an Accept header: the first
// acceptable entry wins; apidiscovery.k8s.io/v2 APIGroupDiscoveryList is
// aggregated, plain JSON or a wildcard is legacy.
func negotiate(accept string) want {
	for _, mt := range request.ParseAccept(accept) {
		if mt.IsConversion() {
			if mt.As == "APIGroupDiscoveryList" && mt.Group == "apidiscovery.k8s.io" && mt.Version == "v2" &&
				(mt.Type == "application/json" || mt.Type == "application/*" || mt.Type == "*/*") {
				return wantAggregated
			}
			continue
		}
		if mt.Matches("application/json") {
			return wantLegacy
		}
	}
	if strings.TrimSpace(accept) == "" {
		return wantLegacy
	}
	// Discovery is only written as JSON; a client asking for another
	// ordinary media type (protobuf, YAML) gets JSON rather than an error,
	// while one asking only for forms we lack gets 406.
	for _, mt := range request.ParseAccept(accept) {
		if !mt.IsConversion() {
			return wantLegacy
		}
	}
	return wantNone
}

// writeStatus writes a failure Status; this package stays free of the
// filters package so the server can mount it anywhere.
func writeStatus(w http.ResponseWriter, code int, reason metav1.StatusReason, msg string) {
	s := metav1.Status{Status: metav1.StatusFailure, Message: msg, Reason: reason, Details: &metav1.StatusDetails{}, Code: int32(code)}
	s.Kind, s.APIVersion = "Status", "v1"
	var buf bytes.Buffer
	_ = json.NewEncoder(&buf).Encode(s)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	_, _ = w.Write(buf.Bytes())
}
