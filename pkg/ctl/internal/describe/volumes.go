package describe

import (
	"fmt"

	corev1 "keel.dev/api/core/v1"
)

// volumes writes a template's volumes, one block each with the source's
// type and its fields, in kubectl's wording.
func (l *lines) volumes(vs []corev1.Volume) {
	if len(vs) == 0 {
		l.put(1, "Volumes:\t<none>\n")
		return
	}
	l.put(1, "Volumes:\n")
	for _, v := range vs {
		l.put(1, " %s:\n", v.Name)
		l.volumeSource(&v.VolumeSource)
	}
}

// field is one "Name:\tvalue" line under a volume's type line.
type field struct {
	name  string
	value any
}

// source writes a volume type line and its fields; fields are indented by
// four spaces whatever the level, as kubectl writes them.
func (l *lines) source(typ string, fields ...field) {
	l.put(2, "Type:\t%s\n", typ)
	for _, f := range fields {
		l.put(0, "    %s:\t%v\n", f.name, f.value)
	}
}

func (l *lines) volumeSource(s *corev1.VolumeSource) {
	switch {
	case s.HostPath != nil:
		typ := "<none>"
		if s.HostPath.Type != nil {
			typ = string(*s.HostPath.Type)
		}
		l.source("HostPath (bare host directory volume)", field{"Path", s.HostPath.Path}, field{"HostPathType", typ})
	case s.EmptyDir != nil:
		limit := "<unset>"
		if q := s.EmptyDir.SizeLimit; q != nil && q.Sign() > 0 {
			limit = q.String()
		}
		l.source("EmptyDir (a temporary directory that shares a pod's lifetime)", field{"Medium", s.EmptyDir.Medium}, field{"SizeLimit", limit})
	case s.GitRepo != nil:
		l.source("GitRepo (a volume that is pulled from git when the pod is created)", field{"Repository", s.GitRepo.Repository}, field{"Revision", s.GitRepo.Revision})
	case s.Secret != nil:
		l.source("Secret (a volume populated by a Secret)", field{"SecretName", s.Secret.SecretName}, field{"Optional", isTrue(s.Secret.Optional)})
	case s.ConfigMap != nil:
		l.source("ConfigMap (a volume populated by a ConfigMap)", field{"Name", s.ConfigMap.Name}, field{"Optional", isTrue(s.ConfigMap.Optional)})
	case s.NFS != nil:
		l.source("NFS (an NFS mount that lasts the lifetime of a pod)", field{"Server", s.NFS.Server}, field{"Path", s.NFS.Path}, field{"ReadOnly", s.NFS.ReadOnly})
	case s.PersistentVolumeClaim != nil:
		l.source("PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)",
			field{"ClaimName", s.PersistentVolumeClaim.ClaimName}, field{"ReadOnly", s.PersistentVolumeClaim.ReadOnly})
	case s.Ephemeral != nil:
		// The claim template's own description is left out.
		l.source("EphemeralVolume (an inline specification for a volume that gets created and deleted with the pod)")
	case s.DownwardAPI != nil:
		l.source("DownwardAPI (a volume populated by information about the pod)")
		l.put(0, "    Items:\n")
		l.downwardItems(s.DownwardAPI.Items)
	case s.Projected != nil:
		l.projected(s.Projected)
	case s.CSI != nil:
		fsType := ""
		if s.CSI.FSType != nil {
			fsType = *s.CSI.FSType
		}
		l.source("CSI (a Container Storage Interface (CSI) volume source)",
			field{"Driver", s.CSI.Driver}, field{"FSType", fsType}, field{"ReadOnly", isTrue(s.CSI.ReadOnly)})
		l.csiAttributes(s.CSI.VolumeAttributes)
	case s.Image != nil:
		l.source("Image (a container image or OCI artifact)", field{"Reference", s.Image.Reference}, field{"PullPolicy", s.Image.PullPolicy})
	default:
		l.put(1, "<unknown>\n")
	}
}

func (l *lines) downwardItems(items []corev1.DownwardAPIVolumeFile) {
	for _, it := range items {
		if it.FieldRef != nil {
			l.put(3, "%s -> %s\n", it.FieldRef.FieldPath, it.Path)
		}
		if it.ResourceFieldRef != nil {
			l.put(3, "%s -> %s\n", it.ResourceFieldRef.Resource, it.Path)
		}
	}
}

// projected writes each projected source as a field pair; an optional flag
// that is set prints as its value (kubectl prints the pointer).
func (l *lines) projected(p *corev1.ProjectedVolumeSource) {
	l.source("Projected (a volume that contains injected data from multiple sources)")
	optional := func(b *bool) string {
		if b == nil {
			return "<nil>"
		}
		return fmt.Sprint(*b)
	}
	for _, src := range p.Sources {
		switch {
		case src.Secret != nil:
			l.put(2, "SecretName:\t%s\n", src.Secret.Name)
			l.put(0, "    SecretOptionalName:\t%s\n", optional(src.Secret.Optional))
		case src.DownwardAPI != nil:
			l.put(2, "DownwardAPI:\ttrue\n")
		case src.ConfigMap != nil:
			l.put(2, "ConfigMapName:\t%s\n", src.ConfigMap.Name)
			l.put(0, "    ConfigMapOptional:\t%s\n", optional(src.ConfigMap.Optional))
		case src.ServiceAccountToken != nil:
			var secs int64
			if src.ServiceAccountToken.ExpirationSeconds != nil {
				secs = *src.ServiceAccountToken.ExpirationSeconds
			}
			l.put(2, "TokenExpirationSeconds:\t%d\n", secs)
		}
	}
}

// csiAttributes writes volume attributes as kubectl does: every piece,
// separators included, indented at the second level.
func (l *lines) csiAttributes(attrs map[string]string) {
	l.put(2, "VolumeAttributes:\t")
	if len(attrs) == 0 {
		l.put(0, "<none>\n")
		return
	}
	for i, k := range sortedKeys(attrs) {
		if i > 0 {
			l.put(2, "")
			l.put(2, "\t")
		}
		line := k + "=" + attrs[k]
		if len(line) > maxAnnotationLen {
			line = line[:maxAnnotationLen] + "..."
		}
		l.put(2, "%s\n", line)
	}
}
