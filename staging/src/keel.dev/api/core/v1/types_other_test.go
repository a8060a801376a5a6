package v1

import (
	"encoding/json"
	"strings"
	"testing"

	"keel.dev/apimachinery/pkg/util/intstr"
)

func TestWireNamesOfTheOtherKinds(t *testing.T) {
	tests := []struct {
		name string
		obj  any
		want []string
	}{
		{"the kubelet port keeps its capitalised name",
			NodeStatus{DaemonEndpoints: NodeDaemonEndpoints{KubeletEndpoint: DaemonEndpoint{Port: 10250}}},
			[]string{`"daemonEndpoints":{"kubeletEndpoint":{"Port":10250}}`}},
		{"the event reporting controller is reportingComponent",
			Event{ReportingController: "kubelet"},
			[]string{`"reportingComponent":"kubelet"`, `"reportingInstance":""`, `"involvedObject":{}`}},
		{"a named target port encodes as a string and a numbered one as a number",
			ServiceSpec{Ports: []ServicePort{{Port: 80, TargetPort: intstr.FromString("http")}, {Port: 81, TargetPort: intstr.FromInt32(8081)}}},
			[]string{`"targetPort":"http"`, `"targetPort":8081`}},
		{"a persistent volume source is inlined in the spec",
			PersistentVolumeSpec{PersistentVolumeSource: PersistentVolumeSource{HostPath: &HostPathVolumeSource{Path: "/data"}}},
			[]string{`{"hostPath":{"path":"/data"}}`}},
		{"secret data is base64",
			Secret{Data: map[string][]byte{"k": []byte("v")}},
			[]string{`"data":{"k":"dg=="}`}},
		{"a glusterfs source names its Endpoints object endpoints",
			GlusterfsPersistentVolumeSource{EndpointsName: "gfs", Path: "vol"},
			[]string{`"endpoints":"gfs"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(tc.obj)
			if err != nil {
				t.Fatalf("marshal: %v", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(string(b), w) {
					t.Errorf("%s does not contain %s", b, w)
				}
			}
		})
	}
}

func TestServiceDecodesFromKubectlJSON(t *testing.T) {
	const in = `{"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"default"},
	"spec":{"selector":{"app":"web"},"ports":[{"port":80,"targetPort":"http"}],"type":"NodePort"}}`
	var svc Service
	if err := json.Unmarshal([]byte(in), &svc); err != nil {
		t.Fatalf("unmarshal: %v", err)
	}
	SetObjectDefaults_Service(&svc)
	NormalizeServiceClusterIPs(&svc, nil)
	if errs := ValidateService(&svc); len(errs) != 0 {
		t.Fatalf("kubectl's service is invalid: %v", errs.ToAggregate())
	}
	if svc.Kind != "Service" || svc.Spec.Ports[0].TargetPort.StrVal != "http" || svc.Spec.ExternalTrafficPolicy != ServiceExternalTrafficPolicyCluster {
		t.Errorf("decoded %+v", svc)
	}
}
