package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	corev1 "keel.dev/api/core/v1"

	"keel.dev/keel/pkg/ctl/client"
	"keel.dev/keel/pkg/ctl/printers"
)

// NewDescribeCommand returns `describe`.
func NewDescribeCommand(f *Factory) *cobra.Command {
	var selector string
	var allNS, showEvents bool
	c := &cobra.Command{
		Use:   "describe (-f FILENAME | TYPE [NAME_PREFIX | -l label] | TYPE/NAME)",
		Short: "Show details of a specific resource or group of resources",
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			ts, err := f.parseTargets(ctx, args)
			if err != nil {
				return err
			}
			c, err := f.Client()
			if err != nil {
				return err
			}
			ns, _ := f.DefaultNamespace()
			if allNS {
				ns = ""
			}
			var objs []map[string]any
			var errs Aggregate
			for _, t := range ts {
				if len(t.names) == 0 {
					items, _, err := listJSON(ctx, c, t.info, nsFor(t.info, ns), listOptions{labelSelector: selector})
					if err != nil {
						return err
					}
					objs = append(objs, items...)
					continue
				}
				for _, n := range t.names {
					obj, err := getJSON(ctx, c, t.info, nsFor(t.info, ns), n)
					if err != nil {
						errs = append(errs, err)
						continue
					}
					objs = append(objs, obj)
				}
			}
			for i, obj := range objs {
				if i > 0 {
					fmt.Fprint(f.Out, "\n\n")
				}
				d := &describer{ctx: ctx, c: c, f: f, events: showEvents}
				if err := d.describe(obj); err != nil {
					return err
				}
			}
			if len(objs) == 0 && len(errs) == 0 {
				fmt.Fprintf(f.ErrOut, "No resources found in %s namespace.\n", ns)
			}
			return errs.ErrOrNil()
		},
	}
	c.Flags().StringVarP(&selector, "selector", "l", "", "Label selector")
	c.Flags().BoolVarP(&allNS, "all-namespaces", "A", false, "List across all namespaces")
	c.Flags().BoolVar(&showEvents, "show-events", true, "Display events related to the described object")
	return c
}

// describer writes kubectl's describe layout: "Key:\tvalue" lines aligned
// by a tab writer, nested levels indented by two spaces.
type describer struct {
	ctx    context.Context
	c      *client.Client
	f      *Factory
	events bool
	w      *tabwriter.Writer
}

func (d *describer) line(level int, format string, a ...any) {
	fmt.Fprintf(d.w, strings.Repeat("  ", level)+format, a...)
}

func orNone(s string) string {
	if s == "" {
		return "<none>"
	}
	return s
}

func get(m map[string]any, path ...string) any {
	var cur any = m
	for _, p := range path {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = mm[p]
	}
	return cur
}

func gets(m map[string]any, path ...string) string {
	v := get(m, path...)
	if v == nil {
		return ""
	}
	return printers.ValueString(v)
}

func (d *describer) mapLines(level int, key string, m map[string]any) {
	if len(m) == 0 {
		d.line(level, "%s:\t<none>\n", key)
		return
	}
	for i, k := range sortedKeys(m) {
		if i == 0 {
			d.line(level, "%s:\t%s=%v\n", key, k, printers.ValueString(m[k]))
		} else {
			d.line(level, "\t%s=%v\n", k, printers.ValueString(m[k]))
		}
	}
}

func (d *describer) annotations(level int, m map[string]any) {
	if len(m) == 0 {
		d.line(level, "Annotations:\t<none>\n")
		return
	}
	for i, k := range sortedKeys(m) {
		v := printers.ValueString(m[k])
		if k == "kubectl.kubernetes.io/last-applied-configuration" {
			continue
		}
		if i == 0 {
			d.line(level, "Annotations:\t%s: %s\n", k, v)
		} else {
			d.line(level, "\t%s: %s\n", k, v)
		}
	}
	if len(m) == 1 {
		if _, ok := m["kubectl.kubernetes.io/last-applied-configuration"]; ok {
			d.line(level, "Annotations:\t<none>\n")
		}
	}
}

func (d *describer) describe(obj map[string]any) error {
	d.w = tabwriter.NewWriter(d.f.Out, 0, 8, 2, ' ', 0)
	if ok, err := d.workload(obj); ok {
		if err != nil {
			return err
		}
		if d.events {
			if err := d.eventLines(obj); err != nil {
				return err
			}
		}
		return d.w.Flush()
	}
	md, _ := obj["metadata"].(map[string]any)
	labels, _ := md["labels"].(map[string]any)
	ann, _ := md["annotations"].(map[string]any)
	d.line(0, "Name:\t%s\n", gets(md, "name"))
	if ns := gets(md, "namespace"); ns != "" {
		d.line(0, "Namespace:\t%s\n", ns)
	}
	switch obj["kind"] {
	case "Pod":
		d.pod(obj, labels, ann)
	case "Service":
		d.service(obj, labels, ann)
	case "Node":
		d.node(obj, labels, ann)
	case "Namespace":
		d.mapLines(0, "Labels", labels)
		d.annotations(0, ann)
		d.line(0, "Status:\t%s\n", orDefault(gets(obj, "status", "phase"), "Active"))
		d.w.Flush()
		d.namespaceLimits(gets(md, "name"))
		return nil
	default:
		d.mapLines(0, "Labels", labels)
		d.annotations(0, ann)
		d.line(0, "API Version:\t%s\n", gets(obj, "apiVersion"))
		d.line(0, "Kind:\t%s\n", gets(obj, "kind"))
		for _, k := range sortedKeys(obj) {
			if k == "apiVersion" || k == "kind" || k == "metadata" {
				continue
			}
			d.generic(0, k, obj[k])
		}
	}
	if d.events {
		if err := d.eventLines(obj); err != nil {
			return err
		}
	}
	return d.w.Flush()
}

func titleKey(k string) string {
	var b strings.Builder
	for i, r := range k {
		if i == 0 {
			b.WriteString(strings.ToUpper(string(r)))
			continue
		}
		if r >= 'A' && r <= 'Z' {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (d *describer) generic(level int, key string, v any) {
	switch t := v.(type) {
	case map[string]any:
		d.line(level, "%s:\n", titleKey(key))
		for _, k := range sortedKeys(t) {
			d.generic(level+1, k, t[k])
		}
	case []any:
		d.line(level, "%s:\n", titleKey(key))
		for _, e := range t {
			if m, ok := e.(map[string]any); ok {
				for _, k := range sortedKeys(m) {
					d.generic(level+1, k, m[k])
				}
			} else {
				d.line(level+1, "%s\n", printers.ValueString(e))
			}
		}
	default:
		d.line(level, "%s:\t%s\n", titleKey(key), printers.ValueString(v))
	}
}

func (d *describer) pod(p map[string]any, labels, ann map[string]any) {
	spec, _ := p["spec"].(map[string]any)
	status, _ := p["status"].(map[string]any)
	d.line(0, "Priority:\t%s\n", orZero(gets(spec, "priority")))
	d.line(0, "Service Account:\t%s\n", orDefault(gets(spec, "serviceAccountName"), "default"))
	node := gets(spec, "nodeName")
	if ip := gets(status, "hostIP"); node != "" && ip != "" {
		node += "/" + ip
	}
	d.line(0, "Node:\t%s\n", orNone(node))
	if st := gets(status, "startTime"); st != "" {
		t, _ := time.Parse(time.RFC3339, st)
		d.line(0, "Start Time:\t%s\n", t.Format(time.RFC1123Z))
	}
	d.mapLines(0, "Labels", labels)
	d.annotations(0, ann)
	d.line(0, "Status:\t%s\n", orDefault(gets(status, "phase"), "Pending"))
	d.line(0, "IP:\t%s\n", gets(status, "podIP"))
	ips, _ := status["podIPs"].([]any)
	if len(ips) == 0 {
		d.line(0, "IPs:\t<none>\n")
	} else {
		d.line(0, "IPs:\n")
		for _, ip := range ips {
			d.line(0, "  IP:\t%s\n", gets(ip.(map[string]any), "ip"))
		}
	}
	statuses := map[string]map[string]any{}
	cs, _ := status["containerStatuses"].([]any)
	for _, c := range cs {
		if m, ok := c.(map[string]any); ok {
			statuses[gets(m, "name")] = m
		}
	}
	containers, _ := spec["containers"].([]any)
	d.line(0, "Containers:\n")
	for _, c := range containers {
		cm, _ := c.(map[string]any)
		st := statuses[gets(cm, "name")]
		d.line(1, "%s:\n", gets(cm, "name"))
		d.line(2, "Container ID:\t%s\n", gets(st, "containerID"))
		d.line(2, "Image:\t%s\n", gets(cm, "image"))
		d.line(2, "Image ID:\t%s\n", gets(st, "imageID"))
		ports, _ := cm["ports"].([]any)
		if len(ports) == 0 {
			d.line(2, "Port:\t<none>\n")
			d.line(2, "Host Port:\t<none>\n")
		} else {
			var ps, hps []string
			for _, p := range ports {
				pm, _ := p.(map[string]any)
				proto := orDefault(gets(pm, "protocol"), "TCP")
				ps = append(ps, gets(pm, "containerPort")+"/"+proto)
				hps = append(hps, orZero(gets(pm, "hostPort"))+"/"+proto)
			}
			d.line(2, "Port:\t%s\n", strings.Join(ps, ", "))
			d.line(2, "Host Port:\t%s\n", strings.Join(hps, ", "))
		}
		if cmd, ok := cm["command"].([]any); ok {
			d.line(2, "Command:\n")
			for _, a := range cmd {
				d.line(3, "%s\n", printers.ValueString(a))
			}
		}
		state, _ := st["state"].(map[string]any)
		switch {
		case state["running"] != nil:
			d.line(2, "State:\tRunning\n")
			if s := gets(state, "running", "startedAt"); s != "" {
				t, _ := time.Parse(time.RFC3339, s)
				d.line(3, "Started:\t%s\n", t.Format(time.RFC1123Z))
			}
		case state["waiting"] != nil:
			d.line(2, "State:\tWaiting\n")
			d.line(3, "Reason:\t%s\n", gets(state, "waiting", "reason"))
		case state["terminated"] != nil:
			d.line(2, "State:\tTerminated\n")
			d.line(3, "Reason:\t%s\n", gets(state, "terminated", "reason"))
			d.line(3, "Exit Code:\t%s\n", gets(state, "terminated", "exitCode"))
		default:
			d.line(2, "State:\tWaiting\n")
		}
		ready := "False"
		if b, _ := st["ready"].(bool); b {
			ready = "True"
		}
		d.line(2, "Ready:\t%s\n", ready)
		d.line(2, "Restart Count:\t%s\n", orZero(gets(st, "restartCount")))
		env, _ := cm["env"].([]any)
		if len(env) == 0 {
			d.line(2, "Environment:\t<none>\n")
		} else {
			d.line(2, "Environment:\n")
			for _, e := range env {
				em, _ := e.(map[string]any)
				d.line(3, "%s:\t%s\n", gets(em, "name"), gets(em, "value"))
			}
		}
		mounts, _ := cm["volumeMounts"].([]any)
		if len(mounts) == 0 {
			d.line(2, "Mounts:\t<none>\n")
		} else {
			d.line(2, "Mounts:\n")
			for _, m := range mounts {
				mm, _ := m.(map[string]any)
				mode := "rw"
				if ro, _ := mm["readOnly"].(bool); ro {
					mode = "ro"
				}
				d.line(3, "%s from %s (%s)\n", gets(mm, "mountPath"), gets(mm, "name"), mode)
			}
		}
	}
	conds, _ := status["conditions"].([]any)
	if len(conds) > 0 {
		d.line(0, "Conditions:\n")
		d.line(1, "Type\tStatus\n")
		for _, c := range conds {
			cm, _ := c.(map[string]any)
			d.line(1, "%s \t%s \n", gets(cm, "type"), gets(cm, "status"))
		}
	}
	vols, _ := spec["volumes"].([]any)
	if len(vols) == 0 {
		d.line(0, "Volumes:\t<none>\n")
	} else {
		d.line(0, "Volumes:\n")
		for _, v := range vols {
			vm, _ := v.(map[string]any)
			d.line(1, "%s:\n", gets(vm, "name"))
			for _, k := range sortedKeys(vm) {
				if k != "name" {
					d.line(2, "Type:\t%s\n", titleKey(k))
				}
			}
		}
	}
	d.line(0, "QoS Class:\t%s\n", orDefault(gets(status, "qosClass"), "BestEffort"))
	ns, _ := spec["nodeSelector"].(map[string]any)
	d.mapLines(0, "Node-Selectors", ns)
	tols, _ := spec["tolerations"].([]any)
	if len(tols) == 0 {
		d.line(0, "Tolerations:\t<none>\n")
	} else {
		for i, t := range tols {
			tm, _ := t.(map[string]any)
			s := gets(tm, "key")
			if v := gets(tm, "value"); v != "" {
				s += "=" + v
			}
			if e := gets(tm, "effect"); e != "" {
				s += ":" + e
			} else if gets(tm, "operator") == "Exists" && s == "" {
				s = "op=Exists"
			}
			if ts := gets(tm, "tolerationSeconds"); ts != "" {
				s += " op=Exists for " + ts + "s"
			}
			if i == 0 {
				d.line(0, "Tolerations:\t%s\n", s)
			} else {
				d.line(0, "\t%s\n", s)
			}
		}
	}
}

func orZero(s string) string { return orDefault(s, "0") }

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// podTemplateSpec decodes a pod template from its JSON form.
func podTemplateSpec(t any) (*corev1.PodTemplateSpec, error) {
	var tmpl corev1.PodTemplateSpec
	raw, err := json.Marshal(t)
	if err == nil {
		err = json.Unmarshal(raw, &tmpl)
	}
	if err != nil {
		return nil, fmt.Errorf("decoding the pod template: %w", err)
	}
	return &tmpl, nil
}

func (d *describer) service(o map[string]any, labels, ann map[string]any) {
	spec, _ := o["spec"].(map[string]any)
	d.mapLines(0, "Labels", labels)
	d.annotations(0, ann)
	sel, _ := spec["selector"].(map[string]any)
	var parts []string
	for _, k := range sortedKeys(sel) {
		parts = append(parts, k+"="+printers.ValueString(sel[k]))
	}
	d.line(0, "Selector:\t%s\n", strings.Join(parts, ","))
	typ := orDefault(gets(spec, "type"), "ClusterIP")
	d.line(0, "Type:\t%s\n", typ)
	d.line(0, "IP Family Policy:\t%s\n", orDefault(gets(spec, "ipFamilyPolicy"), "SingleStack"))
	fams, _ := spec["ipFamilies"].([]any)
	var fs []string
	for _, f := range fams {
		fs = append(fs, printers.ValueString(f))
	}
	d.line(0, "IP Families:\t%s\n", orDefault(strings.Join(fs, ","), "IPv4"))
	d.line(0, "IP:\t%s\n", orNone(gets(spec, "clusterIP")))
	ips, _ := spec["clusterIPs"].([]any)
	var is []string
	for _, i := range ips {
		is = append(is, printers.ValueString(i))
	}
	d.line(0, "IPs:\t%s\n", orNone(strings.Join(is, ",")))
	ports, _ := spec["ports"].([]any)
	for _, p := range ports {
		pm, _ := p.(map[string]any)
		name := orDefault(gets(pm, "name"), "<unset>")
		proto := orDefault(gets(pm, "protocol"), "TCP")
		d.line(0, "Port:\t%s\t%s/%s\n", name, gets(pm, "port"), proto)
		d.line(0, "TargetPort:\t%s/%s\n", orDefault(gets(pm, "targetPort"), gets(pm, "port")), proto)
		if np := gets(pm, "nodePort"); np != "" {
			d.line(0, "NodePort:\t%s\t%s/%s\n", name, np, proto)
		}
	}
	d.line(0, "Session Affinity:\t%s\n", orDefault(gets(spec, "sessionAffinity"), "None"))
	d.line(0, "Internal Traffic Policy:\t%s\n", orDefault(gets(spec, "internalTrafficPolicy"), "Cluster"))
}

func (d *describer) node(o map[string]any, labels, ann map[string]any) {
	spec, _ := o["spec"].(map[string]any)
	status, _ := o["status"].(map[string]any)
	d.line(0, "Roles:\t%s\n", nodeRoles(labels))
	d.mapLines(0, "Labels", labels)
	d.annotations(0, ann)
	if ts := gets(o, "metadata", "creationTimestamp"); ts != "" {
		t, _ := time.Parse(time.RFC3339, ts)
		d.line(0, "CreationTimestamp:\t%s\n", t.Format(time.RFC1123Z))
	}
	taints, _ := spec["taints"].([]any)
	if len(taints) == 0 {
		d.line(0, "Taints:\t<none>\n")
	}
	for i, t := range taints {
		tm, _ := t.(map[string]any)
		s := gets(tm, "key")
		if v := gets(tm, "value"); v != "" {
			s += "=" + v
		}
		s += ":" + gets(tm, "effect")
		if i == 0 {
			d.line(0, "Taints:\t%s\n", s)
		} else {
			d.line(0, "\t%s\n", s)
		}
	}
	unsched := "false"
	if b, _ := spec["unschedulable"].(bool); b {
		unsched = "true"
	}
	d.line(0, "Unschedulable:\t%s\n", unsched)
	conds, _ := status["conditions"].([]any)
	d.line(0, "Conditions:\n")
	d.line(1, "Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n")
	d.line(1, "----\t------\t-----------------\t------------------\t------\t-------\n")
	for _, c := range conds {
		cm, _ := c.(map[string]any)
		d.line(1, "%s \t%s \t%s \t%s \t%s \t%s\n", gets(cm, "type"), gets(cm, "status"), rfc1123(gets(cm, "lastHeartbeatTime")),
			rfc1123(gets(cm, "lastTransitionTime")), gets(cm, "reason"), gets(cm, "message"))
	}
	addrs, _ := status["addresses"].([]any)
	d.line(0, "Addresses:\n")
	for _, a := range addrs {
		am, _ := a.(map[string]any)
		d.line(1, "%s:\t%s\n", gets(am, "type"), gets(am, "address"))
	}
	for _, sect := range []string{"capacity", "allocatable"} {
		m, _ := status[sect].(map[string]any)
		if len(m) == 0 {
			continue
		}
		d.line(0, "%s:\n", titleKey(sect))
		for _, k := range sortedKeys(m) {
			d.line(1, "%s:\t%s\n", k, printers.ValueString(m[k]))
		}
	}
	info, _ := status["nodeInfo"].(map[string]any)
	if len(info) > 0 {
		d.line(0, "System Info:\n")
		for _, k := range []string{"machineID", "systemUUID", "bootID", "kernelVersion", "osImage", "operatingSystem", "architecture", "containerRuntimeVersion", "kubeletVersion"} {
			d.line(1, "%s:\t%s\n", titleKey(k), gets(info, k))
		}
	}
	if pc := gets(spec, "podCIDR"); pc != "" {
		d.line(0, "PodCIDR:\t%s\n", pc)
	}
	d.allocated(o)
}

// allocated lists the node's non-terminated pods with their requests.
func (d *describer) allocated(node map[string]any) {
	podsInfo, err := d.f.Resolve(d.ctx, "pods")
	if err != nil {
		return
	}
	name := metaString(node, "name")
	pods, _, err := listJSON(d.ctx, d.c, podsInfo, "", listOptions{fieldSelector: "spec.nodeName=" + name + ",status.phase!=Succeeded,status.phase!=Failed"})
	if err != nil {
		return
	}
	d.line(0, "Non-terminated Pods:\t(%d in total)\n", len(pods))
	d.line(1, "Namespace\tName\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n")
	d.line(1, "---------\t----\t------------\t----------\t---------------\t-------------\t---\n")
	for _, p := range pods {
		req, lim := podResources(p)
		d.line(1, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", metaString(p, "namespace"), metaString(p, "name"),
			orZero(req["cpu"]), orZero(lim["cpu"]), orZero(req["memory"]), orZero(lim["memory"]), printers.Age(metaString(p, "creationTimestamp"), nowFunc()))
	}
}

func podResources(p map[string]any) (map[string]string, map[string]string) {
	req, lim := map[string]string{}, map[string]string{}
	ps, _ := p["spec"].(map[string]any)
	cs, _ := ps["containers"].([]any)
	for _, c := range cs {
		cm, _ := c.(map[string]any)
		for k, v := range toStringMap(get(cm, "resources", "requests")) {
			if req[k] == "" {
				req[k] = v
			} else {
				req[k] += "+" + v
			}
		}
		for k, v := range toStringMap(get(cm, "resources", "limits")) {
			if lim[k] == "" {
				lim[k] = v
			} else {
				lim[k] += "+" + v
			}
		}
	}
	return req, lim
}

func toStringMap(v any) map[string]string {
	m, _ := v.(map[string]any)
	out := map[string]string{}
	for k, x := range m {
		out[k] = printers.ValueString(x)
	}
	return out
}

func nodeRoles(labels map[string]any) string {
	var roles []string
	for k := range labels {
		if strings.HasPrefix(k, "node-role.kubernetes.io/") {
			roles = append(roles, strings.TrimPrefix(k, "node-role.kubernetes.io/"))
		}
	}
	sort.Strings(roles)
	return orNone(strings.Join(roles, ","))
}

func rfc1123(ts string) string {
	t, err := time.Parse(time.RFC3339, ts)
	if err != nil {
		return ts
	}
	return t.Format(time.RFC1123Z)
}

func (d *describer) eventLines(obj map[string]any) error {
	info, err := d.f.Resolve(d.ctx, "events")
	if err != nil || info.Group != "" {
		d.line(0, "Events:\t<none>\n")
		return nil
	}
	sel := "involvedObject.name=" + metaString(obj, "name") + ",involvedObject.namespace=" + metaString(obj, "namespace") + ",involvedObject.uid=" + metaString(obj, "uid")
	events, _, err := listJSON(d.ctx, d.c, info, metaString(obj, "namespace"), listOptions{fieldSelector: sel, extra: url.Values{}})
	if err != nil || len(events) == 0 {
		d.line(0, "Events:\t<none>\n")
		return nil
	}
	sort.SliceStable(events, func(i, j int) bool { return eventTime(events[i]) < eventTime(events[j]) })
	d.line(0, "Events:\n")
	d.line(1, "Type\tReason\tAge\tFrom\tMessage\n")
	d.line(1, "----\t------\t----\t----\t-------\n")
	now := nowFunc()
	for _, e := range events {
		age := printers.Age(eventTime(e), now)
		if count := num(e, "count"); count > 1 {
			age = fmt.Sprintf("%s (x%d over %s)", age, count, printers.Age(orDefault(gets(e, "firstTimestamp"), eventTime(e)), now))
		}
		from := gets(e, "source", "component")
		if from == "" {
			from = gets(e, "reportingComponent")
		}
		if h := gets(e, "source", "host"); h != "" {
			from += ", " + h
		}
		d.line(1, "%s\t%s\t%s\t%s\t%s\n", gets(e, "type"), gets(e, "reason"), age, from, strings.TrimSpace(gets(e, "message")))
	}
	return nil
}

func eventTime(e map[string]any) string {
	for _, k := range []string{"lastTimestamp", "eventTime", "firstTimestamp"} {
		if s := gets(e, k); s != "" {
			return s
		}
	}
	return gets(e, "metadata", "creationTimestamp")
}

// namespaceLimits prints the resource quota and limit range sections of a namespace.
func (d *describer) namespaceLimits(ns string) {
	for _, sect := range []struct{ res, none string }{{"resourcequotas", "No resource quota."}, {"limitranges", "No LimitRange resource."}} {
		fmt.Fprintln(d.f.Out)
		info, err := d.f.Resolve(d.ctx, sect.res)
		var items []map[string]any
		if err == nil {
			items, _, _ = listJSON(d.ctx, d.c, info, ns, listOptions{})
		}
		if len(items) == 0 {
			fmt.Fprintln(d.f.Out, sect.none)
			continue
		}
		for _, it := range items {
			fmt.Fprintf(d.f.Out, "%s: %s\n", info.Kind, metaString(it, "name"))
		}
	}
}
