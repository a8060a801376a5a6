// Package ociimage writes single-layer OCI image layout tarballs (oci-layout,
// index.json, blobs/sha256/…) from a list of files, with no registry and no
// Docker engine. `ctr -n k8s.io images import FILE` loads them into
// containerd under the name given to Build.
package ociimage
