// Package app is the kubelet command: flags, the runtime choice (containerd
// over CRI, or the in-memory fake), and one or many (hollow) kubelets.
package app
