// Package envvars builds a container's environment: service link
// variables, envFrom, env with fieldRef/resourceFieldRef/configMapKeyRef/
// secretKeyRef sources, and $(VAR) expansion.
package envvars

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/api/resource"
)

// Getter fetches ConfigMaps and Secrets of the pod's namespace.
type Getter interface {
	GetConfigMap(namespace, name string) (*corev1.ConfigMap, error)
	GetSecret(namespace, name string) (*corev1.Secret, error)
}

// ServiceLister lists the Services of a namespace.
type ServiceLister interface {
	ListServices(namespace string) ([]*corev1.Service, error)
}

// Var is one environment variable.
type Var struct {
	Name, Value string
}

// Context is what variable sources may refer to.
type Context struct {
	Pod     *corev1.Pod
	PodIPs  []string
	HostIPs []string
	// NodeAllocatable backs resourceFieldRef limits the container leaves unset.
	NodeAllocatable corev1.ResourceList
	Getter          Getter
	Services        ServiceLister
	// MasterNamespace holds the "kubernetes" service (default "default").
	MasterNamespace string
}

// Make returns the environment of container c, in a stable order: service
// variables first, then envFrom, then env; later definitions win.
func Make(ctx Context, c *corev1.Container) ([]Var, error) {
	vals := map[string]string{}
	var order []string
	set := func(k, v string) {
		if _, ok := vals[k]; !ok {
			order = append(order, k)
		}
		vals[k] = v
	}
	if ctx.Services != nil {
		svcVars, err := serviceVars(ctx)
		if err != nil {
			return nil, err
		}
		for _, v := range svcVars {
			set(v.Name, v.Value)
		}
	}
	for _, from := range c.EnvFrom {
		switch {
		case from.ConfigMapRef != nil:
			cm, err := ctx.getConfigMap(from.ConfigMapRef.Name)
			if err != nil {
				if isOptional(from.ConfigMapRef.Optional) {
					continue
				}
				return nil, err
			}
			for _, k := range sortedKeys(cm.Data) {
				set(from.Prefix+k, cm.Data[k])
			}
		case from.SecretRef != nil:
			sec, err := ctx.getSecret(from.SecretRef.Name)
			if err != nil {
				if isOptional(from.SecretRef.Optional) {
					continue
				}
				return nil, err
			}
			keys := make([]string, 0, len(sec.Data))
			for k := range sec.Data {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				set(from.Prefix+k, string(sec.Data[k]))
			}
		}
	}
	for _, e := range c.Env {
		if e.ValueFrom == nil {
			set(e.Name, Expand(e.Value, vals))
			continue
		}
		v, ok, err := ctx.source(c, e.ValueFrom)
		if err != nil {
			return nil, fmt.Errorf("env %s: %w", e.Name, err)
		}
		if ok {
			set(e.Name, v)
		}
	}
	out := make([]Var, 0, len(order))
	for _, k := range order {
		out = append(out, Var{Name: k, Value: vals[k]})
	}
	return out, nil
}

func isOptional(b *bool) bool { return b != nil && *b }

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (ctx Context) getConfigMap(name string) (*corev1.ConfigMap, error) {
	if ctx.Getter == nil {
		return nil, fmt.Errorf("configmap %q: no getter configured", name)
	}
	cm, err := ctx.Getter.GetConfigMap(ctx.Pod.Namespace, name)
	if err != nil {
		return nil, fmt.Errorf("configmap %q: %w", name, err)
	}
	return cm, nil
}

func (ctx Context) getSecret(name string) (*corev1.Secret, error) {
	if ctx.Getter == nil {
		return nil, fmt.Errorf("secret %q: no getter configured", name)
	}
	s, err := ctx.Getter.GetSecret(ctx.Pod.Namespace, name)
	if err != nil {
		return nil, fmt.Errorf("secret %q: %w", name, err)
	}
	return s, nil
}

// source resolves valueFrom; ok is false for a missing optional key.
func (ctx Context) source(c *corev1.Container, src *corev1.EnvVarSource) (string, bool, error) {
	switch {
	case src.FieldRef != nil:
		v, err := FieldValue(ctx.Pod, src.FieldRef.FieldPath, ctx.PodIPs, ctx.HostIPs)
		return v, err == nil, err
	case src.ResourceFieldRef != nil:
		v, err := ResourceValue(ctx.Pod, c, src.ResourceFieldRef, ctx.NodeAllocatable)
		return v, err == nil, err
	case src.ConfigMapKeyRef != nil:
		ref := src.ConfigMapKeyRef
		cm, err := ctx.getConfigMap(ref.Name)
		if err != nil {
			return "", false, optionalErr(ref.Optional, err)
		}
		v, ok := cm.Data[ref.Key]
		if !ok {
			if b, bok := cm.BinaryData[ref.Key]; bok {
				return string(b), true, nil
			}
			return "", false, optionalErr(ref.Optional, fmt.Errorf("couldn't find key %s in ConfigMap %s/%s", ref.Key, ctx.Pod.Namespace, ref.Name))
		}
		return v, true, nil
	case src.SecretKeyRef != nil:
		ref := src.SecretKeyRef
		s, err := ctx.getSecret(ref.Name)
		if err != nil {
			return "", false, optionalErr(ref.Optional, err)
		}
		v, ok := s.Data[ref.Key]
		if !ok {
			return "", false, optionalErr(ref.Optional, fmt.Errorf("couldn't find key %s in Secret %s/%s", ref.Key, ctx.Pod.Namespace, ref.Name))
		}
		return string(v), true, nil
	}
	return "", false, nil
}

func optionalErr(opt *bool, err error) error {
	if isOptional(opt) {
		return nil
	}
	return err
}

// FieldValue resolves a downward-API field path of pod.
func FieldValue(pod *corev1.Pod, path string, podIPs, hostIPs []string) (string, error) {
	if strings.HasPrefix(path, "metadata.labels['") || strings.HasPrefix(path, "metadata.annotations['") {
		i := strings.Index(path, "['")
		key := strings.TrimSuffix(path[i+2:], "']")
		if strings.HasPrefix(path, "metadata.labels") {
			return pod.Labels[key], nil
		}
		return pod.Annotations[key], nil
	}
	switch path {
	case "metadata.name":
		return pod.Name, nil
	case "metadata.namespace":
		return pod.Namespace, nil
	case "metadata.uid":
		return string(pod.UID), nil
	case "metadata.labels":
		return formatMap(pod.Labels), nil
	case "metadata.annotations":
		return formatMap(pod.Annotations), nil
	case "spec.nodeName":
		return pod.Spec.NodeName, nil
	case "spec.serviceAccountName":
		return pod.Spec.ServiceAccountName, nil
	case "status.podIP":
		if len(podIPs) > 0 {
			return podIPs[0], nil
		}
		return pod.Status.PodIP, nil
	case "status.podIPs":
		return strings.Join(podIPs, ","), nil
	case "status.hostIP":
		if len(hostIPs) > 0 {
			return hostIPs[0], nil
		}
		return pod.Status.HostIP, nil
	case "status.hostIPs":
		return strings.Join(hostIPs, ","), nil
	}
	return "", fmt.Errorf("unsupported fieldPath %q", path)
}

// formatMap renders a map the way the downward API does: sorted key="value" lines.
func formatMap(m map[string]string) string {
	keys := sortedKeys(m)
	lines := make([]string, len(keys))
	for i, k := range keys {
		lines[i] = k + "=" + strconv.Quote(m[k])
	}
	return strings.Join(lines, "\n")
}

// ResourceValue resolves a resourceFieldRef for container c (or the one it names).
func ResourceValue(pod *corev1.Pod, c *corev1.Container, ref *corev1.ResourceFieldSelector, alloc corev1.ResourceList) (string, error) {
	if ref.ContainerName != "" {
		c = nil
		corev1.VisitContainers(&pod.Spec, func(x *corev1.Container) bool {
			if x.Name == ref.ContainerName {
				cc := *x
				c = &cc
				return false
			}
			return true
		})
		if c == nil {
			return "", fmt.Errorf("container %q not found", ref.ContainerName)
		}
	}
	kind, name, ok := strings.Cut(ref.Resource, ".")
	if !ok || kind != "limits" && kind != "requests" {
		return "", fmt.Errorf("unsupported resource %q", ref.Resource)
	}
	rn := corev1.ResourceName(name)
	var q resource.Quantity
	found := false
	if kind == "limits" {
		q, found = c.Resources.Limits[rn]
		if !found {
			q, found = alloc[rn]
		}
	} else {
		q, found = c.Resources.Requests[rn]
	}
	divisor := ref.Divisor
	if divisor.IsZero() {
		divisor = resource.MustParse("1")
	}
	if !found {
		return "0", nil
	}
	if rn == corev1.ResourceCPU {
		m, d := q.MilliValue(), divisor.MilliValue()
		return strconv.FormatInt((m+d-1)/d, 10), nil
	}
	v, d := q.Value(), divisor.Value()
	return strconv.FormatInt((v+d-1)/d, 10), nil
}

// Expand replaces $(NAME) with the value of NAME from vals; "$$" escapes
// a dollar and unknown references stay as written.
func Expand(s string, vals map[string]string) string {
	if !strings.Contains(s, "$") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		switch s[i+1] {
		case '$':
			b.WriteByte('$')
			i++
		case '(':
			end := strings.IndexByte(s[i+2:], ')')
			if end < 0 {
				b.WriteString(s[i:])
				return b.String()
			}
			name := s[i+2 : i+2+end]
			if v, ok := vals[name]; ok {
				b.WriteString(v)
			} else {
				b.WriteString(s[i : i+3+end])
			}
			i += 2 + end
		default:
			b.WriteByte('$')
		}
	}
	return b.String()
}
