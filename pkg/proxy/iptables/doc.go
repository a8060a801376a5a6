// Package iptables programs Services with iptables-restore: a KEEL-SERVICES
// dispatch chain, one KEEL-SVC/KEEL-SVL/KEEL-EXT chain per service port and
// one KEEL-SEP chain per endpoint, applied as one --noflush transaction per
// sync that rewrites only the chains of changed services.
package iptables
