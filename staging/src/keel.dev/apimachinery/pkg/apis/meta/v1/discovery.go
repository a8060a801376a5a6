package v1

// APIVersions lists the versions of the core group (GET /api).
type APIVersions struct {
	TypeMeta `json:",inline"`
	// Versions served ("v1").
	Versions []string `json:"versions" protobuf:"bytes,1,rep,name=versions"`
	// ServerAddressByClientCIDRs tell clients which address to use.
	ServerAddressByClientCIDRs []ServerAddressByClientCIDR `json:"serverAddressByClientCIDRs" protobuf:"bytes,2,rep,name=serverAddressByClientCIDRs"`
}

// APIGroupList lists the named groups (GET /apis).
type APIGroupList struct {
	TypeMeta `json:",inline"`
	// Groups served.
	Groups []APIGroup `json:"groups" protobuf:"bytes,1,rep,name=groups"`
}

// APIGroup describes one group and its versions.
type APIGroup struct {
	TypeMeta `json:",inline"`
	// Name of the group.
	Name string `json:"name" protobuf:"bytes,1,opt,name=name"`
	// Versions served.
	Versions []GroupVersionForDiscovery `json:"versions" protobuf:"bytes,2,rep,name=versions"`
	// PreferredVersion clients should use.
	PreferredVersion GroupVersionForDiscovery `json:"preferredVersion,omitempty" protobuf:"bytes,3,opt,name=preferredVersion"`
	// ServerAddressByClientCIDRs tell clients which address to use.
	ServerAddressByClientCIDRs []ServerAddressByClientCIDR `json:"serverAddressByClientCIDRs,omitempty" protobuf:"bytes,4,rep,name=serverAddressByClientCIDRs"`
}

// ServerAddressByClientCIDR maps client networks to a server address.
type ServerAddressByClientCIDR struct {
	// ClientCIDR of the clients.
	ClientCIDR string `json:"clientCIDR" protobuf:"bytes,1,opt,name=clientCIDR"`
	// ServerAddress they should use ("host:port").
	ServerAddress string `json:"serverAddress" protobuf:"bytes,2,opt,name=serverAddress"`
}

// GroupVersionForDiscovery names one version of a group.
type GroupVersionForDiscovery struct {
	// GroupVersion as "group/version".
	GroupVersion string `json:"groupVersion" protobuf:"bytes,1,opt,name=groupVersion"`
	// Version alone.
	Version string `json:"version" protobuf:"bytes,2,opt,name=version"`
}

// APIResourceList lists the resources of one group version (GET /apis/G/V).
type APIResourceList struct {
	TypeMeta `json:",inline"`
	// GroupVersion listed.
	GroupVersion string `json:"groupVersion" protobuf:"bytes,1,opt,name=groupVersion"`
	// APIResources served.
	APIResources []APIResource `json:"resources" protobuf:"bytes,2,rep,name=resources"`
}

// APIResource describes one resource or subresource for discovery.
type APIResource struct {
	// Name is the plural, or "plural/subresource".
	Name string `json:"name" protobuf:"bytes,1,opt,name=name"`
	// SingularName is the singular ("pod").
	SingularName string `json:"singularName" protobuf:"bytes,6,opt,name=singularName"`
	// Namespaced says whether objects live in namespaces.
	Namespaced bool `json:"namespaced" protobuf:"varint,2,opt,name=namespaced"`
	// Group of the kind, when it differs from the listing's.
	Group string `json:"group,omitempty" protobuf:"bytes,8,opt,name=group"`
	// Version of the kind, when it differs from the listing's.
	Version string `json:"version,omitempty" protobuf:"bytes,9,opt,name=version"`
	// Kind served.
	Kind string `json:"kind" protobuf:"bytes,3,opt,name=kind"`
	// Verbs served.
	Verbs Verbs `json:"verbs" protobuf:"bytes,4,opt,name=verbs"`
	// ShortNames are abbreviations.
	ShortNames []string `json:"shortNames,omitempty" protobuf:"bytes,5,rep,name=shortNames"`
	// Categories group resources ("all").
	Categories []string `json:"categories,omitempty" protobuf:"bytes,7,rep,name=categories"`
	// StorageVersionHash changes when the stored version changes.
	StorageVersionHash string `json:"storageVersionHash,omitempty" protobuf:"bytes,10,opt,name=storageVersionHash"`
}

// Verbs is a list of verbs.
type Verbs []string
