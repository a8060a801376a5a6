// Package interpodaffinity implements InterPodAffinity: required pod affinity
// and anti-affinity (the incoming pod's and the existing pods') filter nodes
// by topology domain, preferred terms score them.
package interpodaffinity
