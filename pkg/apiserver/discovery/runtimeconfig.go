package discovery

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"keel.dev/apimachinery/pkg/runtime/schema"
)

// Enabled is a set of group versions that are served.
type Enabled map[schema.GroupVersion]bool

// Has reports whether gv is served.
func (e Enabled) Has(gv schema.GroupVersion) bool { return e[gv] }

// List returns the served group versions in a stable order.
func (e Enabled) List() []schema.GroupVersion {
	out := make([]schema.GroupVersion, 0, len(e))
	for gv, on := range e {
		if on {
			out = append(out, gv)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

// ResolveRuntimeConfig applies --runtime-config to the group versions the
// apiserver can serve (all enabled by default). Keys are "group/version"
// ("v1" or "api/v1" for the core group), "api/all", "api/ga", "api/beta" or
// "api/alpha"; values are "true", "false" or "" (true). The api/* keys are
// applied first, so "api/all=false,apps/v1=true" serves only apps/v1. A key
// naming an unknown group version is an error.
func ResolveRuntimeConfig(available []schema.GroupVersion, cfg map[string]string) (Enabled, error) {
	out := Enabled{}
	for _, gv := range available {
		out[gv] = true
	}
	known := map[schema.GroupVersion]bool{}
	for _, gv := range available {
		known[gv] = true
	}
	keys := make([]string, 0, len(cfg))
	for k := range cfg {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var specific []string
	for _, k := range keys {
		on, err := parseBool(k, cfg[k])
		if err != nil {
			return nil, err
		}
		var match func(gv schema.GroupVersion) bool
		switch k {
		case "api/all":
			match = func(schema.GroupVersion) bool { return true }
		case "api/ga":
			match = func(gv schema.GroupVersion) bool { return stability(gv.Version) == ga }
		case "api/beta":
			match = func(gv schema.GroupVersion) bool { return stability(gv.Version) == beta }
		case "api/alpha":
			match = func(gv schema.GroupVersion) bool { return stability(gv.Version) == alpha }
		default:
			specific = append(specific, k)
			continue
		}
		for gv := range out {
			if match(gv) {
				out[gv] = on
			}
		}
	}
	for _, k := range specific {
		on, _ := parseBool(k, cfg[k])
		gv, err := parseRuntimeKey(k)
		if err != nil {
			return nil, err
		}
		if !known[gv] {
			return nil, fmt.Errorf("--runtime-config %s: unknown group version %q", k, gv.String())
		}
		out[gv] = on
	}
	return out, nil
}

func parseBool(key, v string) (bool, error) {
	if v == "" {
		return true, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("--runtime-config %s=%s: value must be true or false", key, v)
	}
	return b, nil
}

func parseRuntimeKey(k string) (schema.GroupVersion, error) {
	parts := strings.Split(strings.Trim(k, "/"), "/")
	switch {
	case len(parts) == 1 && parts[0] != "":
		return schema.GroupVersion{Version: parts[0]}, nil
	case len(parts) == 2 && parts[0] == "api":
		return schema.GroupVersion{Version: parts[1]}, nil
	case len(parts) == 2 && parts[0] != "" && parts[1] != "":
		return schema.GroupVersion{Group: parts[0], Version: parts[1]}, nil
	}
	return schema.GroupVersion{}, fmt.Errorf("--runtime-config %s: want group/version", k)
}

type level int

const (
	other level = iota
	alpha
	beta
	ga
)

var versionRE = regexp.MustCompile(`^v(\d+)(?:(alpha|beta)(\d+))?$`)

// stability returns the level of a Kubernetes version name and its numbers.
func stability(v string) level {
	l, _, _ := parseVersion(v)
	return l
}

func parseVersion(v string) (l level, major, minor int) {
	m := versionRE.FindStringSubmatch(v)
	if m == nil {
		return other, 0, 0
	}
	major, _ = strconv.Atoi(m[1])
	switch m[2] {
	case "alpha":
		l = alpha
	case "beta":
		l = beta
	default:
		return ga, major, 0
	}
	minor, _ = strconv.Atoi(m[3])
	return l, major, minor
}

// CompareVersions orders version names as Kubernetes does: GA before beta
// before alpha before anything else, higher numbers first, then by name.
// It returns a negative number when a comes first.
func CompareVersions(a, b string) int {
	la, ma, na := parseVersion(a)
	lb, mb, nb := parseVersion(b)
	switch {
	case la != lb:
		return int(lb) - int(la)
	case ma != mb:
		return mb - ma
	case na != nb:
		return nb - na
	}
	return strings.Compare(a, b)
}

// GroupPriority is the order of the named groups in /apis; groups not
// listed follow alphabetically.
var GroupPriority = []string{
	"apps", "events.k8s.io", "autoscaling", "batch", "networking.k8s.io", "policy",
	"rbac.authorization.k8s.io", "storage.k8s.io", "coordination.k8s.io",
	"discovery.k8s.io", "scheduling.k8s.io",
}

// compareGroups orders named groups by GroupPriority, then alphabetically.
func compareGroups(a, b string) int {
	pa, pb := groupRank(a), groupRank(b)
	if pa != pb {
		return pa - pb
	}
	return strings.Compare(a, b)
}

func groupRank(g string) int {
	for i, p := range GroupPriority {
		if p == g {
			return i
		}
	}
	return len(GroupPriority)
}
