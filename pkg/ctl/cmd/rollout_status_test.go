package cmd

import (
	"encoding/json"
	"testing"
)

func TestRolloutStatusMessages(t *testing.T) {
	cases := []struct {
		name, kind, obj string
		msg             string
		done            bool
		err             string
	}{
		{name: "a daemon set whose spec change is not observed yet waits", kind: "DaemonSet",
			obj: `{"metadata":{"name":"x","generation":2},"status":{"observedGeneration":1}}`,
			msg: "Waiting for daemon set spec update to be observed...\n"},
		{name: "a daemon set with pods to update waits", kind: "DaemonSet",
			obj: `{"metadata":{"name":"x","generation":1},"status":{"observedGeneration":1,"desiredNumberScheduled":3,"updatedNumberScheduled":1}}`,
			msg: "Waiting for daemon set \"x\" rollout to finish: 1 out of 3 new pods have been updated...\n"},
		{name: "a daemon set with unavailable pods waits", kind: "DaemonSet",
			obj: `{"metadata":{"name":"x","generation":1},"status":{"observedGeneration":1,"desiredNumberScheduled":1,"updatedNumberScheduled":1}}`,
			msg: "Waiting for daemon set \"x\" rollout to finish: 0 of 1 updated pods are available...\n"},
		{name: "a daemon set updated OnDelete has no rollout status", kind: "DaemonSet",
			obj: `{"metadata":{"name":"x"},"spec":{"updateStrategy":{"type":"OnDelete"}}}`,
			err: "rollout status is only available for RollingUpdate strategy type"},
		{name: "a stateful set with a partition waits for the pods above it", kind: "StatefulSet",
			obj: `{"metadata":{"name":"s","generation":1},"spec":{"replicas":3,"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":1}}},"status":{"observedGeneration":1,"readyReplicas":3,"updatedReplicas":1}}`,
			msg: "Waiting for partitioned roll out to finish: 1 out of 2 new pods have been updated...\n"},
		{name: "a stateful set rolling without rollingUpdate settings waits for the update revision", kind: "StatefulSet",
			obj: `{"metadata":{"name":"s","generation":1},"spec":{"replicas":2,"updateStrategy":{"type":"RollingUpdate"}},"status":{"observedGeneration":1,"readyReplicas":2,"updatedReplicas":1,"currentRevision":"s-a","updateRevision":"s-b"}}`,
			msg: "waiting for statefulset rolling update to complete 1 pods at revision s-b...\n"},
		{name: "a stateful set at one revision is complete", kind: "StatefulSet",
			obj: `{"metadata":{"name":"s","generation":1},"spec":{"replicas":2},"status":{"observedGeneration":1,"readyReplicas":2,"currentReplicas":2,"currentRevision":"s-b","updateRevision":"s-b"}}`,
			msg: "statefulset rolling update complete 2 pods at revision s-b...\n", done: true},
		{name: "a stateful set never observed waits", kind: "StatefulSet",
			obj: `{"metadata":{"name":"s","generation":1},"status":{}}`,
			msg: "Waiting for statefulset spec update to be observed...\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			obj, err := decodeMap([]byte(tc.obj))
			if err != nil {
				t.Fatal(err)
			}
			msg, done, err := rolloutStatus(tc.kind, obj)
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || msg != tc.msg || done != tc.done {
				t.Errorf("got %q %v %v, want %q %v", msg, done, err, tc.msg, tc.done)
			}
		})
	}
}

func TestWithoutNullsDropsOnlyNulls(t *testing.T) {
	var v any
	json.Unmarshal([]byte(`{"a":null,"b":{"c":null,"d":1},"e":[{"f":null}]}`), &v)
	got, _ := json.Marshal(withoutNulls(v))
	if string(got) != `{"b":{"d":1},"e":[{}]}` {
		t.Errorf("got %s", got)
	}
}
