package describe

import (
	"fmt"
	"io"
	"math"
	"net"
	"net/url"
	"sort"
	"strconv"
	"strings"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

// PodTemplate writes the "Pod Template:" section kubectl prints for
// workloads and for `rollout history --revision`, at describe's top level.
func PodTemplate(w io.Writer, t *corev1.PodTemplateSpec) error {
	l := &lines{w: w}
	l.put(0, "Pod Template:\n")
	if t == nil {
		l.put(1, "<unset>")
		return l.err
	}
	l.keyValues("  Labels", t.Labels)
	if len(t.Annotations) > 0 {
		l.annotations("  Annotations", t.Annotations)
	}
	spec := &t.Spec
	if spec.ServiceAccountName != "" {
		l.put(1, "Service Account:\t%s\n", spec.ServiceAccountName)
	}
	if len(spec.InitContainers) > 0 {
		l.containers("Init Containers", spec.InitContainers)
	}
	l.containers("Containers", spec.Containers)
	l.volumes(spec.Volumes)
	l.spreadConstraints(spec.TopologySpreadConstraints)
	if spec.PriorityClassName != "" {
		l.put(1, "Priority Class Name:\t%s\n", spec.PriorityClassName)
	}
	l.keyValues("  Node-Selectors", spec.NodeSelector)
	l.tolerations("  Tolerations", spec.Tolerations)
	return l.err
}

// containers writes one block per container of a template; container
// names sit one space deeper than their heading.
func (l *lines) containers(heading string, cs []corev1.Container) {
	if len(cs) == 0 {
		l.put(1, "%s: <none>\n", heading)
		return
	}
	l.put(1, "%s:\n", heading)
	for i := range cs {
		c := &cs[i]
		l.put(1, " %s:\n", c.Name)
		l.put(2, "Image:\t%s\n", c.Image)
		l.ports(c.Ports)
		if sc := c.SecurityContext; sc != nil && sc.SeccompProfile != nil {
			l.put(2, "SeccompProfile:\t%s\n", sc.SeccompProfile.Type)
			if sc.SeccompProfile.Type == corev1.SeccompProfileTypeLocalhost && sc.SeccompProfile.LocalhostProfile != nil {
				l.put(3, "LocalhostProfile:\t%s\n", *sc.SeccompProfile.LocalhostProfile)
			}
		}
		l.words("Command", c.Command)
		l.words("Args", c.Args)
		l.resources("Limits", c.Resources.Limits)
		l.resources("Requests", c.Resources.Requests)
		for _, p := range []struct {
			name  string
			probe *corev1.Probe
		}{{"Liveness", c.LivenessProbe}, {"Readiness", c.ReadinessProbe}, {"Startup", c.StartupProbe}} {
			if p.probe != nil {
				l.put(2, "%s:\t%s\n", p.name, Probe(p.probe))
			}
		}
		if len(c.EnvFrom) > 0 {
			l.envFrom(c.EnvFrom)
		}
		l.env(c)
		l.mounts(c.VolumeMounts, c.VolumeDevices)
	}
}

func (l *lines) ports(ps []corev1.ContainerPort) {
	var ports, hostPorts []string
	for _, p := range ps {
		ports = append(ports, fmt.Sprintf("%d/%s", p.ContainerPort, p.Protocol))
		hostPorts = append(hostPorts, fmt.Sprintf("%d/%s", p.HostPort, p.Protocol))
	}
	for _, row := range []struct {
		one, many string
		vals      []string
	}{{"Port", "Ports", ports}, {"Host Port", "Host Ports", hostPorts}} {
		switch len(row.vals) {
		case 0:
			l.put(2, "%s:\t<none>\n", row.one)
		case 1:
			l.put(2, "%s:\t%s\n", row.one, row.vals[0])
		default:
			l.put(2, "%s:\t%s\n", row.many, strings.Join(row.vals, ", "))
		}
	}
}

// words writes a command or argument list one line per line of each word.
func (l *lines) words(heading string, ws []string) {
	if len(ws) == 0 {
		return
	}
	l.put(2, "%s:\n", heading)
	for _, w := range ws {
		for _, s := range strings.Split(w, "\n") {
			l.put(3, "%s\n", s)
		}
	}
}

func (l *lines) resources(heading string, rl corev1.ResourceList) {
	if len(rl) == 0 {
		return
	}
	l.put(2, "%s:\n", heading)
	names := make([]string, 0, len(rl))
	for n := range rl {
		names = append(names, string(n))
	}
	sort.Strings(names)
	for _, n := range names {
		q := rl[corev1.ResourceName(n)]
		l.put(3, "%s:\t%s\n", n, q.String())
	}
}

// Probe renders a probe as describe does: the action, then its timings.
func Probe(p *corev1.Probe) string {
	timing := fmt.Sprintf("delay=%ds timeout=%ds period=%ds #success=%d #failure=%d",
		p.InitialDelaySeconds, p.TimeoutSeconds, p.PeriodSeconds, p.SuccessThreshold, p.FailureThreshold)
	switch {
	case p.Exec != nil:
		return fmt.Sprintf("exec [%s] %s", strings.Join(p.Exec.Command, " "), timing)
	case p.HTTPGet != nil:
		g := p.HTTPGet
		u := url.URL{Scheme: strings.ToLower(string(g.Scheme)), Host: g.Host, Path: g.Path}
		if port := g.Port.String(); port != "" {
			u.Host = net.JoinHostPort(g.Host, port)
		}
		return fmt.Sprintf("http-get %s %s", u.String(), timing)
	case p.TCPSocket != nil:
		return fmt.Sprintf("tcp-socket %s:%s %s", p.TCPSocket.Host, p.TCPSocket.Port.String(), timing)
	case p.GRPC != nil:
		service := ""
		if p.GRPC.Service != nil {
			service = *p.GRPC.Service
		}
		return fmt.Sprintf("grpc <pod>:%d %s %s", p.GRPC.Port, service, timing)
	}
	return "unknown " + timing
}

func (l *lines) envFrom(srcs []corev1.EnvFromSource) {
	l.put(2, "Environment Variables from:\n")
	for _, e := range srcs {
		kind, name, optional := "", "", false
		switch {
		case e.ConfigMapRef != nil:
			kind, name, optional = "ConfigMap", e.ConfigMapRef.Name, isTrue(e.ConfigMapRef.Optional)
		case e.SecretRef != nil:
			kind, name, optional = "Secret", e.SecretRef.Name, isTrue(e.SecretRef.Optional)
		}
		if e.Prefix != "" {
			kind += fmt.Sprintf(" with prefix '%s'", e.Prefix)
		}
		l.put(3, "%s\t%s\tOptional: %t\n", name, kind, optional)
	}
}

func (l *lines) env(c *corev1.Container) {
	if len(c.Env) == 0 {
		l.put(2, "Environment:\t<none>\n")
		return
	}
	l.put(2, "Environment:\n")
	for _, e := range c.Env {
		from := e.ValueFrom
		switch {
		case from == nil:
			for i, s := range strings.Split(e.Value, "\n") {
				if i == 0 {
					l.put(3, "%s:\t%s\n", e.Name, s)
				} else {
					l.put(3, "\t%s\n", s)
				}
			}
		case from.FieldRef != nil:
			// A template has no pod to resolve the field from.
			l.put(3, "%s:\t (%s:%s)\n", e.Name, from.FieldRef.APIVersion, from.FieldRef.FieldPath)
		case from.ResourceFieldRef != nil:
			res := from.ResourceFieldRef.Resource
			v := ResourceFieldValue(from.ResourceFieldRef, c)
			if v == "0" && (res == "limits.cpu" || res == "limits.memory") {
				v = "node allocatable"
			}
			l.put(3, "%s:\t%s (%s)\n", e.Name, v, res)
		case from.SecretKeyRef != nil:
			l.put(3, "%s:\t<set to the key '%s' in secret '%s'>\tOptional: %t\n", e.Name, from.SecretKeyRef.Key, from.SecretKeyRef.Name, isTrue(from.SecretKeyRef.Optional))
		case from.ConfigMapKeyRef != nil:
			l.put(3, "%s:\t<set to the key '%s' of config map '%s'>\tOptional: %t\n", e.Name, from.ConfigMapKeyRef.Key, from.ConfigMapKeyRef.Name, isTrue(from.ConfigMapKeyRef.Optional))
		}
	}
}

// ResourceFieldValue is the value a resourceFieldRef exposes for container
// c: the request or limit divided by the divisor (1 when unset), rounded
// up; "" for a resource it cannot expose.
func ResourceFieldValue(sel *corev1.ResourceFieldSelector, c *corev1.Container) string {
	divisor := sel.Divisor
	if divisor.IsZero() {
		divisor = resource.MustParse("1")
	}
	source, name, ok := strings.Cut(sel.Resource, ".")
	var list corev1.ResourceList
	switch source {
	case "limits":
		list = c.Resources.Limits
	case "requests":
		list = c.Resources.Requests
	default:
		ok = false
	}
	if !ok || (name != "cpu" && name != "memory" && name != "ephemeral-storage" && !strings.HasPrefix(name, "hugepages-")) {
		return ""
	}
	q := list[corev1.ResourceName(name)]
	num, den := q.Value(), divisor.Value()
	if name == "cpu" {
		num, den = q.MilliValue(), divisor.MilliValue()
	}
	if den == 0 {
		return ""
	}
	return strconv.FormatInt(int64(math.Ceil(float64(num)/float64(den))), 10)
}

func (l *lines) mounts(ms []corev1.VolumeMount, ds []corev1.VolumeDevice) {
	none := ""
	if len(ms) == 0 {
		none = "\t<none>"
	}
	l.put(2, "Mounts:%s\n", none)
	ms = append([]corev1.VolumeMount(nil), ms...)
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].MountPath < ms[j].MountPath })
	for _, m := range ms {
		flags := []string{"rw"}
		if m.ReadOnly {
			flags[0] = "ro"
		}
		if m.SubPath != "" {
			flags = append(flags, fmt.Sprintf("path=%q", m.SubPath))
		}
		l.put(3, "%s from %s (%s)\n", m.MountPath, m.Name, strings.Join(flags, ","))
	}
	if len(ds) == 0 {
		return
	}
	// kubectl reuses the mounts' "<none>" marker here.
	l.put(2, "Devices:%s\n", none)
	ds = append([]corev1.VolumeDevice(nil), ds...)
	sort.SliceStable(ds, func(i, j int) bool { return ds[i].DevicePath < ds[j].DevicePath })
	for _, d := range ds {
		l.put(3, "%s from %s\n", d.DevicePath, d.Name)
	}
}

func (l *lines) spreadConstraints(cs []corev1.TopologySpreadConstraint) {
	if len(cs) == 0 {
		return
	}
	cs = append([]corev1.TopologySpreadConstraint(nil), cs...)
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].TopologyKey < cs[j].TopologyKey })
	l.put(1, "Topology Spread Constraints:\t")
	for i, c := range cs {
		if i > 0 {
			l.put(1, "\t")
		}
		l.put(0, "%s:%s when max skew %d is exceeded", c.TopologyKey, c.WhenUnsatisfiable, c.MaxSkew)
		if c.LabelSelector != nil {
			l.put(0, " for selector %s", metav1.FormatLabelSelector(c.LabelSelector))
		}
		l.put(0, "\n")
	}
}

// tolerations writes one toleration a line, sorted by key:
// key[=value][:effect][ op=Exists][ for Ns].
func (l *lines) tolerations(title string, ts []corev1.Toleration) {
	l.put(0, "%s:\t", title)
	if len(ts) == 0 {
		l.put(0, "<none>\n")
		return
	}
	ts = append([]corev1.Toleration(nil), ts...)
	sort.SliceStable(ts, func(i, j int) bool { return ts[i].Key < ts[j].Key })
	for i, t := range ts {
		if i > 0 {
			l.put(0, "\t")
		}
		var b strings.Builder
		b.WriteString(t.Key)
		if t.Value != "" {
			b.WriteString("=" + t.Value)
		}
		if t.Effect != "" {
			b.WriteString(":" + string(t.Effect))
		}
		if t.Operator == corev1.TolerationOpExists && t.Value == "" {
			if b.Len() > 0 {
				b.WriteString(" ")
			}
			b.WriteString("op=Exists")
		}
		if t.TolerationSeconds != nil {
			fmt.Fprintf(&b, " for %ds", *t.TolerationSeconds)
		}
		l.put(0, "%s\n", b.String())
	}
}

func isTrue(b *bool) bool { return b != nil && *b }
