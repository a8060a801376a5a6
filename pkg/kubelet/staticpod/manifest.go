package staticpod

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/types"
)

// Annotations of static and mirror pods (Kubernetes' names).
const (
	AnnotationConfigSource = "kubernetes.io/config.source"
	AnnotationConfigHash   = "kubernetes.io/config.hash"
	AnnotationConfigMirror = "kubernetes.io/config.mirror"
	// SourceFile is the config.source of pods read from the manifest directory.
	SourceFile = "file"
)

// IsMirror reports whether p is a mirror pod.
func IsMirror(p *corev1.Pod) bool {
	_, ok := p.Annotations[AnnotationConfigMirror]
	return ok
}

// IsStatic reports whether p came from a manifest file rather than the
// API: its source is a file and its UID is its config hash, which no pod
// created through the API can have.
func IsStatic(p *corev1.Pod) bool {
	return p.Annotations[AnnotationConfigSource] == SourceFile && p.UID != "" &&
		p.Annotations[AnnotationConfigHash] == string(p.UID) && !IsMirror(p)
}

// Decode parses one YAML or JSON Pod manifest and turns it into the static
// pod of nodeName: defaulted, renamed to <name>-<nodeName>, bound to the
// node, tolerating NoExecute taints, with its UID and config.hash set to a
// hash of the result.
func Decode(data []byte, nodeName string) (*corev1.Pod, error) {
	js, err := yaml.YAMLToJSON(data)
	if err != nil {
		return nil, fmt.Errorf("parse manifest: %w", err)
	}
	var pod corev1.Pod
	if err := json.Unmarshal(js, &pod); err != nil {
		return nil, fmt.Errorf("decode pod: %w", err)
	}
	if pod.Kind != "" && pod.Kind != "Pod" || pod.APIVersion != "" && pod.APIVersion != "v1" {
		return nil, fmt.Errorf("manifest is %s %s, want v1 Pod", pod.APIVersion, pod.Kind)
	}
	if pod.Name == "" {
		return nil, fmt.Errorf("manifest has no metadata.name")
	}
	pod.Name = pod.Name + "-" + strings.ToLower(nodeName)
	if pod.Namespace == "" {
		pod.Namespace = "default"
	}
	pod.Spec.NodeName = nodeName
	pod.UID, pod.ResourceVersion, pod.GenerateName = "", "", ""
	pod.Status = corev1.PodStatus{}
	corev1.SetObjectDefaults_Pod(&pod)
	hasToleration := false
	for _, t := range pod.Spec.Tolerations {
		if t.Key == "" && t.Operator == corev1.TolerationOpExists && t.Effect == corev1.TaintEffectNoExecute {
			hasToleration = true
		}
	}
	if !hasToleration {
		pod.Spec.Tolerations = append(pod.Spec.Tolerations, corev1.Toleration{Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute})
	}
	if errs := corev1.ValidatePodCreate(&pod); len(errs) > 0 {
		return nil, fmt.Errorf("invalid pod: %w", errs.ToAggregate())
	}
	canon, err := json.Marshal(&pod)
	if err != nil {
		return nil, fmt.Errorf("encode pod: %w", err)
	}
	sum := sha256.Sum256(canon)
	hash := hex.EncodeToString(sum[:16])
	pod.UID = types.UID(hash)
	if pod.Annotations == nil {
		pod.Annotations = map[string]string{}
	}
	pod.Annotations[AnnotationConfigHash] = hash
	pod.Annotations[AnnotationConfigSource] = SourceFile
	return &pod, nil
}

// ReadDir reads every file of dir as a manifest (hidden files skipped, as
// Kubernetes does) in name order. Bad files and later duplicates
// of a namespace/name are reported and left out; a missing dir has no pods.
func ReadDir(dir, nodeName string) ([]*corev1.Pod, []error) {
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, []error{fmt.Errorf("read manifest dir: %w", err)}
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	var pods []*corev1.Pod
	var errs []error
	seen := map[string]string{}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasPrefix(name, ".") {
			continue
		}
		path := filepath.Join(dir, name)
		data, err := os.ReadFile(path)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", path, err))
			continue
		}
		pod, err := Decode(data, nodeName)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", path, err))
			continue
		}
		key := pod.Namespace + "/" + pod.Name
		if first, dup := seen[key]; dup {
			errs = append(errs, fmt.Errorf("%s: pod %s is already defined by %s", path, key, first))
			continue
		}
		seen[key] = path
		pods = append(pods, pod)
	}
	return pods, errs
}

// fingerprint summarises dir's entries (names, sizes, modification times)
// so that polling notices a change without reading the files.
func fingerprint(dir string) string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "error: " + err.Error()
	}
	var b strings.Builder
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			continue
		}
		fmt.Fprintf(&b, "%s %d %d\n", e.Name(), info.Size(), info.ModTime().UnixNano())
	}
	return b.String()
}
