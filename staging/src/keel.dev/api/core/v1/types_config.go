package v1

import (
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

// ConfigMap holds non-confidential configuration as key/value pairs.
type ConfigMap struct {
	metav1.TypeMeta `json:",inline"`
	// ObjectMeta is the config map's metadata.
	metav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Immutable, once true, forbids changes to the data.
	Immutable *bool `json:"immutable,omitempty" protobuf:"varint,4,opt,name=immutable"`
	// Data holds UTF-8 values.
	Data map[string]string `json:"data,omitempty" protobuf:"bytes,2,rep,name=data"`
	// BinaryData holds binary values; keys may not repeat those of Data.
	BinaryData map[string][]byte `json:"binaryData,omitempty" protobuf:"bytes,3,rep,name=binaryData"`
}

// ConfigMapList is a list of config maps.
type ConfigMapList struct {
	metav1.TypeMeta `json:",inline"`
	// ListMeta carries the list's resourceVersion and continue token.
	metav1.ListMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Items are the config maps.
	Items []ConfigMap `json:"items" protobuf:"bytes,2,rep,name=items"`
}

// Secret holds confidential data such as passwords, tokens and keys.
type Secret struct {
	metav1.TypeMeta `json:",inline"`
	// ObjectMeta is the secret's metadata.
	metav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Immutable, once true, forbids changes to the data.
	Immutable *bool `json:"immutable,omitempty" protobuf:"varint,5,opt,name=immutable"`
	// Data holds the secret values (base64 in JSON).
	Data map[string][]byte `json:"data,omitempty" protobuf:"bytes,2,rep,name=data"`
	// StringData is a write-only convenience merged into Data on write.
	StringData map[string]string `json:"stringData,omitempty" protobuf:"bytes,4,rep,name=stringData"`
	// Type tells consumers how to read the data.
	Type SecretType `json:"type,omitempty" protobuf:"bytes,3,opt,name=type,casttype=SecretType"`
}

// SecretList is a list of secrets.
type SecretList struct {
	metav1.TypeMeta `json:",inline"`
	// ListMeta carries the list's resourceVersion and continue token.
	metav1.ListMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Items are the secrets.
	Items []Secret `json:"items" protobuf:"bytes,2,rep,name=items"`
}

// MaxSecretSize is the largest total size of a secret's or config map's data, in bytes.
const MaxSecretSize = 1 * 1024 * 1024

// SecretType names the format of a secret's data.
type SecretType string

// Secret types and the data keys they use.
const (
	// SecretTypeOpaque is arbitrary user data (the default).
	SecretTypeOpaque SecretType = "Opaque"

	// SecretTypeServiceAccountToken holds a service account token.
	SecretTypeServiceAccountToken SecretType = "kubernetes.io/service-account-token"
	// ServiceAccountNameKey is the annotation naming the token's service account.
	ServiceAccountNameKey = "kubernetes.io/service-account.name"
	// ServiceAccountUIDKey is the annotation holding the service account's UID.
	ServiceAccountUIDKey = "kubernetes.io/service-account.uid"
	// ServiceAccountTokenKey is the data key of the token.
	ServiceAccountTokenKey = "token"
	// ServiceAccountKubeconfigKey is the data key of an optional kubeconfig.
	ServiceAccountKubeconfigKey = "kubernetes.kubeconfig"
	// ServiceAccountRootCAKey is the data key of the cluster CA bundle.
	ServiceAccountRootCAKey = "ca.crt"
	// ServiceAccountNamespaceKey is the data key of the namespace.
	ServiceAccountNamespaceKey = "namespace"

	// SecretTypeDockercfg holds a legacy ~/.dockercfg file.
	SecretTypeDockercfg SecretType = "kubernetes.io/dockercfg"
	// DockerConfigKey is the data key of the .dockercfg file.
	DockerConfigKey = ".dockercfg"

	// SecretTypeDockerConfigJson holds a ~/.docker/config.json file.
	SecretTypeDockerConfigJson SecretType = "kubernetes.io/dockerconfigjson"
	// DockerConfigJsonKey is the data key of the config.json file.
	DockerConfigJsonKey = ".dockerconfigjson"

	// SecretTypeBasicAuth holds basic authentication credentials.
	SecretTypeBasicAuth SecretType = "kubernetes.io/basic-auth"
	// BasicAuthUsernameKey is the data key of the user name.
	BasicAuthUsernameKey = "username"
	// BasicAuthPasswordKey is the data key of the password.
	BasicAuthPasswordKey = "password"

	// SecretTypeSSHAuth holds SSH authentication data.
	SecretTypeSSHAuth SecretType = "kubernetes.io/ssh-auth"
	// SSHAuthPrivateKey is the data key of the private key.
	SSHAuthPrivateKey = "ssh-privatekey"

	// SecretTypeTLS holds a TLS certificate and its key.
	SecretTypeTLS SecretType = "kubernetes.io/tls"
	// TLSCertKey is the data key of the PEM certificate chain.
	TLSCertKey = "tls.crt"
	// TLSPrivateKeyKey is the data key of the PEM private key.
	TLSPrivateKeyKey = "tls.key"

	// SecretTypeBootstrapToken holds a node bootstrap token.
	SecretTypeBootstrapToken SecretType = "bootstrap.kubernetes.io/token"
)
