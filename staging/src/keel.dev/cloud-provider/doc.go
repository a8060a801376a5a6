// Package cloudprovider is the contract between Keel's cloud-controller-manager
// and a cloud: the Interface a provider implements, its small capability
// interfaces (LoadBalancer, Instances, Zones, Routes, Clusters), sentinel
// errors, and the registry that maps a provider name to its factory.
//
// The module imports only keel.dev/api, keel.dev/apimachinery and
// keel.dev/client, so an out-of-tree provider can depend on it without
// pulling in Keel's apiserver, kubelet or etcd.
//
// The cloud-controller-manager itself is in this module too, so a provider
// builds its own binary from it: package app (NewCommand, Run) and the loops
// in controllers/node (initialisation and lifecycle), controllers/service
// (load balancers) and controllers/route.
//
// Differences from Kubernetes' k8s.io/cloud-provider, on purpose:
//
//   - Initialize takes a context.Context instead of a stop channel
//     (Initialize(ctx, clients) rather than Initialize(clientBuilder, stop));
//     the provider's background work ends when ctx is done.
//   - ClientBuilder returns errors instead of offering "OrDie" variants, and
//     hands out keel.dev/client types (*rest.Config, *typed.Clientset).
//   - There is a single Instances interface keyed by *corev1.Node (the shape
//     of Kubernetes' InstancesV2); the name-keyed Instances interface and the
//     node-keyed Zones methods are not carried over. Zones only reports the
//     zone of the machine the caller runs on.
//   - RegisterCloudProvider returns an error on a duplicate name;
//     MustRegisterCloudProvider panics and is meant for package init.
//
// Every method may be called concurrently from several controller workers;
// implementations must be safe for concurrent use. Methods that change cloud
// state (EnsureLoadBalancer, CreateRoute, …) must be idempotent, because the
// controllers are level-triggered and retry on error.
package cloudprovider
