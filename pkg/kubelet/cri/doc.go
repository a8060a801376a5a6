// Package cri is the kubelet's client of a Container Runtime Interface
// (runtime.v1) server such as containerd, spoken over a unix socket.
package cri
