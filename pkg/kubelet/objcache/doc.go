// Package objcache is the kubelet's watch-based source of the ConfigMaps
// and Secrets its pods use (env, envFrom, configMap/secret/projected
// volumes including the kube-root-ca.crt of service account token volumes,
// imagePullSecrets).
//
// The kubelet registers every pod it runs (RegisterPod) and unregisters it
// once the pod is terminal or gone (UnregisterPod). Each ConfigMap or Secret
// referenced by at least one registered pod gets one list+watch of its
// namespace restricted by fieldSelector metadata.name=<name>, shared by all
// the pods that reference it and stopped when the last one is
// unregistered. The watch is an informers.Informer over one object, so it
// backs off after errors and relists after 410 Gone like every informer.
// Once an object is seen immutable (immutable: true) its watch stops, as in
// Kubernetes: the last copy is served until the last pod using it leaves,
// and a deletion and re-creation under the same name reaches new pods only.
//
//	RegisterPod ──► refs per pod UID ──► refcount per object ──► informer
//	                                                             (1 object)
//	GetConfigMap / GetSecret ──► registered and synced? ── yes ──► cached copy
//	                                         │                   (or NotFound)
//	                                         no (after a short wait)
//	                                         ▼
//	                                     direct GET
//
// Reads of registered objects cost no API request once the first list is
// done: periodic volume refreshes of many pods sharing kube-root-ca.crt no
// longer GET it every few seconds each. A missing object is the same
// NotFound StatusError the apiserver returns, so callers' messages are
// unchanged. Objects are returned as deep copies without managedFields.
package objcache
