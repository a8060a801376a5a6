package request

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"keel.dev/apimachinery/pkg/fields"
)

// Info describes one API request.
type Info struct {
	// IsResourceRequest is false for non-resource paths (/healthz, /version, /api, /apis/G).
	IsResourceRequest bool
	// Path is the request path.
	Path string
	// Verb is get, list, watch, create, update, patch, delete or deletecollection
	// for resource requests, the lower-cased HTTP method otherwise.
	Verb string
	// APIPrefix is "api" (core group) or "apis".
	APIPrefix string
	// APIGroup and APIVersion name the group version ("" and "v1" for core).
	APIGroup   string
	APIVersion string
	// Namespace of the request; empty for cluster-scoped and all-namespace requests.
	Namespace string
	// Resource is the plural ("pods").
	Resource string
	// Subresource is the part after the name ("status"), if any.
	Subresource string
	// Name of the object, empty for collections.
	Name string
	// SelectorName is the one object a list or watch selects with the
	// field selector metadata.name=<name>; authorization treats it as the
	// request's name, as Kubernetes does.
	SelectorName string
	// Parts are the path segments after the version.
	Parts []string
}

// namespaceSubresources are the subresources of a namespace object itself
// (/api/v1/namespaces/NAME/status), as opposed to namespaced collections.
var namespaceSubresources = map[string]bool{"status": true, "finalize": true}

// Parse parses the request's URL into an Info. A path that is not under /api
// or /apis, or that stops before a resource, is a non-resource request.
func Parse(r *http.Request) (*Info, error) {
	info := &Info{Path: r.URL.Path, Verb: strings.ToLower(r.Method)}
	parts := splitPath(r.URL.Path)
	if len(parts) < 1 {
		return info, nil
	}
	switch parts[0] {
	case "api":
		if len(parts) < 3 {
			return info, nil // /api, /api/v1
		}
		info.APIPrefix, info.APIVersion = "api", parts[1]
		parts = parts[2:]
	case "apis":
		if len(parts) < 4 {
			return info, nil // /apis, /apis/G, /apis/G/V
		}
		info.APIPrefix, info.APIGroup, info.APIVersion = "apis", parts[1], parts[2]
		parts = parts[3:]
	default:
		return info, nil
	}
	info.IsResourceRequest = true
	info.Parts = parts

	watchPath := false
	if parts[0] == "watch" {
		watchPath = true
		parts = parts[1:]
		if len(parts) == 0 {
			return nil, fmt.Errorf("watch path %q names no resource", r.URL.Path)
		}
	}
	if parts[0] == "namespaces" && len(parts) > 1 {
		info.Namespace = parts[1]
		if len(parts) > 2 && !namespaceSubresources[parts[2]] {
			parts = parts[2:]
		}
	}
	info.Resource = parts[0]
	if len(parts) > 1 {
		info.Name = parts[1]
	}
	if len(parts) > 2 {
		info.Subresource = parts[2]
	}
	if len(parts) > 3 {
		if info.Subresource != "proxy" {
			return nil, fmt.Errorf("path %q has too many segments", r.URL.Path)
		}
	}
	if info.Resource == "namespaces" {
		// The namespace object: its name is the namespace segment.
		info.Namespace = info.Name
		if info.Name == "" {
			info.Namespace = ""
		}
	}

	q := r.URL.Query()
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		switch {
		case watchPath, isTrue(q.Get("watch")):
			info.Verb = "watch"
		case info.Name == "":
			info.Verb = "list"
		default:
			info.Verb = "get"
		}
	case http.MethodPost:
		info.Verb = "create"
	case http.MethodPut:
		info.Verb = "update"
	case http.MethodPatch:
		info.Verb = "patch"
	case http.MethodDelete:
		if info.Name == "" {
			info.Verb = "deletecollection"
		} else {
			info.Verb = "delete"
		}
	}
	if info.Name == "" && (info.Verb == "list" || info.Verb == "watch") {
		if sel, err := fields.ParseSelector(q.Get("fieldSelector")); err == nil {
			info.SelectorName, _ = sel.RequiresExactMatch("metadata.name")
		}
	}
	if watchPath && info.Verb != "watch" {
		return nil, fmt.Errorf("watch paths only serve GET")
	}
	return info, nil
}

func isTrue(s string) bool { return s == "true" || s == "1" }

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

type infoKey struct{}

// WithInfo stores the Info in the context.
func WithInfo(ctx context.Context, info *Info) context.Context {
	return context.WithValue(ctx, infoKey{}, info)
}

// InfoFrom returns the Info stored in the context, if any.
func InfoFrom(ctx context.Context) (*Info, bool) {
	info, ok := ctx.Value(infoKey{}).(*Info)
	return info, ok
}
