package v1

import (
	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

// Default file modes of projected files.
const (
	SecretVolumeSourceDefaultMode      int32 = 0644
	ConfigMapVolumeSourceDefaultMode   int32 = 0644
	ProjectedVolumeSourceDefaultMode   int32 = 0644
	DownwardAPIVolumeSourceDefaultMode int32 = 0644
)

// Volume is a named volume of a pod.
type Volume struct {
	// Name is the volume's DNS-label name, unique in the pod.
	Name string `json:"name" protobuf:"bytes,1,opt,name=name"`
	// VolumeSource is where the volume comes from.
	VolumeSource `json:"" protobuf:"bytes,2,opt,name=volumeSource"`
}

// VolumeSource says where a volume comes from; exactly one member is set.
type VolumeSource struct {
	// HostPath is a path on the node.
	HostPath *HostPathVolumeSource `json:"hostPath,omitempty" protobuf:"bytes,1,opt,name=hostPath"`
	// EmptyDir is a scratch directory.
	EmptyDir *EmptyDirVolumeSource `json:"emptyDir,omitempty" protobuf:"bytes,2,opt,name=emptyDir"`
	// GCEPersistentDisk is a GCE persistent disk (deprecated).
	GCEPersistentDisk *GCEPersistentDiskVolumeSource `json:"gcePersistentDisk,omitempty" protobuf:"bytes,3,opt,name=gcePersistentDisk"`
	// AWSElasticBlockStore is an AWS EBS volume (deprecated).
	AWSElasticBlockStore *AWSElasticBlockStoreVolumeSource `json:"awsElasticBlockStore,omitempty" protobuf:"bytes,4,opt,name=awsElasticBlockStore"`
	// GitRepo is a cloned git repository (deprecated).
	GitRepo *GitRepoVolumeSource `json:"gitRepo,omitempty" protobuf:"bytes,5,opt,name=gitRepo"`
	// Secret projects a Secret.
	Secret *SecretVolumeSource `json:"secret,omitempty" protobuf:"bytes,6,opt,name=secret"`
	// NFS is an NFS export.
	NFS *NFSVolumeSource `json:"nfs,omitempty" protobuf:"bytes,7,opt,name=nfs"`
	// ISCSI is an iSCSI disk.
	ISCSI *ISCSIVolumeSource `json:"iscsi,omitempty" protobuf:"bytes,8,opt,name=iscsi"`
	// Glusterfs is a Glusterfs volume (removed from Kubernetes).
	Glusterfs *GlusterfsVolumeSource `json:"glusterfs,omitempty" protobuf:"bytes,9,opt,name=glusterfs"`
	// PersistentVolumeClaim mounts a claim.
	PersistentVolumeClaim *PersistentVolumeClaimVolumeSource `json:"persistentVolumeClaim,omitempty" protobuf:"bytes,10,opt,name=persistentVolumeClaim"`
	// RBD is a Ceph RBD image (removed from Kubernetes).
	RBD *RBDVolumeSource `json:"rbd,omitempty" protobuf:"bytes,11,opt,name=rbd"`
	// FlexVolume is a FlexVolume driver's volume (deprecated).
	FlexVolume *FlexVolumeSource `json:"flexVolume,omitempty" protobuf:"bytes,12,opt,name=flexVolume"`
	// Cinder is a Cinder volume (deprecated).
	Cinder *CinderVolumeSource `json:"cinder,omitempty" protobuf:"bytes,13,opt,name=cinder"`
	// CephFS is a CephFS mount (removed from Kubernetes).
	CephFS *CephFSVolumeSource `json:"cephfs,omitempty" protobuf:"bytes,14,opt,name=cephfs"`
	// Flocker is a Flocker dataset (removed from Kubernetes).
	Flocker *FlockerVolumeSource `json:"flocker,omitempty" protobuf:"bytes,15,opt,name=flocker"`
	// DownwardAPI projects pod fields.
	DownwardAPI *DownwardAPIVolumeSource `json:"downwardAPI,omitempty" protobuf:"bytes,16,opt,name=downwardAPI"`
	// FC is a Fibre Channel volume.
	FC *FCVolumeSource `json:"fc,omitempty" protobuf:"bytes,17,opt,name=fc"`
	// AzureFile is an Azure File share (deprecated).
	AzureFile *AzureFileVolumeSource `json:"azureFile,omitempty" protobuf:"bytes,18,opt,name=azureFile"`
	// ConfigMap projects a ConfigMap.
	ConfigMap *ConfigMapVolumeSource `json:"configMap,omitempty" protobuf:"bytes,19,opt,name=configMap"`
	// VsphereVolume is a vSphere disk (deprecated).
	VsphereVolume *VsphereVirtualDiskVolumeSource `json:"vsphereVolume,omitempty" protobuf:"bytes,20,opt,name=vsphereVolume"`
	// Quobyte is a Quobyte volume (removed from Kubernetes).
	Quobyte *QuobyteVolumeSource `json:"quobyte,omitempty" protobuf:"bytes,21,opt,name=quobyte"`
	// AzureDisk is an Azure disk (deprecated).
	AzureDisk *AzureDiskVolumeSource `json:"azureDisk,omitempty" protobuf:"bytes,22,opt,name=azureDisk"`
	// PhotonPersistentDisk is a Photon disk (removed from Kubernetes).
	PhotonPersistentDisk *PhotonPersistentDiskVolumeSource `json:"photonPersistentDisk,omitempty" protobuf:"bytes,23,opt,name=photonPersistentDisk"`
	// Projected merges several sources.
	Projected *ProjectedVolumeSource `json:"projected,omitempty" protobuf:"bytes,26,opt,name=projected"`
	// PortworxVolume is a Portworx volume (deprecated).
	PortworxVolume *PortworxVolumeSource `json:"portworxVolume,omitempty" protobuf:"bytes,24,opt,name=portworxVolume"`
	// ScaleIO is a ScaleIO volume (removed from Kubernetes).
	ScaleIO *ScaleIOVolumeSource `json:"scaleIO,omitempty" protobuf:"bytes,25,opt,name=scaleIO"`
	// StorageOS is a StorageOS volume (removed from Kubernetes).
	StorageOS *StorageOSVolumeSource `json:"storageos,omitempty" protobuf:"bytes,27,opt,name=storageos"`
	// CSI is an inline CSI volume.
	CSI *CSIVolumeSource `json:"csi,omitempty" protobuf:"bytes,28,opt,name=csi"`
	// Ephemeral is a claim created for the pod.
	Ephemeral *EphemeralVolumeSource `json:"ephemeral,omitempty" protobuf:"bytes,29,opt,name=ephemeral"`
	// Image mounts an OCI image.
	Image *ImageVolumeSource `json:"image,omitempty" protobuf:"bytes,30,opt,name=image"`
}

// EmptyDirVolumeSource is a scratch directory that lives as long as the pod.
type EmptyDirVolumeSource struct {
	// Medium is "" (node disk) or Memory.
	Medium StorageMedium `json:"medium,omitempty" protobuf:"bytes,1,opt,name=medium,casttype=StorageMedium"`
	// SizeLimit caps the directory's size.
	SizeLimit *resource.Quantity `json:"sizeLimit,omitempty" protobuf:"bytes,2,opt,name=sizeLimit"`
	// Mode is the directory's permission bits.
	Mode *int32 `json:"mode,omitempty" protobuf:"varint,3,opt,name=mode"`
}

// GitRepoVolumeSource clones a git repository (deprecated).
type GitRepoVolumeSource struct {
	// Repository is the repository URL.
	Repository string `json:"repository" protobuf:"bytes,1,opt,name=repository"`
	// Revision is the commit to check out.
	Revision string `json:"revision,omitempty" protobuf:"bytes,2,opt,name=revision"`
	// Directory is the target directory inside the volume.
	Directory string `json:"directory,omitempty" protobuf:"bytes,3,opt,name=directory"`
}

// SecretVolumeSource projects the keys of a Secret as files.
type SecretVolumeSource struct {
	// SecretName names the Secret.
	SecretName string `json:"secretName,omitempty" protobuf:"bytes,1,opt,name=secretName"`
	// Items select keys and their paths; empty means all keys.
	Items []KeyToPath `json:"items,omitempty" protobuf:"bytes,2,rep,name=items"`
	// DefaultMode is the files' mode; default 0644.
	DefaultMode *int32 `json:"defaultMode,omitempty" protobuf:"bytes,3,opt,name=defaultMode"`
	// Optional lets the pod start without the Secret.
	Optional *bool `json:"optional,omitempty" protobuf:"varint,4,opt,name=optional"`
	// DefaultUser is the files' owner.
	DefaultUser *int64 `json:"defaultUser,omitempty" protobuf:"varint,5,opt,name=defaultUser"`
}

// ConfigMapVolumeSource projects the keys of a ConfigMap as files.
type ConfigMapVolumeSource struct {
	// LocalObjectReference names the ConfigMap.
	LocalObjectReference `json:"" protobuf:"bytes,1,opt,name=localObjectReference"`
	// Items select keys and their paths; empty means all keys.
	Items []KeyToPath `json:"items,omitempty" protobuf:"bytes,2,rep,name=items"`
	// DefaultMode is the files' mode; default 0644.
	DefaultMode *int32 `json:"defaultMode,omitempty" protobuf:"varint,3,opt,name=defaultMode"`
	// Optional lets the pod start without the ConfigMap.
	Optional *bool `json:"optional,omitempty" protobuf:"varint,4,opt,name=optional"`
	// DefaultUser is the files' owner.
	DefaultUser *int64 `json:"defaultUser,omitempty" protobuf:"varint,5,opt,name=defaultUser"`
}

// KeyToPath maps one key to a file path inside a volume.
type KeyToPath struct {
	// Key is the key to project.
	Key string `json:"key" protobuf:"bytes,1,opt,name=key"`
	// Path is the relative file path.
	Path string `json:"path" protobuf:"bytes,2,opt,name=path"`
	// Mode is the file's mode.
	Mode *int32 `json:"mode,omitempty" protobuf:"varint,3,opt,name=mode"`
	// User is the file's owner.
	User *int64 `json:"user,omitempty" protobuf:"varint,4,opt,name=user"`
}

// DownwardAPIVolumeSource projects pod fields as files.
type DownwardAPIVolumeSource struct {
	// Items are the files.
	Items []DownwardAPIVolumeFile `json:"items,omitempty" protobuf:"bytes,1,rep,name=items"`
	// DefaultMode is the files' mode; default 0644.
	DefaultMode *int32 `json:"defaultMode,omitempty" protobuf:"varint,2,opt,name=defaultMode"`
	// DefaultUser is the files' owner.
	DefaultUser *int64 `json:"defaultUser,omitempty" protobuf:"varint,3,opt,name=defaultUser"`
}

// DownwardAPIVolumeFile is one file of a downward API volume.
type DownwardAPIVolumeFile struct {
	// Path is the relative file path.
	Path string `json:"path" protobuf:"bytes,1,opt,name=path"`
	// FieldRef selects a pod field.
	FieldRef *ObjectFieldSelector `json:"fieldRef,omitempty" protobuf:"bytes,2,opt,name=fieldRef"`
	// ResourceFieldRef selects a container resource.
	ResourceFieldRef *ResourceFieldSelector `json:"resourceFieldRef,omitempty" protobuf:"bytes,3,opt,name=resourceFieldRef"`
	// Mode is the file's mode.
	Mode *int32 `json:"mode,omitempty" protobuf:"varint,4,opt,name=mode"`
	// User is the file's owner.
	User *int64 `json:"user,omitempty" protobuf:"varint,5,opt,name=user"`
}

// ProjectedVolumeSource merges several sources into one directory.
type ProjectedVolumeSource struct {
	// Sources are the merged sources.
	Sources []VolumeProjection `json:"sources" protobuf:"bytes,1,rep,name=sources"`
	// DefaultMode is the files' mode; default 0644.
	DefaultMode *int32 `json:"defaultMode,omitempty" protobuf:"varint,2,opt,name=defaultMode"`
	// DefaultUser is the files' owner.
	DefaultUser *int64 `json:"defaultUser,omitempty" protobuf:"varint,3,opt,name=defaultUser"`
}

// VolumeProjection is one source of a projected volume; exactly one member is set.
type VolumeProjection struct {
	// Secret projects a Secret.
	Secret *SecretProjection `json:"secret,omitempty" protobuf:"bytes,1,opt,name=secret"`
	// DownwardAPI projects pod fields.
	DownwardAPI *DownwardAPIProjection `json:"downwardAPI,omitempty" protobuf:"bytes,2,opt,name=downwardAPI"`
	// ConfigMap projects a ConfigMap.
	ConfigMap *ConfigMapProjection `json:"configMap,omitempty" protobuf:"bytes,3,opt,name=configMap"`
	// ServiceAccountToken projects a service account token.
	ServiceAccountToken *ServiceAccountTokenProjection `json:"serviceAccountToken,omitempty" protobuf:"bytes,4,opt,name=serviceAccountToken"`
	// ClusterTrustBundle projects trust anchors.
	ClusterTrustBundle *ClusterTrustBundleProjection `json:"clusterTrustBundle,omitempty" protobuf:"bytes,5,opt,name=clusterTrustBundle"`
	// PodCertificate projects a pod certificate.
	PodCertificate *PodCertificateProjection `json:"podCertificate,omitempty" protobuf:"bytes,6,opt,name=podCertificate"`
}

// SecretProjection projects keys of a Secret into a projected volume.
type SecretProjection struct {
	// LocalObjectReference names the Secret.
	LocalObjectReference `json:"" protobuf:"bytes,1,opt,name=localObjectReference"`
	// Items select keys and their paths.
	Items []KeyToPath `json:"items,omitempty" protobuf:"bytes,2,rep,name=items"`
	// Optional tolerates a missing Secret.
	Optional *bool `json:"optional,omitempty" protobuf:"varint,4,opt,name=optional"`
}

// ConfigMapProjection projects keys of a ConfigMap into a projected volume.
type ConfigMapProjection struct {
	// LocalObjectReference names the ConfigMap.
	LocalObjectReference `json:"" protobuf:"bytes,1,opt,name=localObjectReference"`
	// Items select keys and their paths.
	Items []KeyToPath `json:"items,omitempty" protobuf:"bytes,2,rep,name=items"`
	// Optional tolerates a missing ConfigMap.
	Optional *bool `json:"optional,omitempty" protobuf:"varint,4,opt,name=optional"`
}

// DownwardAPIProjection projects pod fields into a projected volume.
type DownwardAPIProjection struct {
	// Items are the files.
	Items []DownwardAPIVolumeFile `json:"items,omitempty" protobuf:"bytes,1,rep,name=items"`
}

// ServiceAccountTokenProjection projects a bound service account token.
type ServiceAccountTokenProjection struct {
	// Audience is the token's intended audience.
	Audience string `json:"audience,omitempty" protobuf:"bytes,1,rep,name=audience"`
	// ExpirationSeconds is the token's lifetime; default 3600.
	ExpirationSeconds *int64 `json:"expirationSeconds,omitempty" protobuf:"varint,2,opt,name=expirationSeconds"`
	// Path is the token file's path.
	Path string `json:"path" protobuf:"bytes,3,opt,name=path"`
	// User is the file's owner.
	User *int64 `json:"user,omitempty" protobuf:"varint,4,opt,name=user"`
}

// ClusterTrustBundleProjection projects ClusterTrustBundle certificates.
type ClusterTrustBundleProjection struct {
	// Name names one ClusterTrustBundle.
	Name *string `json:"name,omitempty" protobuf:"bytes,1,rep,name=name"`
	// SignerName selects bundles by signer.
	SignerName *string `json:"signerName,omitempty" protobuf:"bytes,2,rep,name=signerName"`
	// LabelSelector narrows bundles of the signer.
	LabelSelector *metav1.LabelSelector `json:"labelSelector,omitempty" protobuf:"bytes,3,rep,name=labelSelector"`
	// Optional tolerates missing bundles.
	Optional *bool `json:"optional,omitempty" protobuf:"varint,5,opt,name=optional"`
	// Path is the file's path.
	Path string `json:"path" protobuf:"bytes,4,rep,name=path"`
	// User is the file's owner.
	User *int64 `json:"user,omitempty" protobuf:"varint,6,opt,name=user"`
}

// PodCertificateProjection projects a key and a certificate issued for the pod.
type PodCertificateProjection struct {
	// SignerName is the signer that issues the certificate.
	SignerName string `json:"signerName,omitempty" protobuf:"bytes,1,rep,name=signerName"`
	// KeyType is the private key's algorithm.
	KeyType string `json:"keyType,omitempty" protobuf:"bytes,2,rep,name=keyType"`
	// MaxExpirationSeconds caps the certificate's lifetime.
	MaxExpirationSeconds *int32 `json:"maxExpirationSeconds,omitempty" protobuf:"varint,3,opt,name=maxExpirationSeconds"`
	// CredentialBundlePath is the path of the key plus chain file.
	CredentialBundlePath string `json:"credentialBundlePath,omitempty" protobuf:"bytes,4,rep,name=credentialBundlePath"`
	// KeyPath is the path of the key file.
	KeyPath string `json:"keyPath,omitempty" protobuf:"bytes,5,rep,name=keyPath"`
	// CertificateChainPath is the path of the chain file.
	CertificateChainPath string `json:"certificateChainPath,omitempty" protobuf:"bytes,6,rep,name=certificateChainPath"`
	// UserAnnotations are passed to the signer.
	UserAnnotations map[string]string `json:"userAnnotations,omitempty" protobuf:"bytes,7,rep,name=userAnnotations"`
	// User is the files' owner.
	User *int64 `json:"user,omitempty" protobuf:"varint,8,opt,name=user"`
}

// PersistentVolumeClaimVolumeSource mounts a PersistentVolumeClaim of the pod's namespace.
type PersistentVolumeClaimVolumeSource struct {
	// ClaimName names the claim.
	ClaimName string `json:"claimName" protobuf:"bytes,1,opt,name=claimName"`
	// ReadOnly mounts it read-only.
	ReadOnly bool `json:"readOnly,omitempty" protobuf:"varint,2,opt,name=readOnly"`
}

// EphemeralVolumeSource is a volume backed by a PVC created for and owned by the pod.
type EphemeralVolumeSource struct {
	// VolumeClaimTemplate is the claim to create.
	VolumeClaimTemplate *PersistentVolumeClaimTemplate `json:"volumeClaimTemplate,omitempty" protobuf:"bytes,1,opt,name=volumeClaimTemplate"`
}

// PersistentVolumeClaimTemplate is the PVC an ephemeral volume creates.
type PersistentVolumeClaimTemplate struct {
	// ObjectMeta is copied into the created claim.
	metav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Spec is the created claim's spec.
	Spec PersistentVolumeClaimSpec `json:"spec" protobuf:"bytes,2,name=spec"`
}

// CSIVolumeSource is an inline volume provided by a CSI driver.
type CSIVolumeSource struct {
	// Driver is the CSI driver's name.
	Driver string `json:"driver" protobuf:"bytes,1,opt,name=driver"`
	// ReadOnly mounts the volume read-only.
	ReadOnly *bool `json:"readOnly,omitempty" protobuf:"varint,2,opt,name=readOnly"`
	// FSType is the filesystem to mount.
	FSType *string `json:"fsType,omitempty" protobuf:"bytes,3,opt,name=fsType"`
	// VolumeAttributes are passed to the driver.
	VolumeAttributes map[string]string `json:"volumeAttributes,omitempty" protobuf:"bytes,4,rep,name=volumeAttributes"`
	// NodePublishSecretRef names a Secret passed to the driver.
	NodePublishSecretRef *LocalObjectReference `json:"nodePublishSecretRef,omitempty" protobuf:"bytes,5,opt,name=nodePublishSecretRef"`
}

// ImageVolumeSource mounts the contents of an OCI image or artifact.
type ImageVolumeSource struct {
	// Reference is the image or artifact reference.
	Reference string `json:"reference,omitempty" protobuf:"bytes,1,opt,name=reference"`
	// PullPolicy is Always, IfNotPresent or Never.
	PullPolicy PullPolicy `json:"pullPolicy,omitempty" protobuf:"bytes,2,opt,name=pullPolicy,casttype=PullPolicy"`
}

// ISCSIVolumeSource is an iSCSI disk.
type ISCSIVolumeSource struct {
	// TargetPortal is the target's address.
	TargetPortal string `json:"targetPortal" protobuf:"bytes,1,opt,name=targetPortal"`
	// IQN is the target's qualified name.
	IQN string `json:"iqn" protobuf:"bytes,2,opt,name=iqn"`
	// Lun is the logical unit number.
	Lun int32 `json:"lun" protobuf:"varint,3,opt,name=lun"`
	// ISCSIInterface is the initiator interface; default "default".
	ISCSIInterface string `json:"iscsiInterface,omitempty" protobuf:"bytes,4,opt,name=iscsiInterface"`
	// FSType is the filesystem to mount.
	FSType string `json:"fsType,omitempty" protobuf:"bytes,5,opt,name=fsType"`
	// ReadOnly mounts the disk read-only.
	ReadOnly bool `json:"readOnly,omitempty" protobuf:"varint,6,opt,name=readOnly"`
	// Portals are further target addresses.
	Portals []string `json:"portals,omitempty" protobuf:"bytes,7,opt,name=portals"`
	// DiscoveryCHAPAuth enables CHAP discovery authentication.
	DiscoveryCHAPAuth bool `json:"chapAuthDiscovery,omitempty" protobuf:"varint,8,opt,name=chapAuthDiscovery"`
	// SessionCHAPAuth enables CHAP session authentication.
	SessionCHAPAuth bool `json:"chapAuthSession,omitempty" protobuf:"varint,11,opt,name=chapAuthSession"`
	// SecretRef names the CHAP Secret.
	SecretRef *LocalObjectReference `json:"secretRef,omitempty" protobuf:"bytes,10,opt,name=secretRef"`
	// InitiatorName is a custom initiator name.
	InitiatorName *string `json:"initiatorName,omitempty" protobuf:"bytes,12,opt,name=initiatorName"`
}

// GlusterfsVolumeSource is a Glusterfs volume.
type GlusterfsVolumeSource struct {
	// EndpointsName names the Endpoints listing the servers.
	EndpointsName string `json:"endpoints" protobuf:"bytes,1,opt,name=endpoints"`
	// Path is the Gluster volume.
	Path string `json:"path" protobuf:"bytes,2,opt,name=path"`
	// ReadOnly mounts it read-only.
	ReadOnly bool `json:"readOnly,omitempty" protobuf:"varint,3,opt,name=readOnly"`
}

// RBDVolumeSource is a Ceph RBD image.
type RBDVolumeSource struct {
	// CephMonitors are the Ceph monitors.
	CephMonitors []string `json:"monitors" protobuf:"bytes,1,rep,name=monitors"`
	// RBDImage is the image.
	RBDImage string `json:"image" protobuf:"bytes,2,opt,name=image"`
	// FSType is the filesystem to mount.
	FSType string `json:"fsType,omitempty" protobuf:"bytes,3,opt,name=fsType"`
	// RBDPool is the pool; default rbd.
	RBDPool string `json:"pool,omitempty" protobuf:"bytes,4,opt,name=pool"`
	// RadosUser is the user; default admin.
	RadosUser string `json:"user,omitempty" protobuf:"bytes,5,opt,name=user"`
	// Keyring is the keyring path; default /etc/ceph/keyring.
	Keyring string `json:"keyring,omitempty" protobuf:"bytes,6,opt,name=keyring"`
	// SecretRef names the auth Secret.
	SecretRef *LocalObjectReference `json:"secretRef,omitempty" protobuf:"bytes,7,opt,name=secretRef"`
	// ReadOnly mounts it read-only.
	ReadOnly bool `json:"readOnly,omitempty" protobuf:"varint,8,opt,name=readOnly"`
}

// FlexVolumeSource is a volume provided by a FlexVolume driver.
type FlexVolumeSource struct {
	// Driver is the driver's name.
	Driver string `json:"driver" protobuf:"bytes,1,opt,name=driver"`
	// FSType is the filesystem to mount.
	FSType string `json:"fsType,omitempty" protobuf:"bytes,2,opt,name=fsType"`
	// SecretRef names a Secret passed to the driver.
	SecretRef *LocalObjectReference `json:"secretRef,omitempty" protobuf:"bytes,3,opt,name=secretRef"`
	// ReadOnly mounts it read-only.
	ReadOnly bool `json:"readOnly,omitempty" protobuf:"varint,4,opt,name=readOnly"`
	// Options are passed to the driver.
	Options map[string]string `json:"options,omitempty" protobuf:"bytes,5,rep,name=options"`
}

// CinderVolumeSource is an OpenStack Cinder volume.
type CinderVolumeSource struct {
	// VolumeID is the Cinder volume ID.
	VolumeID string `json:"volumeID" protobuf:"bytes,1,opt,name=volumeID"`
	// FSType is the filesystem to mount.
	FSType string `json:"fsType,omitempty" protobuf:"bytes,2,opt,name=fsType"`
	// ReadOnly mounts it read-only.
	ReadOnly bool `json:"readOnly,omitempty" protobuf:"varint,3,opt,name=readOnly"`
	// SecretRef names the OpenStack credentials Secret.
	SecretRef *LocalObjectReference `json:"secretRef,omitempty" protobuf:"bytes,4,opt,name=secretRef"`
}

// CephFSVolumeSource is a CephFS mount.
type CephFSVolumeSource struct {
	// Monitors are the Ceph monitors.
	Monitors []string `json:"monitors" protobuf:"bytes,1,rep,name=monitors"`
	// Path is the path to mount; default /.
	Path string `json:"path,omitempty" protobuf:"bytes,2,opt,name=path"`
	// User is the user; default admin.
	User string `json:"user,omitempty" protobuf:"bytes,3,opt,name=user"`
	// SecretFile is the keyring path.
	SecretFile string `json:"secretFile,omitempty" protobuf:"bytes,4,opt,name=secretFile"`
	// SecretRef names the auth Secret.
	SecretRef *LocalObjectReference `json:"secretRef,omitempty" protobuf:"bytes,5,opt,name=secretRef"`
	// ReadOnly mounts it read-only.
	ReadOnly bool `json:"readOnly,omitempty" protobuf:"varint,6,opt,name=readOnly"`
}

// AzureFileVolumeSource is an Azure File share.
type AzureFileVolumeSource struct {
	// SecretName names the Secret with the account name and key.
	SecretName string `json:"secretName" protobuf:"bytes,1,opt,name=secretName"`
	// ShareName is the share.
	ShareName string `json:"shareName" protobuf:"bytes,2,opt,name=shareName"`
	// ReadOnly mounts it read-only.
	ReadOnly bool `json:"readOnly,omitempty" protobuf:"varint,3,opt,name=readOnly"`
}

// ScaleIOVolumeSource is a ScaleIO volume.
type ScaleIOVolumeSource struct {
	// Gateway is the gateway address.
	Gateway string `json:"gateway" protobuf:"bytes,1,opt,name=gateway"`
	// System is the storage system.
	System string `json:"system" protobuf:"bytes,2,opt,name=system"`
	// SecretRef names the credentials Secret.
	SecretRef *LocalObjectReference `json:"secretRef" protobuf:"bytes,3,opt,name=secretRef"`
	// SSLEnabled uses SSL to the gateway.
	SSLEnabled bool `json:"sslEnabled,omitempty" protobuf:"varint,4,opt,name=sslEnabled"`
	// ProtectionDomain is the protection domain.
	ProtectionDomain string `json:"protectionDomain,omitempty" protobuf:"bytes,5,opt,name=protectionDomain"`
	// StoragePool is the storage pool.
	StoragePool string `json:"storagePool,omitempty" protobuf:"bytes,6,opt,name=storagePool"`
	// StorageMode is ThickProvisioned or ThinProvisioned.
	StorageMode string `json:"storageMode,omitempty" protobuf:"bytes,7,opt,name=storageMode"`
	// VolumeName is the volume.
	VolumeName string `json:"volumeName,omitempty" protobuf:"bytes,8,opt,name=volumeName"`
	// FSType is the filesystem to mount.
	FSType string `json:"fsType,omitempty" protobuf:"bytes,9,opt,name=fsType"`
	// ReadOnly mounts it read-only.
	ReadOnly bool `json:"readOnly,omitempty" protobuf:"varint,10,opt,name=readOnly"`
}

// StorageOSVolumeSource is a StorageOS volume.
type StorageOSVolumeSource struct {
	// VolumeName is the volume.
	VolumeName string `json:"volumeName,omitempty" protobuf:"bytes,1,opt,name=volumeName"`
	// VolumeNamespace is the StorageOS namespace.
	VolumeNamespace string `json:"volumeNamespace,omitempty" protobuf:"bytes,2,opt,name=volumeNamespace"`
	// FSType is the filesystem to mount.
	FSType string `json:"fsType,omitempty" protobuf:"bytes,3,opt,name=fsType"`
	// ReadOnly mounts it read-only.
	ReadOnly bool `json:"readOnly,omitempty" protobuf:"varint,4,opt,name=readOnly"`
	// SecretRef names the credentials Secret.
	SecretRef *LocalObjectReference `json:"secretRef,omitempty" protobuf:"bytes,5,opt,name=secretRef"`
}
