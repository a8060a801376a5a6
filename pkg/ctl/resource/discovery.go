package resource

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"keel.dev/keel/pkg/ctl/client"
)

// Info is one API resource as discovery describes it.
type Info struct {
	Group        string
	Version      string
	Resource     string
	Kind         string
	Singular     string
	Namespaced   bool
	ShortNames   []string
	Categories   []string
	Verbs        []string
	Subresources []string
	// Preferred marks the preferred version of the group.
	Preferred bool
}

// GroupVersion returns "v1" or "apps/v1".
func (i Info) GroupVersion() string {
	if i.Group == "" {
		return i.Version
	}
	return i.Group + "/" + i.Version
}

// GroupResource returns "pods" or "deployments.apps".
func (i Info) GroupResource() string {
	if i.Group == "" {
		return i.Resource
	}
	return i.Resource + "." + i.Group
}

// GroupKind returns "Pod" or "Deployment.apps".
func (i Info) GroupKind() string {
	if i.Group == "" {
		return i.Kind
	}
	return i.Kind + "." + i.Group
}

// KindForName returns the lowercase kind qualified by group, as `-o name`
// and the "created" messages print it: pod, deployment.apps.
func (i Info) KindForName() string {
	if i.Group == "" {
		return strings.ToLower(i.Kind)
	}
	return strings.ToLower(i.Kind) + "." + i.Group
}

// Path builds the URL path of the resource in namespace ns (empty for
// cluster-scoped or all namespaces) with optional name and subresource.
func (i Info) Path(ns, name string, sub ...string) string {
	var b strings.Builder
	if i.Group == "" {
		b.WriteString("/api/" + i.Version)
	} else {
		b.WriteString("/apis/" + i.Group + "/" + i.Version)
	}
	if i.Namespaced && ns != "" {
		b.WriteString("/namespaces/" + ns)
	}
	b.WriteString("/" + i.Resource)
	if name != "" {
		b.WriteString("/" + name)
	}
	for _, s := range sub {
		b.WriteString("/" + s)
	}
	return b.String()
}

// HasVerb reports whether the resource supports verb.
func (i Info) HasVerb(v string) bool {
	for _, x := range i.Verbs {
		if x == v {
			return true
		}
	}
	return false
}

// Mapper resolves names through discovery; it loads once and caches.
type Mapper struct {
	Client *client.Client

	mu        sync.Mutex
	loaded    bool
	resources []Info
	groups    []GroupVersions
}

// GroupVersions is one API group with its versions, preferred first.
type GroupVersions struct {
	Name     string
	Versions []string
}

// NewMapper returns a mapper over c.
func NewMapper(c *client.Client) *Mapper { return &Mapper{Client: c} }

// NotFoundError is returned for names discovery does not know.
type NotFoundError struct{ Name string }

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("the server doesn't have a resource type %q", e.Name)
}

// Resources returns every discovered resource (all versions).
func (m *Mapper) Resources(ctx context.Context) ([]Info, error) {
	if err := m.load(ctx); err != nil {
		return nil, err
	}
	return m.resources, nil
}

// Groups returns the discovered groups ("" is the core group).
func (m *Mapper) Groups(ctx context.Context) ([]GroupVersions, error) {
	if err := m.load(ctx); err != nil {
		return nil, err
	}
	return m.groups, nil
}

// Resolve maps a typed resource name to a resource: plural, singular, short
// name or kind, optionally qualified as name.group or name.version.group.
func (m *Mapper) Resolve(ctx context.Context, name string) (Info, error) {
	if err := m.load(ctx); err != nil {
		return Info{}, err
	}
	lname := strings.ToLower(name)
	res, group, version := lname, "", ""
	if i := strings.Index(lname, "."); i > 0 {
		res = lname[:i]
		rest := lname[i+1:]
		// name.version.group when the second segment looks like a version.
		if j := strings.Index(rest, "."); j > 0 && looksLikeVersion(rest[:j]) {
			version, group = rest[:j], rest[j+1:]
		} else {
			group = rest
		}
	}
	var best *Info
	for pass := 0; pass < 2 && best == nil; pass++ {
		for idx := range m.resources {
			r := &m.resources[idx]
			if group != "" && r.Group != group {
				continue
			}
			if version != "" && r.Version != version {
				continue
			}
			if version == "" && !r.Preferred {
				continue
			}
			if !matches(r, res, pass) {
				continue
			}
			if best == nil {
				best = r
			}
		}
	}
	if best == nil {
		return Info{}, &NotFoundError{Name: name}
	}
	return *best, nil
}

// matches compares in two passes: exact plural/singular/kind first, then short names.
func matches(r *Info, n string, pass int) bool {
	if pass == 0 {
		return r.Resource == n || r.Singular == n || strings.ToLower(r.Kind) == n
	}
	for _, s := range r.ShortNames {
		if s == n {
			return true
		}
	}
	return false
}

func looksLikeVersion(s string) bool {
	return len(s) > 1 && s[0] == 'v' && s[1] >= '0' && s[1] <= '9'
}

// ForKind returns the resource serving kind in apiVersion ("v1", "apps/v1").
func (m *Mapper) ForKind(ctx context.Context, apiVersion, kind string) (Info, error) {
	if err := m.load(ctx); err != nil {
		return Info{}, err
	}
	group, version := "", apiVersion
	if i := strings.LastIndex(apiVersion, "/"); i >= 0 {
		group, version = apiVersion[:i], apiVersion[i+1:]
	}
	for _, r := range m.resources {
		if r.Group == group && r.Version == version && r.Kind == kind {
			return r, nil
		}
	}
	return Info{}, fmt.Errorf("resource mapping not found for name: kind %q in version %q: ensure CRDs are installed first", kind, apiVersion)
}

// Invalidate forgets the cache so the next call rediscovers.
func (m *Mapper) Invalidate() {
	m.mu.Lock()
	m.loaded = false
	m.resources = nil
	m.groups = nil
	m.mu.Unlock()
}

func (m *Mapper) load(ctx context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.loaded {
		return nil
	}
	for _, root := range []string{"/api", "/apis"} {
		resp, err := m.Client.Do(ctx, client.Request{Method: http.MethodGet, Path: root, Accept: client.AcceptAggregatedDiscovery})
		if err != nil {
			return err
		}
		if strings.Contains(resp.ContentType, "as=APIGroupDiscoveryList") {
			if err := m.addAggregated(resp.Body); err != nil {
				return err
			}
			continue
		}
		if err := m.addLegacy(ctx, root, resp.Body); err != nil {
			return err
		}
	}
	m.loaded = true
	return nil
}

type aggList struct {
	Items []struct {
		Metadata struct {
			Name string `json:"name"`
		} `json:"metadata"`
		Versions []struct {
			Version   string `json:"version"`
			Resources []struct {
				Resource     string `json:"resource"`
				ResponseKind struct {
					Kind string `json:"kind"`
				} `json:"responseKind"`
				Scope            string   `json:"scope"`
				SingularResource string   `json:"singularResource"`
				Verbs            []string `json:"verbs"`
				ShortNames       []string `json:"shortNames"`
				Categories       []string `json:"categories"`
				Subresources     []struct {
					Subresource string `json:"subresource"`
				} `json:"subresources"`
			} `json:"resources"`
		} `json:"versions"`
	} `json:"items"`
}

func (m *Mapper) addAggregated(data []byte) error {
	var l aggList
	if err := json.Unmarshal(data, &l); err != nil {
		return fmt.Errorf("decoding discovery: %w", err)
	}
	for _, g := range l.Items {
		gv := GroupVersions{Name: g.Metadata.Name}
		for vi, v := range g.Versions {
			gv.Versions = append(gv.Versions, v.Version)
			for _, r := range v.Resources {
				info := Info{Group: g.Metadata.Name, Version: v.Version, Resource: r.Resource, Kind: r.ResponseKind.Kind,
					Singular: r.SingularResource, Namespaced: r.Scope == "Namespaced", ShortNames: r.ShortNames,
					Categories: r.Categories, Verbs: r.Verbs, Preferred: vi == 0}
				for _, s := range r.Subresources {
					info.Subresources = append(info.Subresources, s.Subresource)
				}
				m.resources = append(m.resources, info)
			}
		}
		m.groups = append(m.groups, gv)
	}
	return nil
}

type legacyResourceList struct {
	GroupVersion string `json:"groupVersion"`
	Resources    []struct {
		Name         string   `json:"name"`
		SingularName string   `json:"singularName"`
		Namespaced   bool     `json:"namespaced"`
		Kind         string   `json:"kind"`
		Verbs        []string `json:"verbs"`
		ShortNames   []string `json:"shortNames"`
		Categories   []string `json:"categories"`
	} `json:"resources"`
}

func (m *Mapper) addLegacy(ctx context.Context, root string, data []byte) error {
	type gvPair struct{ group, version string }
	var todo []gvPair
	if root == "/api" {
		var v struct {
			Versions []string `json:"versions"`
		}
		if err := json.Unmarshal(data, &v); err != nil {
			return fmt.Errorf("decoding discovery: %w", err)
		}
		m.groups = append(m.groups, GroupVersions{Name: "", Versions: v.Versions})
		for _, ver := range v.Versions {
			todo = append(todo, gvPair{"", ver})
		}
	} else {
		var gl struct {
			Groups []struct {
				Name     string `json:"name"`
				Versions []struct {
					Version string `json:"version"`
				} `json:"versions"`
				PreferredVersion struct {
					Version string `json:"version"`
				} `json:"preferredVersion"`
			} `json:"groups"`
		}
		if err := json.Unmarshal(data, &gl); err != nil {
			return fmt.Errorf("decoding discovery: %w", err)
		}
		for _, g := range gl.Groups {
			gv := GroupVersions{Name: g.Name}
			if g.PreferredVersion.Version != "" {
				gv.Versions = append(gv.Versions, g.PreferredVersion.Version)
			}
			for _, v := range g.Versions {
				if v.Version != g.PreferredVersion.Version {
					gv.Versions = append(gv.Versions, v.Version)
				}
			}
			m.groups = append(m.groups, gv)
			for _, v := range gv.Versions {
				todo = append(todo, gvPair{g.Name, v})
			}
		}
	}
	preferred := map[gvPair]bool{}
	for _, g := range m.groups {
		if len(g.Versions) > 0 {
			preferred[gvPair{g.Name, g.Versions[0]}] = true
		}
	}
	for _, p := range todo {
		path := "/apis/" + p.group + "/" + p.version
		if p.group == "" {
			path = "/api/" + p.version
		}
		var rl legacyResourceList
		if err := m.Client.GetJSON(ctx, path, nil, &rl); err != nil {
			return err
		}
		subs := map[string][]string{}
		for _, r := range rl.Resources {
			if i := strings.Index(r.Name, "/"); i > 0 {
				subs[r.Name[:i]] = append(subs[r.Name[:i]], r.Name[i+1:])
			}
		}
		for _, r := range rl.Resources {
			if strings.Contains(r.Name, "/") {
				continue
			}
			m.resources = append(m.resources, Info{Group: p.group, Version: p.version, Resource: r.Name, Kind: r.Kind,
				Singular: r.SingularName, Namespaced: r.Namespaced, ShortNames: r.ShortNames, Categories: r.Categories,
				Verbs: r.Verbs, Subresources: subs[r.Name], Preferred: preferred[p]})
		}
	}
	return nil
}
