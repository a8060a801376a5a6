// Package rootcacertpublisher publishes the cluster CA to every active
// namespace as the ConfigMap kube-root-ca.crt (key ca.crt), which the
// ServiceAccount admission plugin projects into pods next to their token.
// A deleted or edited ConfigMap is put back; a changed CA is rolled out.
package rootcacertpublisher
