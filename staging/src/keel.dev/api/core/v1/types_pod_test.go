package v1

import (
	"encoding/json"
	"reflect"
	"testing"
)

// podManifest exercises many pod fields, including legacy volume sources, so
// that a decode and re-encode must keep every one of them. It is written the
// way Kubernetes writes it back (no zero creationTimestamp, empty resources,
// null grpc service), so the round trip is exact.
const podManifest = `{
  "apiVersion": "v1",
  "kind": "Pod",
  "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"}},
  "spec": {
    "initContainers": [{"name": "side", "image": "busybox:1.35", "restartPolicy": "Always", "resources": {}}],
    "containers": [{
      "name": "app",
      "image": "nginx:1.27",
      "command": ["nginx"],
      "args": ["-g", "daemon off;"],
      "ports": [{"name": "http", "containerPort": 80, "protocol": "TCP"}],
      "env": [{"name": "POD", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}}}],
      "envFrom": [{"configMapRef": {"name": "cfg"}, "prefix": "CFG_"}],
      "resources": {"limits": {"cpu": "500m", "memory": "128Mi"}, "requests": {"cpu": "250m"}},
      "resizePolicy": [{"resourceName": "cpu", "restartPolicy": "NotRequired"}],
      "volumeMounts": [{"name": "ebs", "mountPath": "/data", "readOnly": true}],
      "livenessProbe": {"httpGet": {"path": "/healthz", "port": "http", "scheme": "HTTP"}, "periodSeconds": 5},
      "readinessProbe": {"grpc": {"port": 9090, "service": null}},
      "lifecycle": {"preStop": {"sleep": {"seconds": 5}}},
      "securityContext": {"runAsNonRoot": true, "capabilities": {"drop": ["ALL"]}, "seccompProfile": {"type": "RuntimeDefault"}},
      "stdin": true,
      "tty": true
    }],
    "volumes": [
      {"name": "ebs", "awsElasticBlockStore": {"volumeID": "vol-1", "fsType": "ext4"}},
      {"name": "gce", "gcePersistentDisk": {"pdName": "disk", "partition": 1}},
      {"name": "proj", "projected": {"sources": [
        {"serviceAccountToken": {"path": "token", "expirationSeconds": 3600, "audience": "api"}},
        {"configMap": {"name": "ca", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
        {"downwardAPI": {"items": [{"path": "labels", "fieldRef": {"fieldPath": "metadata.labels"}}]}},
        {"clusterTrustBundle": {"signerName": "example.com/s", "path": "bundle.pem"}}
      ]}},
      {"name": "eph", "ephemeral": {"volumeClaimTemplate": {"metadata": {}, "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}}},
      {"name": "img", "image": {"reference": "example.com/data:1", "pullPolicy": "IfNotPresent"}},
      {"name": "csi", "csi": {"driver": "csi.example.com", "volumeAttributes": {"a": "b"}}},
      {"name": "rbd", "rbd": {"monitors": ["m1"], "image": "img", "secretRef": {"name": "s"}}}
    ],
    "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a"]}]}]}},
                 "podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 10, "podAffinityTerm": {"labelSelector": {"matchLabels": {"app": "web"}}, "topologyKey": "kubernetes.io/hostname"}}]}},
    "tolerations": [{"key": "k", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 30}],
    "topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule", "labelSelector": {"matchLabels": {"app": "web"}}}],
    "dnsConfig": {"nameservers": ["1.1.1.1"], "options": [{"name": "ndots", "value": "2"}]},
    "hostAliases": [{"ip": "127.0.0.1", "hostnames": ["local"]}],
    "readinessGates": [{"conditionType": "example.com/ready"}],
    "schedulingGates": [{"name": "example.com/gate"}],
    "os": {"name": "linux"},
    "hostUsers": false,
    "resourceClaims": [{"name": "gpu", "resourceClaimTemplateName": "gpu-template"}],
    "overhead": {"cpu": "10m"},
    "serviceAccount": "legacy",
    "serviceAccountName": "legacy"
  },
  "status": {
    "phase": "Running",
    "conditions": [{"type": "Ready", "status": "True", "lastProbeTime": null, "lastTransitionTime": "2026-01-02T03:04:05Z"}],
    "hostIPs": [{"ip": "10.0.0.1"}],
    "podIPs": [{"ip": "10.1.0.5"}],
    "qosClass": "Burstable",
    "observedGeneration": 2,
    "containerStatuses": [{"name": "app", "ready": true, "restartCount": 1, "image": "nginx:1.27", "imageID": "sha256:x",
      "state": {"running": {"startedAt": "2026-01-02T03:04:05Z"}},
      "lastState": {"terminated": {"exitCode": 137, "reason": "OOMKilled", "startedAt": null, "finishedAt": null}}}]
  }
}`

func TestPodJSONRoundTripKeepsEveryField(t *testing.T) {
	var pod Pod
	if err := json.Unmarshal([]byte(podManifest), &pod); err != nil {
		t.Fatalf("decode: %v", err)
	}
	if pod.Spec.Volumes[0].AWSElasticBlockStore == nil || pod.Spec.Volumes[0].AWSElasticBlockStore.VolumeID != "vol-1" {
		t.Fatalf("awsElasticBlockStore not decoded: %+v", pod.Spec.Volumes[0].VolumeSource)
	}
	out, err := json.Marshal(&pod)
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	var want, got any
	if err := json.Unmarshal([]byte(podManifest), &want); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(want, got) {
		wb, _ := json.MarshalIndent(want, "", " ")
		gb, _ := json.MarshalIndent(got, "", " ")
		t.Errorf("round trip changed the pod\nwant: %s\n got: %s", wb, gb)
	}
}

func TestDeepCopyOfPodIsIndependent(t *testing.T) {
	var pod Pod
	if err := json.Unmarshal([]byte(podManifest), &pod); err != nil {
		t.Fatalf("decode: %v", err)
	}
	cp := pod.DeepCopyObject().(*Pod)
	cp.Spec.Containers[0].Env[0].ValueFrom.FieldRef.FieldPath = "changed"
	cp.Spec.Volumes[2].Projected.Sources[0].ServiceAccountToken.Audience = "changed"
	if pod.Spec.Containers[0].Env[0].ValueFrom.FieldRef.FieldPath == "changed" ||
		pod.Spec.Volumes[2].Projected.Sources[0].ServiceAccountToken.Audience == "changed" {
		t.Errorf("deep copy shares memory with the original")
	}
}

func TestResourceListAccessors(t *testing.T) {
	var pod Pod
	if err := json.Unmarshal([]byte(podManifest), &pod); err != nil {
		t.Fatalf("decode: %v", err)
	}
	limits := pod.Spec.Containers[0].Resources.Limits
	if got := limits.Cpu().String(); got != "500m" {
		t.Errorf("Cpu() = %s, want 500m", got)
	}
	if got := limits.Memory().String(); got != "128Mi" {
		t.Errorf("Memory() = %s, want 128Mi", got)
	}
	if !limits.Pods().IsZero() || !limits.StorageEphemeral().IsZero() {
		t.Errorf("absent resources should be zero")
	}
	var nilList *ResourceList
	if !nilList.Cpu().IsZero() {
		t.Errorf("Cpu() of a nil list should be zero")
	}
}
