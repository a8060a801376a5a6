package discovery

import (
	"bytes"
	"crypto/sha512"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/keel/pkg/apiserver/request"
)

// The layout of the generated documents (see hack/tools/openapi-gen).
const (
	openAPIV2File   = "swagger.json"
	openAPIV3Dir    = "v3"
	openAPIV3Suffix = "_openapi.json"
)

// OpenAPIV2ProtobufType is the media type of the protobuf OpenAPI v2
// document kubectl asks for. Keel serves only JSON and answers 406 Not
// Acceptable to a request that accepts nothing else; kubectl treats that
// like a missing document and falls back to its compiled-in types for
// strategic merge patches (KUBECTL.md §1.6).
const OpenAPIV2ProtobufType = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf"

// OpenAPI serves /openapi/v2 and /openapi/v3 from the generated documents,
// restricted to the served group versions.
type OpenAPI struct {
	v2      []byte
	v2ETag  string
	v3Index []byte
	v3ETag  string
	v3      map[string]v3Doc // by key ("api/v1", "apis/apps/v1")
}

type v3Doc struct {
	body []byte
	hash string // upper-case hex SHA-512 of body
}

// NewOpenAPI loads swagger.json and v3/*_openapi.json from fsys (the
// api.OpenAPISpec() directory) and keeps what belongs to the served group
// versions: v3 documents of other group versions are dropped and so are v2
// paths under them. Missing documents are served as 404.
func NewOpenAPI(fsys fs.FS, served []schema.GroupVersion) (*OpenAPI, error) {
	keep := servedPaths(served)
	o := &OpenAPI{v3: map[string]v3Doc{}}
	v2, err := fs.ReadFile(fsys, openAPIV2File)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("read OpenAPI v2: %w", err)
	default:
		if o.v2, err = filterV2(v2, keep); err != nil {
			return nil, err
		}
		o.v2ETag = etagOf(o.v2)
	}
	entries, err := fs.ReadDir(fsys, openAPIV3Dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read OpenAPI v3: %w", err)
	}
	index := map[string]map[string]string{}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), openAPIV3Suffix) {
			continue
		}
		key := strings.ReplaceAll(strings.TrimSuffix(e.Name(), openAPIV3Suffix), "__", "/")
		if !keep(key) {
			continue
		}
		body, err := fs.ReadFile(fsys, openAPIV3Dir+"/"+e.Name())
		if err != nil {
			return nil, fmt.Errorf("read OpenAPI v3 %s: %w", key, err)
		}
		sum := sha512.Sum512(body)
		d := v3Doc{body: body, hash: fmt.Sprintf("%X", sum)}
		o.v3[key] = d
		index[key] = map[string]string{"serverRelativeURL": v3URL(key, d.hash)}
	}
	if o.v3Index, err = json.Marshal(map[string]any{"paths": index}); err != nil {
		return nil, err
	}
	o.v3ETag = etagOf(o.v3Index)
	return o, nil
}

func v3URL(key, hash string) string {
	return "/openapi/v3/" + key + "?hash=" + hash
}

func etagOf(b []byte) string {
	sum := sha512.Sum512(b)
	return fmt.Sprintf("%q", fmt.Sprintf("%X", sum[:16]))
}

// servedPaths returns a predicate over API paths without the leading slash
// ("api/v1", "apis/apps", "apis/apps/v1/namespaces/…"): paths of group
// versions that are not served are false, everything else true.
func servedPaths(served []schema.GroupVersion) func(string) bool {
	gvs := map[schema.GroupVersion]bool{}
	groups := map[string]bool{}
	for _, gv := range served {
		gvs[gv] = true
		groups[gv.Group] = true
	}
	return func(p string) bool {
		parts := strings.Split(strings.Trim(p, "/"), "/")
		switch {
		case parts[0] == "api" && len(parts) >= 2:
			return gvs[schema.GroupVersion{Version: parts[1]}]
		case parts[0] == "apis" && len(parts) == 2:
			return groups[parts[1]]
		case parts[0] == "apis" && len(parts) >= 3:
			return gvs[schema.GroupVersion{Group: parts[1], Version: parts[2]}]
		}
		return true
	}
}

// filterV2 drops the paths of unserved group versions from a v2 document.
func filterV2(doc []byte, keep func(string) bool) ([]byte, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(doc, &top); err != nil {
		return nil, fmt.Errorf("parse OpenAPI v2: %w", err)
	}
	var paths map[string]json.RawMessage
	if raw, ok := top["paths"]; ok {
		if err := json.Unmarshal(raw, &paths); err != nil {
			return nil, fmt.Errorf("parse OpenAPI v2 paths: %w", err)
		}
	}
	dropped := false
	for p := range paths {
		if !keep(p) {
			delete(paths, p)
			dropped = true
		}
	}
	if !dropped {
		return doc, nil
	}
	raw, err := json.Marshal(paths)
	if err != nil {
		return nil, err
	}
	top["paths"] = raw
	return json.Marshal(top)
}

// V3Keys returns the keys of the served v3 documents, sorted.
func (o *OpenAPI) V3Keys() []string {
	keys := make([]string, 0, len(o.v3))
	for k := range o.v3 {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// ServeHTTP answers /openapi/v2, /openapi/v3 and /openapi/v3/<key>.
func (o *OpenAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeStatus(w, http.StatusMethodNotAllowed, metav1.StatusReasonMethodNotAllowed, "the server does not allow this method on the requested resource")
		return
	}
	path := strings.TrimSuffix(r.URL.Path, "/")
	switch {
	case path == "/openapi/v2":
		o.serveV2(w, r)
	case path == "/openapi/v3":
		w.Header().Set("ETag", o.v3ETag)
		w.Header().Set("Content-Type", "application/json")
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(o.v3Index))
	case strings.HasPrefix(path, "/openapi/v3/"):
		o.serveV3(w, r, strings.TrimPrefix(path, "/openapi/v3/"))
	default:
		notFound(w)
	}
}

func notFound(w http.ResponseWriter) {
	writeStatus(w, http.StatusNotFound, metav1.StatusReasonNotFound, "the server could not find the requested resource")
}

// acceptsJSON reports whether an Accept header admits a JSON answer.
func acceptsJSON(accept string) bool {
	for _, mt := range request.ParseAccept(accept) {
		if !mt.IsConversion() && mt.Matches("application/json") {
			return true
		}
	}
	return false
}

func (o *OpenAPI) serveV2(w http.ResponseWriter, r *http.Request) {
	if o.v2 == nil {
		notFound(w)
		return
	}
	w.Header().Set("Vary", "Accept")
	if !acceptsJSON(r.Header.Get("Accept")) {
		writeStatus(w, http.StatusNotAcceptable, metav1.StatusReasonNotAcceptable,
			"only the following media types are accepted: application/json")
		return
	}
	w.Header().Set("ETag", o.v2ETag)
	w.Header().Set("Content-Type", "application/json")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(o.v2))
}

func (o *OpenAPI) serveV3(w http.ResponseWriter, r *http.Request, key string) {
	d, ok := o.v3[key]
	if !ok {
		notFound(w)
		return
	}
	w.Header().Set("Vary", "Accept")
	if !acceptsJSON(r.Header.Get("Accept")) {
		writeStatus(w, http.StatusNotAcceptable, metav1.StatusReasonNotAcceptable,
			"only the following media types are accepted: application/json")
		return
	}
	if hash := r.URL.Query().Get("hash"); hash != "" {
		if hash != d.hash {
			// An outdated hash: send the client to the current document.
			u := url.URL{Path: "/openapi/v3/" + key, RawQuery: "hash=" + d.hash}
			http.Redirect(w, r, u.String(), http.StatusMovedPermanently)
			return
		}
		w.Header().Set("Cache-Control", "public, immutable")
		w.Header().Set("Expires", time.Now().AddDate(1, 0, 0).UTC().Format(http.TimeFormat))
	}
	w.Header().Set("ETag", fmt.Sprintf("%q", d.hash))
	w.Header().Set("Content-Type", "application/json")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(d.body))
}
