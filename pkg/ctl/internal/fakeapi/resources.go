package fakeapi

import (
	"fmt"
	"strings"
)

func defaultResources() []Resource {
	return []Resource{
		{Version: "v1", Name: "namespaces", Singular: "namespace", Kind: "Namespace", ShortNames: []string{"ns"},
			Columns: []Column{{Name: "Status", Cell: func(o map[string]any) any { return orDefault(lookup(o, "status.phase"), "Active") }}}},
		{Version: "v1", Name: "pods", Singular: "pod", Kind: "Pod", Namespaced: true, ShortNames: []string{"po"},
			Columns: []Column{
				{Name: "Ready", Cell: podReady},
				{Name: "Status", Cell: func(o map[string]any) any { return orDefault(lookup(o, "status.phase"), "Pending") }},
				{Name: "Restarts", Cell: func(o map[string]any) any { return "0" }},
				{Name: "IP", Priority: 1, Cell: func(o map[string]any) any { return orDefault(lookup(o, "status.podIP"), "<none>") }},
				{Name: "Node", Priority: 1, Cell: func(o map[string]any) any { return orDefault(lookup(o, "spec.nodeName"), "<none>") }},
			}},
		{Version: "v1", Name: "configmaps", Singular: "configmap", Kind: "ConfigMap", Namespaced: true, ShortNames: []string{"cm"},
			Columns: []Column{{Name: "Data", Cell: func(o map[string]any) any {
				d, _ := o["data"].(map[string]any)
				b, _ := o["binaryData"].(map[string]any)
				return len(d) + len(b)
			}}}},
		{Version: "v1", Name: "secrets", Singular: "secret", Kind: "Secret", Namespaced: true,
			Columns: []Column{{Name: "Type", Cell: func(o map[string]any) any { return orDefault(o["type"], "Opaque") }},
				{Name: "Data", Cell: func(o map[string]any) any { d, _ := o["data"].(map[string]any); return len(d) }}}},
		{Version: "v1", Name: "services", Singular: "service", Kind: "Service", Namespaced: true, ShortNames: []string{"svc"},
			Columns: []Column{
				{Name: "Type", Cell: func(o map[string]any) any { return orDefault(lookup(o, "spec.type"), "ClusterIP") }},
				{Name: "Cluster-IP", Cell: func(o map[string]any) any { return orDefault(lookup(o, "spec.clusterIP"), "<none>") }},
				{Name: "External-IP", Cell: func(o map[string]any) any { return "<none>" }},
				{Name: "Port(s)", Cell: servicePorts},
				{Name: "Selector", Priority: 1, Cell: func(o map[string]any) any { return "<none>" }},
			}},
		{Version: "v1", Name: "nodes", Singular: "node", Kind: "Node", ShortNames: []string{"no"},
			Columns: []Column{{Name: "Status", Cell: func(o map[string]any) any { return "Ready" }}}},
		{Group: "apps", Version: "v1", Name: "deployments", Singular: "deployment", Kind: "Deployment", Namespaced: true, ShortNames: []string{"deploy"},
			Columns: []Column{
				{Name: "Ready", Cell: func(o map[string]any) any {
					return fmt.Sprintf("%v/%v", orDefault(lookup(o, "status.readyReplicas"), 0), orDefault(lookup(o, "spec.replicas"), 1))
				}},
				{Name: "Up-to-date", Cell: func(o map[string]any) any { return orDefault(lookup(o, "status.updatedReplicas"), 0) }},
				{Name: "Available", Cell: func(o map[string]any) any { return orDefault(lookup(o, "status.availableReplicas"), 0) }},
			}},
		{Group: "apps", Version: "v1", Name: "replicasets", Singular: "replicaset", Kind: "ReplicaSet", Namespaced: true, ShortNames: []string{"rs"}},
		{Group: "apps", Version: "v1", Name: "daemonsets", Singular: "daemonset", Kind: "DaemonSet", Namespaced: true, ShortNames: []string{"ds"}},
		{Group: "apps", Version: "v1", Name: "statefulsets", Singular: "statefulset", Kind: "StatefulSet", Namespaced: true, ShortNames: []string{"sts"}},
		{Group: "apps", Version: "v1", Name: "controllerrevisions", Singular: "controllerrevision", Kind: "ControllerRevision", Namespaced: true},
		{Group: "batch", Version: "v1", Name: "jobs", Singular: "job", Kind: "Job", Namespaced: true},
		{Group: "batch", Version: "v1", Name: "cronjobs", Singular: "cronjob", Kind: "CronJob", Namespaced: true, ShortNames: []string{"cj"}},
	}
}

func orDefault(v any, d any) any {
	if v == nil || v == "" {
		return d
	}
	return v
}

func podReady(o map[string]any) any {
	cs, _ := lookup(o, "spec.containers").([]any)
	return fmt.Sprintf("0/%d", len(cs))
}

func servicePorts(o map[string]any) any {
	ps, _ := lookup(o, "spec.ports").([]any)
	var out []string
	for _, p := range ps {
		m, _ := p.(map[string]any)
		proto := orDefault(m["protocol"], "TCP")
		if np, ok := m["nodePort"]; ok {
			out = append(out, fmt.Sprintf("%v:%v/%v", m["port"], np, proto))
		} else {
			out = append(out, fmt.Sprintf("%v/%v", m["port"], proto))
		}
	}
	if len(out) == 0 {
		return "<none>"
	}
	return strings.Join(out, ",")
}
