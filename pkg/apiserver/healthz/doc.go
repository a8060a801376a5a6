// Package healthz serves /healthz, /livez and /readyz as Kubernetes does:
// each endpoint runs a list of named checks (ping, etcd, poststarthook/…),
// answers "ok" when all pass and 500 listing "[-]<name> failed: reason
// withheld" when one fails; ?verbose lists every check, ?exclude=<name>
// skips one, and /<endpoint>/<name> runs a single check.
package healthz
