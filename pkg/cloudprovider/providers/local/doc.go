// Package local is a cloud provider for a single machine, registered as
// "local". It makes type: LoadBalancer Services work on a laptop:
//
//   - LoadBalancer: each Service gets a stable IP from loadBalancerRange
//     (DefaultRange, the loopback range 127.0.100.0/24, unless set). The
//     assignment is kept in the state file, so a restart hands out the same
//     addresses, and is freed when the load balancer is deleted. For every
//     TCP and UDP port of the Service a userspace forwarder listens on
//     IP:port and relays to nodeAddress:nodePort of the nodes it was given,
//     round-robin. On Linux every 127.0.0.0/8 address is local, so loopback
//     ranges need no setup. A range on a host interface also works, but the
//     addresses must already be assigned to the interface; the provider
//     never configures interfaces. SCTP ports are not forwarded.
//   - Instances and Zones come from the config file. Nodes the file does not
//     list are taken as existing, running machines with provider ID
//     "local://<node name>", the top-level zone and region, and the
//     addresses the node already reports, so an empty config never makes
//     the node lifecycle controller delete Nodes.
//   - Routes are only recorded: on one machine every pod CIDR is already
//     local.
//
// Config file (YAML or JSON):
//
//	loadBalancerRange: 127.0.100.0/24
//	stateFile: /var/lib/keel/cloud-local-state.json  # empty: not persisted
//	zone: laptop
//	region: local
//	instances:
//	  node-1:
//	    providerID: local://node-1
//	    instanceType: laptop
//	    zone: laptop
//	    region: local
//	    addresses:
//	    - {type: InternalIP, address: 127.0.0.1}
package local
