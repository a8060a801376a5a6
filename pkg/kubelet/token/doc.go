// Package token is the kubelet's service account token manager: it asks
// the apiserver for tokens bound to the pods that project them
// (serviceaccounts/<name>/token with boundObjectRef = the pod), caches
// them, and hands out a fresh one once 80% of a token's lifetime (or 24
// hours) has passed. The volume manager rewrites projected volumes on every
// pod resync, so a refreshed token reaches the pod's files then.
package token
