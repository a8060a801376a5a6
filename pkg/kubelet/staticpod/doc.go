// Package staticpod runs pods from manifest files on the node, the way
// Kubernetes' kubelet does with --pod-manifest-path (staticPodPath):
//
//	manifest dir ──Source (poll)──▶ Manager ──▶ pod workers (run the pods, apiserver or not)
//	                                   │
//	                                   └──▶ mirror pods in the API (create / replace / delete)
//
// A static pod is named <name>-<nodeName>, carries the annotations
// kubernetes.io/config.source=file and kubernetes.io/config.hash (its UID, a
// hash of the manifest), and tolerates every NoExecute taint. Its mirror pod
// is a copy in the API with kubernetes.io/config.mirror set to the hash and
// the Node as controller owner; the pod's status is written there.
package staticpod
