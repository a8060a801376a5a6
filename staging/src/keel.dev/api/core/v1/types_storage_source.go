package v1

// This file holds the volume sources only persistent volumes use; sources
// shared with pod volumes live with the pod volume types.

// SecretReference names a secret in any namespace.
type SecretReference struct {
	// Name of the secret.
	Name string `json:"name,omitempty" protobuf:"bytes,1,opt,name=name"`
	// Namespace of the secret.
	Namespace string `json:"namespace,omitempty" protobuf:"bytes,2,opt,name=namespace"`
}

// GlusterfsPersistentVolumeSource is a GlusterFS volume of a persistent volume.
type GlusterfsPersistentVolumeSource struct {
	// EndpointsName is the Endpoints object listing the Gluster servers.
	EndpointsName string `json:"endpoints" protobuf:"bytes,1,opt,name=endpoints"`
	// Path is the Gluster volume name.
	Path string `json:"path" protobuf:"bytes,2,opt,name=path"`
	// ReadOnly mounts the volume read-only.
	ReadOnly bool `json:"readOnly,omitempty" protobuf:"varint,3,opt,name=readOnly"`
	// EndpointsNamespace is the namespace of the Endpoints object.
	EndpointsNamespace *string `json:"endpointsNamespace,omitempty" protobuf:"bytes,4,opt,name=endpointsNamespace"`
}

// RBDPersistentVolumeSource is a Ceph block device of a persistent volume.
type RBDPersistentVolumeSource struct {
	// CephMonitors are the Ceph monitor addresses.
	CephMonitors []string `json:"monitors" protobuf:"bytes,1,rep,name=monitors"`
	// RBDImage is the image name.
	RBDImage string `json:"image" protobuf:"bytes,2,opt,name=image"`
	// FSType is the filesystem type.
	FSType string `json:"fsType,omitempty" protobuf:"bytes,3,opt,name=fsType"`
	// RBDPool is the pool name.
	RBDPool string `json:"pool,omitempty" protobuf:"bytes,4,opt,name=pool"`
	// RadosUser is the rados user.
	RadosUser string `json:"user,omitempty" protobuf:"bytes,5,opt,name=user"`
	// Keyring is the keyring path.
	Keyring string `json:"keyring,omitempty" protobuf:"bytes,6,opt,name=keyring"`
	// SecretRef names the secret holding the user's key.
	SecretRef *SecretReference `json:"secretRef,omitempty" protobuf:"bytes,7,opt,name=secretRef"`
	// ReadOnly mounts the volume read-only.
	ReadOnly bool `json:"readOnly,omitempty" protobuf:"varint,8,opt,name=readOnly"`
}

// CinderPersistentVolumeSource is an OpenStack Cinder volume of a persistent volume.
type CinderPersistentVolumeSource struct {
	// VolumeID identifies the Cinder volume.
	VolumeID string `json:"volumeID" protobuf:"bytes,1,opt,name=volumeID"`
	// FSType is the filesystem type.
	FSType string `json:"fsType,omitempty" protobuf:"bytes,2,opt,name=fsType"`
	// ReadOnly mounts the volume read-only.
	ReadOnly bool `json:"readOnly,omitempty" protobuf:"varint,3,opt,name=readOnly"`
	// SecretRef names the secret with OpenStack credentials.
	SecretRef *SecretReference `json:"secretRef,omitempty" protobuf:"bytes,4,opt,name=secretRef"`
}

// CephFSPersistentVolumeSource is a CephFS mount of a persistent volume.
type CephFSPersistentVolumeSource struct {
	// Monitors are the Ceph monitor addresses.
	Monitors []string `json:"monitors" protobuf:"bytes,1,rep,name=monitors"`
	// Path is the mounted root; defaults to /.
	Path string `json:"path,omitempty" protobuf:"bytes,2,opt,name=path"`
	// User is the rados user.
	User string `json:"user,omitempty" protobuf:"bytes,3,opt,name=user"`
	// SecretFile is the keyring path.
	SecretFile string `json:"secretFile,omitempty" protobuf:"bytes,4,opt,name=secretFile"`
	// SecretRef names the secret holding the user's key.
	SecretRef *SecretReference `json:"secretRef,omitempty" protobuf:"bytes,5,opt,name=secretRef"`
	// ReadOnly mounts the volume read-only.
	ReadOnly bool `json:"readOnly,omitempty" protobuf:"varint,6,opt,name=readOnly"`
}

// FlexPersistentVolumeSource is a FlexVolume of a persistent volume.
type FlexPersistentVolumeSource struct {
	// Driver is the FlexVolume driver name.
	Driver string `json:"driver" protobuf:"bytes,1,opt,name=driver"`
	// FSType is the filesystem type.
	FSType string `json:"fsType,omitempty" protobuf:"bytes,2,opt,name=fsType"`
	// SecretRef names a secret passed to the driver.
	SecretRef *SecretReference `json:"secretRef,omitempty" protobuf:"bytes,3,opt,name=secretRef"`
	// ReadOnly mounts the volume read-only.
	ReadOnly bool `json:"readOnly,omitempty" protobuf:"varint,4,opt,name=readOnly"`
	// Options are extra driver options.
	Options map[string]string `json:"options,omitempty" protobuf:"bytes,5,rep,name=options"`
}

// ISCSIPersistentVolumeSource is an iSCSI disk of a persistent volume.
type ISCSIPersistentVolumeSource struct {
	// TargetPortal is the target's ip[:port].
	TargetPortal string `json:"targetPortal" protobuf:"bytes,1,opt,name=targetPortal"`
	// IQN is the target's qualified name.
	IQN string `json:"iqn" protobuf:"bytes,2,opt,name=iqn"`
	// Lun is the target's LUN number.
	Lun int32 `json:"lun" protobuf:"varint,3,opt,name=lun"`
	// ISCSIInterface is the iSCSI transport interface; defaults to "default".
	ISCSIInterface string `json:"iscsiInterface,omitempty" protobuf:"bytes,4,opt,name=iscsiInterface"`
	// FSType is the filesystem type.
	FSType string `json:"fsType,omitempty" protobuf:"bytes,5,opt,name=fsType"`
	// ReadOnly mounts the volume read-only.
	ReadOnly bool `json:"readOnly,omitempty" protobuf:"varint,6,opt,name=readOnly"`
	// Portals are extra target portals.
	Portals []string `json:"portals,omitempty" protobuf:"bytes,7,opt,name=portals"`
	// DiscoveryCHAPAuth enables CHAP for discovery.
	DiscoveryCHAPAuth bool `json:"chapAuthDiscovery,omitempty" protobuf:"varint,8,opt,name=chapAuthDiscovery"`
	// SessionCHAPAuth enables CHAP for the session.
	SessionCHAPAuth bool `json:"chapAuthSession,omitempty" protobuf:"varint,11,opt,name=chapAuthSession"`
	// SecretRef names the CHAP secret.
	SecretRef *SecretReference `json:"secretRef,omitempty" protobuf:"bytes,10,opt,name=secretRef"`
	// InitiatorName is a custom initiator name.
	InitiatorName *string `json:"initiatorName,omitempty" protobuf:"bytes,12,opt,name=initiatorName"`
}

// AzureFilePersistentVolumeSource is an Azure File share of a persistent volume.
type AzureFilePersistentVolumeSource struct {
	// SecretName is the secret with the account name and key.
	SecretName string `json:"secretName" protobuf:"bytes,1,opt,name=secretName"`
	// ShareName is the share.
	ShareName string `json:"shareName" protobuf:"bytes,2,opt,name=shareName"`
	// ReadOnly mounts the volume read-only.
	ReadOnly bool `json:"readOnly,omitempty" protobuf:"varint,3,opt,name=readOnly"`
	// SecretNamespace is the secret's namespace; defaults to the pod's.
	SecretNamespace *string `json:"secretNamespace" protobuf:"bytes,4,opt,name=secretNamespace"`
}

// ScaleIOPersistentVolumeSource is a ScaleIO volume of a persistent volume.
type ScaleIOPersistentVolumeSource struct {
	// Gateway is the ScaleIO API gateway address.
	Gateway string `json:"gateway" protobuf:"bytes,1,opt,name=gateway"`
	// System is the storage system name.
	System string `json:"system" protobuf:"bytes,2,opt,name=system"`
	// SecretRef names the secret with ScaleIO credentials.
	SecretRef *SecretReference `json:"secretRef" protobuf:"bytes,3,opt,name=secretRef"`
	// SSLEnabled turns on SSL to the gateway.
	SSLEnabled bool `json:"sslEnabled,omitempty" protobuf:"varint,4,opt,name=sslEnabled"`
	// ProtectionDomain is the protection domain.
	ProtectionDomain string `json:"protectionDomain,omitempty" protobuf:"bytes,5,opt,name=protectionDomain"`
	// StoragePool is the storage pool.
	StoragePool string `json:"storagePool,omitempty" protobuf:"bytes,6,opt,name=storagePool"`
	// StorageMode is ThickProvisioned or ThinProvisioned.
	StorageMode string `json:"storageMode,omitempty" protobuf:"bytes,7,opt,name=storageMode"`
	// VolumeName is an existing volume's name.
	VolumeName string `json:"volumeName,omitempty" protobuf:"bytes,8,opt,name=volumeName"`
	// FSType is the filesystem type.
	FSType string `json:"fsType,omitempty" protobuf:"bytes,9,opt,name=fsType"`
	// ReadOnly mounts the volume read-only.
	ReadOnly bool `json:"readOnly,omitempty" protobuf:"varint,10,opt,name=readOnly"`
}

// StorageOSPersistentVolumeSource is a StorageOS volume of a persistent volume.
type StorageOSPersistentVolumeSource struct {
	// VolumeName is the StorageOS volume name.
	VolumeName string `json:"volumeName,omitempty" protobuf:"bytes,1,opt,name=volumeName"`
	// VolumeNamespace is the StorageOS namespace.
	VolumeNamespace string `json:"volumeNamespace,omitempty" protobuf:"bytes,2,opt,name=volumeNamespace"`
	// FSType is the filesystem type.
	FSType string `json:"fsType,omitempty" protobuf:"bytes,3,opt,name=fsType"`
	// ReadOnly mounts the volume read-only.
	ReadOnly bool `json:"readOnly,omitempty" protobuf:"varint,4,opt,name=readOnly"`
	// SecretRef names the secret with StorageOS credentials.
	SecretRef *ObjectReference `json:"secretRef,omitempty" protobuf:"bytes,5,opt,name=secretRef"`
}

// LocalVolumeSource is a disk, partition or directory on one node.
type LocalVolumeSource struct {
	// Path is the full path on the node.
	Path string `json:"path" protobuf:"bytes,1,opt,name=path"`
	// FSType is the filesystem type for block devices.
	FSType *string `json:"fsType,omitempty" protobuf:"bytes,2,opt,name=fsType"`
}

// CSIPersistentVolumeSource is a volume managed by a CSI driver.
type CSIPersistentVolumeSource struct {
	// Driver is the CSI driver name.
	Driver string `json:"driver" protobuf:"bytes,1,opt,name=driver"`
	// VolumeHandle is the driver's volume ID.
	VolumeHandle string `json:"volumeHandle" protobuf:"bytes,2,opt,name=volumeHandle"`
	// ReadOnly publishes the volume read-only.
	ReadOnly bool `json:"readOnly,omitempty" protobuf:"varint,3,opt,name=readOnly"`
	// FSType is the filesystem type.
	FSType string `json:"fsType,omitempty" protobuf:"bytes,4,opt,name=fsType"`
	// VolumeAttributes are passed to the driver.
	VolumeAttributes map[string]string `json:"volumeAttributes,omitempty" protobuf:"bytes,5,rep,name=volumeAttributes"`
	// ControllerPublishSecretRef is the secret for ControllerPublishVolume.
	ControllerPublishSecretRef *SecretReference `json:"controllerPublishSecretRef,omitempty" protobuf:"bytes,6,opt,name=controllerPublishSecretRef"`
	// NodeStageSecretRef is the secret for NodeStageVolume.
	NodeStageSecretRef *SecretReference `json:"nodeStageSecretRef,omitempty" protobuf:"bytes,7,opt,name=nodeStageSecretRef"`
	// NodePublishSecretRef is the secret for NodePublishVolume.
	NodePublishSecretRef *SecretReference `json:"nodePublishSecretRef,omitempty" protobuf:"bytes,8,opt,name=nodePublishSecretRef"`
	// ControllerExpandSecretRef is the secret for ControllerExpandVolume.
	ControllerExpandSecretRef *SecretReference `json:"controllerExpandSecretRef,omitempty" protobuf:"bytes,9,opt,name=controllerExpandSecretRef"`
	// NodeExpandSecretRef is the secret for NodeExpandVolume.
	NodeExpandSecretRef *SecretReference `json:"nodeExpandSecretRef,omitempty" protobuf:"bytes,10,opt,name=nodeExpandSecretRef"`
}
