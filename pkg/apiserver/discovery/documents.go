package discovery

import (
	"crypto/sha256"
	"encoding/base64"
	"slices"
	"sort"
	"strings"

	apidiscoveryv2 "keel.dev/api/apidiscovery/v2"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
)

// groupDocs is what discovery knows about one group.
type groupDocs struct {
	name     string
	versions []string // preferred first
	// resources of each version, sorted by resource name.
	resources map[string][]runtime.ResourceInfo
}

// collect groups the enabled resources by group and version.
func collect(resources []runtime.ResourceInfo, enabled func(schema.GroupVersion) bool) (core *groupDocs, named []*groupDocs) {
	byGroup := map[string]*groupDocs{}
	for _, r := range resources {
		gv := r.GroupVersion()
		if enabled != nil && !enabled(gv) {
			continue
		}
		g := byGroup[gv.Group]
		if g == nil {
			g = &groupDocs{name: gv.Group, resources: map[string][]runtime.ResourceInfo{}}
			byGroup[gv.Group] = g
		}
		if _, ok := g.resources[gv.Version]; !ok {
			g.versions = append(g.versions, gv.Version)
		}
		g.resources[gv.Version] = append(g.resources[gv.Version], r)
	}
	for _, g := range byGroup {
		slices.SortFunc(g.versions, CompareVersions)
		for _, rs := range g.resources {
			sort.Slice(rs, func(i, j int) bool { return rs[i].Resource < rs[j].Resource })
		}
		if g.name == "" {
			core = g
			continue
		}
		named = append(named, g)
	}
	slices.SortFunc(named, func(a, b *groupDocs) int { return compareGroups(a.name, b.name) })
	return core, named
}

// sortedVerbs returns a sorted copy of verbs, never nil.
func sortedVerbs(verbs []string) []string {
	out := append([]string{}, verbs...)
	sort.Strings(out)
	return out
}

func singular(r runtime.ResourceInfo) string {
	if r.Singular != "" {
		return r.Singular
	}
	return strings.ToLower(r.Kind)
}

// StorageVersionHash is the opaque hash discovery publishes for a resource
// stored as gvk: the first 8 bytes of SHA-256 over "group/version/kind",
// base64-encoded, as Kubernetes computes it.
func StorageVersionHash(gvk schema.GroupVersionKind) string {
	sum := sha256.Sum256([]byte(gvk.Group + "/" + gvk.Version + "/" + gvk.Kind))
	return base64.StdEncoding.EncodeToString(sum[:8])
}

// subKind returns the kind a subresource serves and whether it lives in a
// group version other than the resource's own.
func subKind(r runtime.ResourceInfo, s runtime.SubresourceInfo) (schema.GroupVersionKind, bool) {
	k := s.Kind
	if k.Kind == "" {
		return r.GroupVersionKind(), false
	}
	if k.Version == "" {
		k.Group, k.Version = r.Group, r.Version
	}
	return k, k.GroupVersion() != r.GroupVersion()
}

func sortedSubresources(r runtime.ResourceInfo) []runtime.SubresourceInfo {
	subs := slices.Clone(r.Subresources)
	sort.Slice(subs, func(i, j int) bool { return subs[i].Name < subs[j].Name })
	return subs
}

// resourceList builds the legacy APIResourceList of one group version.
func resourceList(gv schema.GroupVersion, rs []runtime.ResourceInfo) *metav1.APIResourceList {
	list := &metav1.APIResourceList{GroupVersion: gv.String(), APIResources: []metav1.APIResource{}}
	list.Kind = "APIResourceList"
	if gv.Group != "" {
		list.APIVersion = "v1"
	}
	for _, r := range rs {
		list.APIResources = append(list.APIResources, metav1.APIResource{
			Name:               r.Resource,
			SingularName:       singular(r),
			Namespaced:         r.Namespaced,
			Kind:               r.Kind,
			Verbs:              sortedVerbs(r.Verbs),
			ShortNames:         slices.Clone(r.ShortNames),
			Categories:         slices.Clone(r.Categories),
			StorageVersionHash: StorageVersionHash(r.GroupVersionKind()),
		})
		for _, s := range sortedSubresources(r) {
			k, foreign := subKind(r, s)
			res := metav1.APIResource{
				Name:       r.Resource + "/" + s.Name,
				Namespaced: r.Namespaced,
				Kind:       k.Kind,
				Verbs:      sortedVerbs(s.Verbs),
			}
			if foreign {
				res.Group, res.Version = k.Group, k.Version
			}
			list.APIResources = append(list.APIResources, res)
		}
	}
	return list
}

// responseKind is the aggregated form of a kind: group and version are
// empty when they are the listing's own.
func responseKind(listing schema.GroupVersion, k schema.GroupVersionKind) *apidiscoveryv2.GroupVersionKind {
	if k.GroupVersion() == listing {
		return &apidiscoveryv2.GroupVersionKind{Kind: k.Kind}
	}
	return &apidiscoveryv2.GroupVersionKind{Group: k.Group, Version: k.Version, Kind: k.Kind}
}

// groupDiscovery builds the aggregated document of one group.
func groupDiscovery(g *groupDocs) apidiscoveryv2.APIGroupDiscovery {
	out := apidiscoveryv2.APIGroupDiscovery{}
	out.Name = g.name
	for _, v := range g.versions {
		gv := schema.GroupVersion{Group: g.name, Version: v}
		vd := apidiscoveryv2.APIVersionDiscovery{Version: v, Freshness: apidiscoveryv2.DiscoveryFreshnessCurrent}
		for _, r := range g.resources[v] {
			rd := apidiscoveryv2.APIResourceDiscovery{
				Resource:         r.Resource,
				ResponseKind:     responseKind(gv, r.GroupVersionKind()),
				Scope:            apidiscoveryv2.ScopeCluster,
				SingularResource: singular(r),
				Verbs:            sortedVerbs(r.Verbs),
				ShortNames:       slices.Clone(r.ShortNames),
				Categories:       slices.Clone(r.Categories),
			}
			if r.Namespaced {
				rd.Scope = apidiscoveryv2.ScopeNamespace
			}
			for _, s := range sortedSubresources(r) {
				k, _ := subKind(r, s)
				rd.Subresources = append(rd.Subresources, apidiscoveryv2.APISubresourceDiscovery{
					Subresource:  s.Name,
					ResponseKind: responseKind(gv, k),
					Verbs:        sortedVerbs(s.Verbs),
				})
			}
			vd.Resources = append(vd.Resources, rd)
		}
		out.Versions = append(out.Versions, vd)
	}
	return out
}

// aggregated builds an APIGroupDiscoveryList of groups.
func aggregated(groups ...*groupDocs) *apidiscoveryv2.APIGroupDiscoveryList {
	list := &apidiscoveryv2.APIGroupDiscoveryList{Items: []apidiscoveryv2.APIGroupDiscovery{}}
	list.Kind = "APIGroupDiscoveryList"
	list.APIVersion = apidiscoveryv2.SchemeGroupVersion.String()
	for _, g := range groups {
		if g != nil {
			list.Items = append(list.Items, groupDiscovery(g))
		}
	}
	return list
}

// apiGroup builds the legacy APIGroup of a named group.
func apiGroup(g *groupDocs) metav1.APIGroup {
	out := metav1.APIGroup{Name: g.name}
	for _, v := range g.versions {
		out.Versions = append(out.Versions, metav1.GroupVersionForDiscovery{
			GroupVersion: schema.GroupVersion{Group: g.name, Version: v}.String(),
			Version:      v,
		})
	}
	out.PreferredVersion = out.Versions[0]
	return out
}
