package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"sigs.k8s.io/yaml"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

// The type of the kubelet's configuration file, as in Kubernetes.
const (
	ConfigAPIVersion = "kubelet.config.k8s.io/v1beta1"
	ConfigKind       = "KubeletConfiguration"
)

// KubeletConfiguration is the part of a kubelet.config.k8s.io/v1beta1
// KubeletConfiguration that Keel applies, with Kubernetes' JSON names.
// Pointers, nil maps and nil slices stand for fields the file leaves out.
type KubeletConfiguration struct {
	APIVersion string `json:"apiVersion,omitempty"`
	Kind       string `json:"kind,omitempty"`

	StaticPodPath      *string          `json:"staticPodPath,omitempty"`
	PodLogsDir         *string          `json:"podLogsDir,omitempty"`
	FileCheckFrequency *metav1.Duration `json:"fileCheckFrequency,omitempty"`
	Address            *string          `json:"address,omitempty"`
	Port               *int32           `json:"port,omitempty"`
	TLSCertFile        *string          `json:"tlsCertFile,omitempty"`
	TLSPrivateKeyFile  *string          `json:"tlsPrivateKeyFile,omitempty"`
	// Authentication holds the client CA of the kubelet API.
	Authentication KubeletAuthentication `json:"authentication"`
	HealthzPort    *int32                `json:"healthzPort,omitempty"`
	// HealthzBindAddress is the address of the /healthz endpoint.
	HealthzBindAddress *string  `json:"healthzBindAddress,omitempty"`
	ClusterDomain      *string  `json:"clusterDomain,omitempty"`
	ClusterDNS         []string `json:"clusterDNS,omitempty"`
	// NodeStatusUpdateFrequency is how often the node status is computed.
	NodeStatusUpdateFrequency   *metav1.Duration `json:"nodeStatusUpdateFrequency,omitempty"`
	ImageMinimumGCAge           *metav1.Duration `json:"imageMinimumGCAge,omitempty"`
	ImageMaximumGCAge           *metav1.Duration `json:"imageMaximumGCAge,omitempty"`
	ImageGCHighThresholdPercent *int32           `json:"imageGCHighThresholdPercent,omitempty"`
	ImageGCLowThresholdPercent  *int32           `json:"imageGCLowThresholdPercent,omitempty"`
	MaxPods                     *int32           `json:"maxPods,omitempty"`
	ContentType                 *string          `json:"contentType,omitempty"`
	KubeAPIQPS                  *int32           `json:"kubeAPIQPS,omitempty"`
	KubeAPIBurst                *int32           `json:"kubeAPIBurst,omitempty"`
	// The eviction maps go from a signal name to a threshold, a grace
	// period or a minimum reclaim.
	EvictionHard                     map[string]string `json:"evictionHard,omitempty"`
	EvictionSoft                     map[string]string `json:"evictionSoft,omitempty"`
	EvictionSoftGracePeriod          map[string]string `json:"evictionSoftGracePeriod,omitempty"`
	EvictionPressureTransitionPeriod *metav1.Duration  `json:"evictionPressureTransitionPeriod,omitempty"`
	EvictionMaxPodGracePeriod        *int32            `json:"evictionMaxPodGracePeriod,omitempty"`
	EvictionMinimumReclaim           map[string]string `json:"evictionMinimumReclaim,omitempty"`
	// MergeDefaultEvictionSettings fills the signals a given evictionHard
	// leaves out with their defaults instead of leaving them unset.
	MergeDefaultEvictionSettings *bool             `json:"mergeDefaultEvictionSettings,omitempty"`
	ContainerLogMaxSize          *string           `json:"containerLogMaxSize,omitempty"`
	ContainerLogMaxFiles         *int32            `json:"containerLogMaxFiles,omitempty"`
	SystemReserved               map[string]string `json:"systemReserved,omitempty"`
	KubeReserved                 map[string]string `json:"kubeReserved,omitempty"`
	EnableProfilingHandler       *bool             `json:"enableProfilingHandler,omitempty"`
	RegisterWithTaints           []corev1.Taint    `json:"registerWithTaints,omitempty"`
	// LocalStorageCapacityIsolation false turns off local ephemeral
	// storage limits and the node's ephemeral-storage capacity.
	LocalStorageCapacityIsolation *bool   `json:"localStorageCapacityIsolation,omitempty"`
	ContainerRuntimeEndpoint      *string `json:"containerRuntimeEndpoint,omitempty"`
}

// KubeletAuthentication is the authentication section of the file.
type KubeletAuthentication struct {
	X509 KubeletX509Authentication `json:"x509"`
}

// KubeletX509Authentication is the client certificate authentication of
// the kubelet API.
type KubeletX509Authentication struct {
	// ClientCAFile is the CA bundle client certificates must chain to.
	ClientCAFile *string `json:"clientCAFile,omitempty"`
}

// LoadConfigFile reads and decodes the KubeletConfiguration file at path.
// Relative paths in the file are taken relative to the file's directory.
// The warnings name the fields Kubernetes' strict decoding rejects
// (unknown or duplicate; the file is then read leniently, as Kubernetes
// does) and the fields Keel ignores where that makes a difference.
func LoadConfigFile(path string) (*KubeletConfiguration, []string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, nil, fmt.Errorf("kubelet config file %q: %w", path, err)
	}
	data, err := os.ReadFile(abs)
	if err != nil {
		return nil, nil, fmt.Errorf("failed to read kubelet config file %q, error: %w", abs, err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil, fmt.Errorf("kubelet config file %q was empty", abs)
	}
	kc, warnings, err := DecodeKubeletConfiguration(data)
	if err != nil {
		return nil, nil, err
	}
	kc.resolvePaths(filepath.Dir(abs))
	return kc, warnings, nil
}

// DecodeKubeletConfiguration decodes a KubeletConfiguration in YAML or
// JSON. A wrong apiVersion or kind, or a value of the wrong type, is an
// error; unknown and duplicate fields are warnings.
func DecodeKubeletConfiguration(data []byte) (*KubeletConfiguration, []string, error) {
	var strict []string
	js, err := yaml.YAMLToJSONStrict(data)
	if err != nil {
		var lenientErr error
		js, lenientErr = yaml.YAMLToJSON(data)
		if lenientErr != nil {
			return nil, nil, fmt.Errorf("failed to decode: %w", lenientErr)
		}
		strict = append(strict, err.Error())
	}
	var raw map[string]any
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return nil, nil, fmt.Errorf("failed to decode: %w", err)
	}
	kind, _ := raw["kind"].(string)
	apiVersion, _ := raw["apiVersion"].(string)
	if err := checkType(apiVersion, kind); err != nil {
		return nil, nil, fmt.Errorf("failed to decode: %w", err)
	}
	kc := &KubeletConfiguration{}
	if err := json.Unmarshal(js, kc); err != nil {
		return nil, nil, fmt.Errorf("failed to decode: %w", err)
	}
	unknown, ignored := classifyFields(raw)
	strict = append(strict, unknown...)
	var warnings []string
	if len(strict) > 0 {
		warnings = append(warnings, "Using lenient decoding as strict decoding failed: strict decoding error: "+strings.Join(strict, ", "))
	}
	for _, f := range ignored {
		warnings = append(warnings, fmt.Sprintf("field %s is not supported by keel and is ignored", f))
	}
	return kc, warnings, nil
}

// checkType accepts only kubelet.config.k8s.io/v1beta1 KubeletConfiguration.
func checkType(apiVersion, kind string) error {
	want := fmt.Sprintf("want apiVersion %s and kind %s", ConfigAPIVersion, ConfigKind)
	switch {
	case kind == "":
		return fmt.Errorf("Object 'Kind' is missing (%s)", want)
	case apiVersion == "":
		return fmt.Errorf("Object 'apiVersion' is missing (%s)", want)
	case apiVersion != ConfigAPIVersion || kind != ConfigKind:
		return fmt.Errorf("no kind %q is registered for version %q (%s)", kind, apiVersion, want)
	}
	return nil
}

// resolvePaths makes the file's relative paths relative to dir.
func (kc *KubeletConfiguration) resolvePaths(dir string) {
	for _, p := range []*string{kc.StaticPodPath, kc.PodLogsDir, kc.TLSCertFile, kc.TLSPrivateKeyFile, kc.Authentication.X509.ClientCAFile} {
		if p != nil && *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
}

// evictionStatements turns a signal → value map into the flags'
// "signal<value,..." (or "signal=value,...") form, in signal order.
func evictionStatements(m map[string]string, sep string) string {
	parts := make([]string, 0, len(m))
	for _, k := range sortedKeys(m) {
		parts = append(parts, k+sep+m[k])
	}
	return strings.Join(parts, ",")
}
