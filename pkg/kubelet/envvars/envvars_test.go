package envvars

import (
	"errors"
	"testing"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

type fakeGetter struct{}

func (fakeGetter) GetConfigMap(ns, name string) (*corev1.ConfigMap, error) {
	if name == "cfg" {
		return &corev1.ConfigMap{Data: map[string]string{"MODE": "prod", "LEVEL": "3"}}, nil
	}
	return nil, errors.New("not found")
}

func (fakeGetter) GetSecret(ns, name string) (*corev1.Secret, error) {
	if name == "sec" {
		return &corev1.Secret{Data: map[string][]byte{"password": []byte("hunter2")}}, nil
	}
	return nil, errors.New("not found")
}

type fakeServices map[string][]*corev1.Service

func (f fakeServices) ListServices(ns string) ([]*corev1.Service, error) { return f[ns], nil }

func svc(ns, name, ip string, ports ...corev1.ServicePort) *corev1.Service {
	return &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, Spec: corev1.ServiceSpec{ClusterIP: ip, Ports: ports}}
}

func toMap(vs []Var) map[string]string {
	m := map[string]string{}
	for _, v := range vs {
		m[v.Name] = v.Value
	}
	return m
}

func TestMake(t *testing.T) {
	opt := true
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "shop", UID: "u-1", Labels: map[string]string{"app": "web"}},
		Spec: corev1.PodSpec{NodeName: "node-1", ServiceAccountName: "sa"}}
	c := &corev1.Container{Name: "c",
		Resources: corev1.ResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("128Mi"), corev1.ResourceCPU: resource.MustParse("500m")}},
		EnvFrom:   []corev1.EnvFromSource{{Prefix: "CFG_", ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "cfg"}}}},
		Env: []corev1.EnvVar{
			{Name: "POD", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}},
			{Name: "NS", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.namespace"}}},
			{Name: "UID", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.uid"}}},
			{Name: "APP", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.labels['app']"}}},
			{Name: "NODE", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "spec.nodeName"}}},
			{Name: "SA", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "spec.serviceAccountName"}}},
			{Name: "IP", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "status.podIP"}}},
			{Name: "HOST_IPS", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "status.hostIPs"}}},
			{Name: "MEM_MI", ValueFrom: &corev1.EnvVarSource{ResourceFieldRef: &corev1.ResourceFieldSelector{Resource: "limits.memory", Divisor: resource.MustParse("1Mi")}}},
			{Name: "CPU", ValueFrom: &corev1.EnvVarSource{ResourceFieldRef: &corev1.ResourceFieldSelector{Resource: "limits.cpu"}}},
			{Name: "MODE", ValueFrom: &corev1.EnvVarSource{ConfigMapKeyRef: &corev1.ConfigMapKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "cfg"}, Key: "MODE"}}},
			{Name: "PW", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "sec"}, Key: "password"}}},
			{Name: "MISSING", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "none"}, Key: "k", Optional: &opt}}},
			{Name: "URL", Value: "http://$(MY_DB_SERVICE_HOST):$(MY_DB_SERVICE_PORT)/$(POD)/$(UNKNOWN)/$$(POD)"},
		}}
	services := fakeServices{
		"shop":    {svc("shop", "my-db", "10.96.0.20", corev1.ServicePort{Name: "sql", Port: 5432, Protocol: corev1.ProtocolTCP}), svc("shop", "headless", corev1.ClusterIPNone)},
		"default": {svc("default", "kubernetes", "10.96.0.1", corev1.ServicePort{Name: "https", Port: 443, Protocol: corev1.ProtocolTCP}), svc("default", "other", "10.96.0.9", corev1.ServicePort{Port: 80})},
	}
	vars, err := Make(Context{Pod: pod, PodIPs: []string{"10.1.0.7"}, HostIPs: []string{"192.168.0.2", "fd00::2"}, Getter: fakeGetter{}, Services: services}, c)
	if err != nil {
		t.Fatal(err)
	}
	got := toMap(vars)
	want := map[string]string{
		"POD": "web", "NS": "shop", "UID": "u-1", "APP": "web", "NODE": "node-1", "SA": "sa", "IP": "10.1.0.7",
		"HOST_IPS": "192.168.0.2,fd00::2", "MEM_MI": "128", "CPU": "1", "MODE": "prod", "PW": "hunter2",
		"CFG_MODE": "prod", "CFG_LEVEL": "3",
		"MY_DB_SERVICE_HOST": "10.96.0.20", "MY_DB_SERVICE_PORT": "5432", "MY_DB_SERVICE_PORT_SQL": "5432",
		"MY_DB_PORT": "tcp://10.96.0.20:5432", "MY_DB_PORT_5432_TCP": "tcp://10.96.0.20:5432",
		"MY_DB_PORT_5432_TCP_PROTO": "tcp", "MY_DB_PORT_5432_TCP_PORT": "5432", "MY_DB_PORT_5432_TCP_ADDR": "10.96.0.20",
		"KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443", "KUBERNETES_SERVICE_PORT_HTTPS": "443",
		"URL": "http://10.96.0.20:5432/web/$(UNKNOWN)/$(POD)",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	for _, absent := range []string{"MISSING", "HEADLESS_SERVICE_HOST", "OTHER_SERVICE_HOST"} {
		if _, ok := got[absent]; ok {
			t.Errorf("%s should not be set", absent)
		}
	}
	if vars[0].Name != "KUBERNETES_SERVICE_HOST" {
		t.Errorf("service variables should come first, got %s", vars[0].Name)
	}
}

func TestServiceLinksDisabledKeepsOnlyTheMasterService(t *testing.T) {
	off := false
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "shop"}, Spec: corev1.PodSpec{EnableServiceLinks: &off}}
	services := fakeServices{"shop": {svc("shop", "db", "10.96.0.20", corev1.ServicePort{Port: 5432})},
		"default": {svc("default", "kubernetes", "10.96.0.1", corev1.ServicePort{Port: 443})}}
	vars, err := Make(Context{Pod: pod, Services: services}, &corev1.Container{})
	if err != nil {
		t.Fatal(err)
	}
	got := toMap(vars)
	if got["KUBERNETES_SERVICE_HOST"] != "10.96.0.1" || got["DB_SERVICE_HOST"] != "" {
		t.Errorf("env = %v", got)
	}
}

func TestMissingRequiredKeyFails(t *testing.T) {
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "ns"}}
	c := &corev1.Container{Env: []corev1.EnvVar{{Name: "X", ValueFrom: &corev1.EnvVarSource{ConfigMapKeyRef: &corev1.ConfigMapKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "cfg"}, Key: "NOPE"}}}}}
	if _, err := Make(Context{Pod: pod, Getter: fakeGetter{}}, c); err == nil {
		t.Errorf("a missing required key was accepted")
	}
}
