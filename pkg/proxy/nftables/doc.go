// Package nftables programs Services into one nftables table ("ip keel",
// or "ip6 keel"): verdict maps keyed by address, protocol and port dispatch
// to per-service chains, so the per-packet cost does not grow with the
// number of Services; endpoints are picked with numgen. Syncs are single
// `nft -f` transactions that replace only the chains and map elements of
// changed services.
package nftables
