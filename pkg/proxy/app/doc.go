// Package app is the proxy binary's command: flags, validation, and the
// wiring of a clientset, informers on Services, EndpointSlices and the
// proxy's own Node, and the iptables or nftables Proxier from pkg/proxy.
package app
