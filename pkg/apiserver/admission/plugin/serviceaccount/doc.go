// Package serviceaccount is the ServiceAccount admission plugin. A new pod
// runs as spec.serviceAccountName (default "default"), which must exist
// (403 otherwise). Unless the pod or its service account turns automount
// off, the pod gets a projected volume kube-api-access-<random> holding a
// bound token (refreshed by the kubelet), the cluster CA (ConfigMap
// kube-root-ca.crt) and the namespace, mounted read-only at
// /var/run/secrets/kubernetes.io/serviceaccount in every container and
// init container that has nothing mounted there. The account's
// imagePullSecrets are copied to a pod that names none. Mirror pods of
// static pods are left alone.
package serviceaccount
