package garbagecollector

import (
	"slices"
	"testing"
	"time"

	appsv1 "keel.dev/api/apps/v1"
	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/client/dynamic"
	"keel.dev/client/fake"
	"keel.dev/client/informers"
)

func ref(kind, apiVersion, name string, uid types.UID, block bool) metav1.OwnerReference {
	t := true
	r := metav1.OwnerReference{APIVersion: apiVersion, Kind: kind, Name: name, UID: uid, Controller: &t}
	if block {
		r.BlockOwnerDeletion = &t
	}
	return r
}

func deployment(name string, uid types.UID, finalizers ...string) *appsv1.Deployment {
	d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default", UID: uid, Finalizers: finalizers}}
	if len(finalizers) > 0 {
		now := metav1.Now()
		d.DeletionTimestamp = &now
	}
	return d
}

func replicaSet(name string, uid types.UID, owners ...metav1.OwnerReference) *appsv1.ReplicaSet {
	return &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default", UID: uid, OwnerReferences: owners}}
}

func pod(name string, owners ...metav1.OwnerReference) *corev1.Pod {
	return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default", UID: types.UID(name + "-uid"), OwnerReferences: owners}}
}

func runGC(t *testing.T, objs ...runtime.Object) *fake.Clientset {
	t.Helper()
	cs := fake.NewClientset(objs...)
	f := informers.NewFactory(cs.Clientset, 0)
	gc, err := New(cs.Clientset, dynamic.New(cs.REST()), f, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	f.Start(ctx)
	go func() { _ = gc.Run(ctx, 2) }()
	return cs
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func gone(t *testing.T, err error) bool {
	t.Helper()
	if err != nil && !apierrors.IsNotFound(err) {
		t.Fatal(err)
	}
	return apierrors.IsNotFound(err)
}

func TestBackgroundDeletionOfDependentsWithoutOwners(t *testing.T) {
	tests := []struct {
		name  string
		owner runtime.Object
	}{
		{"the owner does not exist", nil},
		{"an object of the owner's name has another UID", deployment("web", "other-uid")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			objs := []runtime.Object{
				replicaSet("web-1", "rs-uid", ref("Deployment", "apps/v1", "web", "web-uid", true)),
				pod("web-1-a", ref("ReplicaSet", "apps/v1", "web-1", "rs-uid", true)),
				replicaSet("kept", "kept-uid"),
				pod("kept-a", ref("ReplicaSet", "apps/v1", "kept", "kept-uid", true)),
			}
			if tt.owner != nil {
				objs = append(objs, tt.owner)
			}
			cs := runGC(t, objs...)
			ctx := t.Context()
			eventually(t, "the replica set and its pod are deleted", func() bool {
				_, e1 := cs.AppsV1().ReplicaSets("default").Get(ctx, "web-1", metav1.GetOptions{})
				_, e2 := cs.CoreV1().Pods("default").Get(ctx, "web-1-a", metav1.GetOptions{})
				return gone(t, e1) && gone(t, e2)
			})
			time.Sleep(50 * time.Millisecond)
			if _, err := cs.CoreV1().Pods("default").Get(ctx, "kept-a", metav1.GetOptions{}); err != nil {
				t.Errorf("pod with a live owner was deleted: %v", err)
			}
		})
	}
}

func TestForegroundDeletionDeletesDependentsThenDropsTheFinalizer(t *testing.T) {
	cs := runGC(t,
		deployment("web", "web-uid", metav1.FinalizerDeleteDependents),
		replicaSet("web-1", "rs-uid", ref("Deployment", "apps/v1", "web", "web-uid", true)),
		pod("web-1-a", ref("ReplicaSet", "apps/v1", "web-1", "rs-uid", true)),
	)
	ctx := t.Context()
	eventually(t, "the foregroundDeletion finalizer is removed", func() bool {
		d, err := cs.AppsV1().Deployments("default").Get(ctx, "web", metav1.GetOptions{})
		return err == nil && !slices.Contains(d.Finalizers, metav1.FinalizerDeleteDependents)
	})
	if _, err := cs.AppsV1().ReplicaSets("default").Get(ctx, "web-1", metav1.GetOptions{}); !gone(t, err) {
		t.Error("finalizer removed while the blocking replica set still exists")
	}
	eventually(t, "the pod is deleted", func() bool {
		_, err := cs.CoreV1().Pods("default").Get(ctx, "web-1-a", metav1.GetOptions{})
		return gone(t, err)
	})
}

func TestOrphanDeletionStripsReferencesAndKeepsDependents(t *testing.T) {
	cs := runGC(t,
		deployment("web", "web-uid", metav1.FinalizerOrphanDependents),
		replicaSet("web-1", "rs-uid", ref("Deployment", "apps/v1", "web", "web-uid", true)),
	)
	ctx := t.Context()
	eventually(t, "the orphan finalizer is removed", func() bool {
		d, err := cs.AppsV1().Deployments("default").Get(ctx, "web", metav1.GetOptions{})
		return err == nil && !slices.Contains(d.Finalizers, metav1.FinalizerOrphanDependents)
	})
	rs, err := cs.AppsV1().ReplicaSets("default").Get(ctx, "web-1", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("orphaned replica set was deleted: %v", err)
	}
	if len(rs.OwnerReferences) != 0 {
		t.Errorf("owner references not removed: %+v", rs.OwnerReferences)
	}
}

func TestADependentWithALiveOwnerOnlyLosesTheDanglingReference(t *testing.T) {
	cs := runGC(t,
		deployment("alive", "alive-uid"),
		replicaSet("shared", "rs-uid",
			ref("Deployment", "apps/v1", "alive", "alive-uid", false),
			metav1.OwnerReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "gone", UID: "gone-uid"}),
	)
	ctx := t.Context()
	eventually(t, "the dangling reference is removed", func() bool {
		rs, err := cs.AppsV1().ReplicaSets("default").Get(ctx, "shared", metav1.GetOptions{})
		if err != nil {
			t.Fatalf("replica set deleted: %v", err)
		}
		return len(rs.OwnerReferences) == 1 && rs.OwnerReferences[0].UID == "alive-uid"
	})
}
