package namespace

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/client/clock"
	"keel.dev/client/rest"
)

// Resource is one namespaced resource the controller empties.
type Resource struct {
	// GVR is the served (preferred) version of the resource.
	GVR schema.GroupVersionResource
	// DeleteCollection says the resource serves DELETE on its collection.
	DeleteCollection bool
}

// DiscoverFunc returns the namespaced resources that support list and
// delete. An error with a non-empty result reports a partial discovery.
type DiscoverFunc func(ctx context.Context) ([]Resource, error)

// discoveryCache serves the result of a DiscoverFunc for a while, so
// every namespace sync does not ask the apiserver again.
type discoveryCache struct {
	discover DiscoverFunc
	clock    clock.Clock
	ttl      time.Duration

	mu      sync.Mutex
	fetched time.Time
	cached  []Resource
}

// get returns the cached resources, refreshing them when older than the
// TTL. A failed refresh keeps the previous result and reports the error.
func (d *discoveryCache) get(ctx context.Context) ([]Resource, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.cached != nil && d.clock.Since(d.fetched) < d.ttl {
		return d.cached, nil
	}
	got, err := d.discover(ctx)
	if len(got) > 0 {
		d.cached = orderForDeletion(got)
		if err == nil {
			d.fetched = d.clock.Now()
		}
	}
	if d.cached == nil {
		return nil, err
	}
	return d.cached, err
}

// orderForDeletion puts pods first, so graceful termination starts while
// the other resources are being emptied, then sorts by group and resource.
func orderForDeletion(rs []Resource) []Resource {
	out := slices.Clone(rs)
	sort.SliceStable(out, func(i, j int) bool {
		pi, pj := isPods(out[i].GVR.GroupResource()), isPods(out[j].GVR.GroupResource())
		if pi != pj {
			return pi
		}
		return out[i].GVR.String() < out[j].GVR.String()
	})
	return out
}

func isPods(gr schema.GroupResource) bool { return gr.Group == "" && gr.Resource == "pods" }

// SchemeResources lists the namespaced resources of s with list and
// delete, one version per group and resource; it serves as discovery when
// the apiserver cannot be asked (unit tests) and as a filter source.
func SchemeResources(s *runtime.Scheme) []Resource {
	seen := map[schema.GroupResource]bool{}
	var out []Resource
	for _, info := range s.Resources() {
		if !info.Namespaced || !slices.Contains(info.Verbs, "list") || !slices.Contains(info.Verbs, "delete") {
			continue
		}
		gr := info.GroupVersionResource.GroupResource()
		if seen[gr] {
			continue
		}
		seen[gr] = true
		out = append(out, Resource{GVR: info.GroupVersionResource, DeleteCollection: slices.Contains(info.Verbs, "deletecollection")})
	}
	return out
}

// Discover asks the apiserver (GET /api/v1, /apis and each group's
// preferred version) for the namespaced resources with list and delete.
// Groups that fail are skipped and reported in the returned error.
func Discover(rc *rest.Client) DiscoverFunc {
	return func(ctx context.Context) ([]Resource, error) {
		get := func(path string, into any) error {
			raw, err := rc.Get().AbsPath(path).SetHeader("Accept", "application/json").DoRaw(ctx)
			if err != nil {
				return fmt.Errorf("discover %s: %w", path, err)
			}
			if err := json.Unmarshal(raw, into); err != nil {
				return fmt.Errorf("decode %s: %w", path, err)
			}
			return nil
		}
		gvs := []schema.GroupVersion{{Version: "v1"}}
		var groups metav1.APIGroupList
		if err := get("/apis", &groups); err != nil {
			return nil, err
		}
		for _, g := range groups.Groups {
			v := g.PreferredVersion.Version
			if v == "" && len(g.Versions) > 0 {
				v = g.Versions[0].Version
			}
			if v != "" {
				gvs = append(gvs, schema.GroupVersion{Group: g.Name, Version: v})
			}
		}
		var out []Resource
		var failed []string
		for _, gv := range gvs {
			path := "/apis/" + gv.String()
			if gv.Group == "" {
				path = "/api/" + gv.Version
			}
			var list metav1.APIResourceList
			if err := get(path, &list); err != nil {
				failed = append(failed, gv.String())
				continue
			}
			for _, r := range list.APIResources {
				if !r.Namespaced || strings.Contains(r.Name, "/") ||
					!slices.Contains(r.Verbs, "list") || !slices.Contains(r.Verbs, "delete") {
					continue
				}
				out = append(out, Resource{GVR: gv.WithResource(r.Name), DeleteCollection: slices.Contains(r.Verbs, "deletecollection")})
			}
		}
		if len(failed) > 0 {
			return out, &DiscoveryError{GroupVersions: failed}
		}
		return out, nil
	}
}

// DiscoveryError names the group versions discovery could not read.
type DiscoveryError struct {
	GroupVersions []string
}

func (e *DiscoveryError) Error() string {
	return "unable to retrieve the complete list of server APIs: " + strings.Join(e.GroupVersions, ", ")
}
