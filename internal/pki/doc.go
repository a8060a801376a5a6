// Package pki creates the certificates a cluster runs on: a self-signed CA,
// serving certificates for the apiserver and kubelets (with IP and DNS SANs),
// and client certificates whose subject carries the user name (CN) and groups
// (O), the way Kubernetes' x509 authentication reads them. Keys are ECDSA P-256.
package pki
