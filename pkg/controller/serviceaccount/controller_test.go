package serviceaccount

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

func TestSync(t *testing.T) {
	active := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team"}, Status: corev1.NamespaceStatus{Phase: corev1.NamespaceActive}}
	terminating := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team"}, Status: corev1.NamespaceStatus{Phase: corev1.NamespaceTerminating}}
	existing := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default", Namespace: "team"}}
	tests := []struct {
		name       string
		objs       []runtime.Object
		wantCreate bool
	}{
		{"an active namespace without a default account gets one", []runtime.Object{active}, true},
		{"a namespace that already has it gets nothing", []runtime.Object{active, existing}, false},
		{"a terminating namespace gets nothing", []runtime.Object{terminating}, false},
		{"a vanished namespace is ignored", nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cs := fake.NewClientset(tc.objs...)
			f := informers.NewFactory(cs.Clientset, 0)
			c := New(cs.Clientset, f, Options{})
			ctx, cancel := context.WithCancel(context.Background())
			defer func() { cancel(); f.Shutdown() }()
			f.Start(ctx)
			f.WaitForCacheSync(ctx)
			cs.ClearActions()
			if err := c.sync(ctx, "team"); err != nil {
				t.Fatal(err)
			}
			created := false
			for _, a := range cs.Actions() {
				if a.Matches("create", "serviceaccounts") {
					created = a.Namespace == "team" && a.Object.(*corev1.ServiceAccount).Name == "default"
				}
			}
			if created != tc.wantCreate {
				t.Errorf("created = %v, want %v", created, tc.wantCreate)
			}
		})
	}
}

func TestRunRecreatesADeletedDefaultAccount(t *testing.T) {
	cs := fake.NewClientset(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team"}})
	f := informers.NewFactory(cs.Clientset, 0)
	c := New(cs.Clientset, f, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	defer func() { cancel(); f.Shutdown() }()
	f.Start(ctx)
	go func() { _ = c.Run(ctx, 1) }()
	waitFor := func(what string) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) {
			if _, err := cs.CoreV1().ServiceAccounts("team").Get(ctx, "default", metav1.GetOptions{}); err == nil {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatalf("default service account never %s", what)
	}
	waitFor("created")
	if err := cs.CoreV1().ServiceAccounts("team").Delete(ctx, "default", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	waitFor("recreated")
}
