package cmd

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
)

// rulesStatus is the status of a SelfSubjectRulesReview as ctl reads it.
type rulesStatus struct {
	ResourceRules []struct {
		Verbs         []string `json:"verbs"`
		APIGroups     []string `json:"apiGroups"`
		Resources     []string `json:"resources"`
		ResourceNames []string `json:"resourceNames"`
	} `json:"resourceRules"`
	NonResourceRules []struct {
		Verbs           []string `json:"verbs"`
		NonResourceURLs []string `json:"nonResourceURLs"`
	} `json:"nonResourceRules"`
	Incomplete      bool   `json:"incomplete"`
	EvaluationError string `json:"evaluationError"`
}

// accessRow is one printed rule: a non-resource rule has one URL, a
// resource rule one group, one resource and at most one name.
type accessRow struct {
	verbs, groups, resources, names, urls []string
}

// sortKey orders rows as kubectl does: by the text of the RBAC PolicyRule
// the row stands for, verbs first.
func (r accessRow) sortKey() string {
	return fmt.Sprintf("&PolicyRule{Verbs:%v,APIGroups:%v,Resources:%v,ResourceNames:%v,NonResourceURLs:%v,}",
		r.verbs, r.groups, r.resources, r.names, r.urls)
}

// resourceColumn names the resource as kubectl's Resources column does:
// "resource.group/subresource", without ".group" for the core group.
func (r accessRow) resourceColumn() string {
	if len(r.resources) == 0 {
		return ""
	}
	res, sub, hasSub := strings.Cut(r.resources[0], "/")
	if len(r.groups) > 0 && r.groups[0] != "" {
		res += "." + r.groups[0]
	}
	if hasSub {
		res += "/" + sub
	}
	return res
}

// accessRows turns a review status into the rows kubectl prints: every
// rule is split into single group/resource/name/verb (or URL/verb) pieces,
// the resource pieces naming the same object are joined back with all
// their verbs, and the rows are sorted. A resource rule naming no API
// group yields no row.
func accessRows(st rulesStatus) []accessRow {
	type object struct {
		group, resource string
		named           bool
		name            string
	}
	var rows []accessRow
	var order []object
	byObject := map[object]*accessRow{}
	for _, rule := range st.ResourceRules {
		names := rule.ResourceNames
		if len(names) == 0 {
			names = []string{""}
		}
		for _, g := range rule.APIGroups {
			for _, res := range rule.Resources {
				for _, v := range rule.Verbs {
					for _, n := range names {
						key := object{group: g, resource: res, named: len(rule.ResourceNames) > 0, name: n}
						if row, ok := byObject[key]; ok {
							row.verbs = append(row.verbs, v)
							continue
						}
						row := &accessRow{verbs: []string{v}, groups: []string{g}, resources: []string{res}}
						if key.named {
							row.names = []string{n}
						}
						byObject[key] = row
						order = append(order, key)
					}
				}
			}
		}
	}
	for _, rule := range st.NonResourceRules {
		for _, u := range rule.NonResourceURLs {
			for _, v := range rule.Verbs {
				rows = append(rows, accessRow{verbs: []string{v}, urls: []string{u}})
			}
		}
	}
	for _, key := range order {
		rows = append(rows, *byObject[key])
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].sortKey() < rows[j].sortKey() })
	return rows
}

// printRules writes the rules table of `auth can-i --list`, aligned as
// kubectl aligns it.
func printRules(out io.Writer, st rulesStatus, headers bool) error {
	w := tabwriter.NewWriter(out, 6, 4, 3, ' ', 0)
	if headers {
		fmt.Fprintln(w, "Resources\tNon-Resource URLs\tResource Names\tVerbs")
	}
	for _, r := range accessRows(st) {
		fmt.Fprintf(w, "%s\t%v\t%v\t%v\n", r.resourceColumn(), r.urls, r.names, r.verbs)
	}
	return w.Flush()
}
