package cloudprovider

import "context"

// Zones reports the failure domain of the machine the caller runs on. The
// zone of other nodes comes from Instances.InstanceMetadata.
type Zones interface {
	// GetZone returns the zone of the current machine.
	GetZone(ctx context.Context) (Zone, error)
}

// Zone is a failure domain within a region.
type Zone struct {
	// FailureDomain is the zone name (topology.kubernetes.io/zone).
	FailureDomain string
	// Region is the region name (topology.kubernetes.io/region).
	Region string
}

// Routes programs the cloud network so each node's pod CIDR reaches it. The
// route controller calls these methods; CreateRoute and DeleteRoute must be
// idempotent.
type Routes interface {
	// ListRoutes returns the routes of the cluster.
	ListRoutes(ctx context.Context, clusterName string) ([]*Route, error)
	// CreateRoute creates route; nameHint is a stable, unique hint (the
	// controller passes the node UID) the provider may use as its name.
	CreateRoute(ctx context.Context, clusterName string, nameHint string, route *Route) error
	// DeleteRoute deletes route; it returns nil if the route is gone.
	DeleteRoute(ctx context.Context, clusterName string, route *Route) error
}

// Route sends a pod CIDR to a node.
type Route struct {
	// Name is the provider's name of the route (empty before creation).
	Name string
	// TargetNode is the name of the Node traffic is sent to.
	TargetNode string
	// DestinationCIDR is the CIDR routed to TargetNode (the node's pod CIDR).
	DestinationCIDR string
	// Blackhole is set when the route's target no longer exists; the route
	// controller deletes such routes.
	Blackhole bool
}

// Clusters lists the clusters a cloud account holds.
type Clusters interface {
	// ListClusters returns the names of all clusters.
	ListClusters(ctx context.Context) ([]string, error)
	// Master returns the address of the named cluster's control plane.
	Master(ctx context.Context, clusterName string) (string, error)
}
