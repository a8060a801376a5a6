package rootcacertpublisher

import (
	"context"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/client/fake"
	"keel.dev/client/informers"
)

const ca = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"

func start(t *testing.T, objs ...runtime.Object) (*fake.Clientset, *Controller, context.Context) {
	t.Helper()
	cs := fake.NewClientset(objs...)
	f := informers.NewFactory(cs.Clientset, 0)
	c, err := New(cs.Clientset, f, Options{RootCA: []byte(ca)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() { cancel(); f.Shutdown() })
	f.Start(ctx)
	f.WaitForCacheSync(ctx)
	cs.ClearActions()
	return cs, c, ctx
}

func TestSync(t *testing.T) {
	active := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team"}, Status: corev1.NamespaceStatus{Phase: corev1.NamespaceActive}}
	terminating := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team"}, Status: corev1.NamespaceStatus{Phase: corev1.NamespaceTerminating}}
	cm := func(data string, annotated bool) *corev1.ConfigMap {
		m := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: ConfigMapName, Namespace: "team"}, Data: map[string]string{DataKey: data}}
		if annotated {
			m.Annotations = map[string]string{DescriptionAnnotation: Description}
		}
		return m
	}
	tests := []struct {
		name     string
		objs     []runtime.Object
		wantVerb string
	}{
		{"an active namespace without the ConfigMap gets it", []runtime.Object{active}, "create"},
		{"an up-to-date ConfigMap is left alone", []runtime.Object{active, cm(ca, true)}, ""},
		{"an edited CA is put back", []runtime.Object{active, cm("other", true)}, "update"},
		{"a missing description is put back", []runtime.Object{active, cm(ca, false)}, "update"},
		{"a terminating namespace gets nothing", []runtime.Object{terminating}, ""},
		{"a vanished namespace is ignored", nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cs, c, ctx := start(t, tc.objs...)
			if err := c.sync(ctx, "team"); err != nil {
				t.Fatal(err)
			}
			verb := ""
			for _, a := range cs.Actions() {
				for _, v := range []string{"create", "update"} {
					if a.Matches(v, "configmaps") {
						verb = v
					}
				}
			}
			if verb != tc.wantVerb {
				t.Fatalf("write = %q, want %q", verb, tc.wantVerb)
			}
			if verb == "" {
				return
			}
			got, err := cs.CoreV1().ConfigMaps("team").Get(ctx, ConfigMapName, metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if got.Data[DataKey] != ca || got.Annotations[DescriptionAnnotation] != Description {
				t.Errorf("ConfigMap = data %q annotations %v, want the CA and the description", got.Data, got.Annotations)
			}
		})
	}
}

func TestRunRecreatesADeletedConfigMap(t *testing.T) {
	cs, c, ctx := start(t, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team"}})
	go func() { _ = c.Run(ctx, 1) }()
	waitFor := func(what string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			if _, err := cs.CoreV1().ConfigMaps("team").Get(ctx, ConfigMapName, metav1.GetOptions{}); err == nil {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatalf("%s never %s", ConfigMapName, what)
	}
	waitFor("created")
	if err := cs.CoreV1().ConfigMaps("team").Delete(ctx, ConfigMapName, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	waitFor("recreated")
}

func TestNewNeedsACA(t *testing.T) {
	cs := fake.NewClientset()
	if _, err := New(cs.Clientset, informers.NewFactory(cs.Clientset, 0), Options{}); err == nil {
		t.Fatal("New without a CA succeeded")
	}
}
