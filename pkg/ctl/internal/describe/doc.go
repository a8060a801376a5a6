// Package describe writes the sections of kubectl's describe output for
// typed objects: the "Pod Template:" block that `describe` and `rollout
// history --revision` show, and the Deployment, ReplicaSet, DaemonSet and
// StatefulSet layouts up to their Events. Output is kubectl's raw layout:
// "Key:\tvalue" lines indented two spaces per level, not yet aligned; a
// caller that wants columns passes it through a tab writer.
package describe
