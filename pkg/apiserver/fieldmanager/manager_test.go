package fieldmanager

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

type tDeployment struct {
	Metadata tMeta     `json:"metadata,omitempty"`
	Spec     tSpec     `json:"spec,omitempty"`
	Status   *struct{} `json:"status,omitempty"`
}

type tMeta struct {
	Name       string            `json:"name,omitempty"`
	Labels     map[string]string `json:"labels,omitempty"`
	Finalizers []string          `json:"finalizers,omitempty" patchStrategy:"merge"`
}

type tSpec struct {
	Replicas   *int32       `json:"replicas,omitempty"`
	Containers []tContainer `json:"containers,omitempty" patchStrategy:"merge" patchMergeKey:"name"`
	Args       []string     `json:"args,omitempty"`
}

type tContainer struct {
	Name  string `json:"name"`
	Image string `json:"image,omitempty"`
}

var typ = reflect.TypeOf(tDeployment{})

func obj(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func mgr() *Manager {
	return &Manager{Type: typ, APIVersion: "apps/v1", Now: func() time.Time { return time.Unix(1700000000, 0) }}
}

func fieldsOfEntry(t *testing.T, entries []metav1.ManagedFieldsEntry, manager string) string {
	t.Helper()
	for _, e := range entries {
		if e.Manager == manager {
			return string(e.FieldsV1.Raw)
		}
	}
	return ""
}

func TestFieldsOfUsesKubernetesKeys(t *testing.T) {
	o := obj(t, `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"app":"web"},"finalizers":["a"]},
		"spec":{"replicas":3,"containers":[{"name":"nginx","image":"nginx:1"}],"args":["x"]},"status":{"x":1}}`)
	s := FieldsOf(o, typ, "")
	got, _ := s.MarshalJSON()
	want := `{"f:metadata":{"f:finalizers":{"v:\"a\"":{}},"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:args":{},"f:containers":{"k:{\"name\":\"nginx\"}":{".":{},"f:image":{},"f:name":{}}},"f:replicas":{}}}`
	if string(got) != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	var back Set
	if err := json.Unmarshal(got, &back); err != nil {
		t.Fatal(err)
	}
	again, _ := back.MarshalJSON()
	if string(again) != want {
		t.Fatalf("round trip changed the set: %s", again)
	}
}

func TestApplyCreatesAndOwns(t *testing.T) {
	merged, entries, err := mgr().Apply(nil, obj(t, `{"spec":{"replicas":2}}`), nil, "kubectl", "", false)
	if err != nil {
		t.Fatal(err)
	}
	if merged["spec"].(map[string]any)["replicas"].(float64) != 2 {
		t.Fatalf("merged = %v", merged)
	}
	if len(entries) != 1 || entries[0].Manager != "kubectl" || entries[0].Operation != metav1.ManagedFieldsOperationApply || entries[0].APIVersion != "apps/v1" {
		t.Fatalf("entries = %+v", entries)
	}
	if got := fieldsOfEntry(t, entries, "kubectl"); got != `{"f:spec":{"f:replicas":{}}}` {
		t.Fatalf("fields = %s", got)
	}
}

func TestApplyConflictsWithAnotherManager(t *testing.T) {
	m := mgr()
	live := obj(t, `{"spec":{"replicas":3}}`)
	entries, err := m.Update(nil, live, nil, "kubectl-client-side-apply", "")
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = m.Apply(obj(t, `{"spec":{"replicas":3}}`), obj(t, `{"spec":{"replicas":5}}`), entries, "kubectl", "", false)
	var ce *ConflictError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want a conflict", err)
	}
	want := `Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas`
	if err.Error() != want {
		t.Fatalf("message %q, want %q", err.Error(), want)
	}

	t.Run("the same value is shared without conflict", func(t *testing.T) {
		_, got, err := m.Apply(obj(t, `{"spec":{"replicas":3}}`), obj(t, `{"spec":{"replicas":3}}`), entries, "kubectl", "", false)
		if err != nil {
			t.Fatal(err)
		}
		if fieldsOfEntry(t, got, "kubectl-client-side-apply") == "" || fieldsOfEntry(t, got, "kubectl") == "" {
			t.Fatalf("ownership not shared: %+v", got)
		}
	})
	t.Run("force takes the field over", func(t *testing.T) {
		merged, got, err := m.Apply(obj(t, `{"spec":{"replicas":3}}`), obj(t, `{"spec":{"replicas":5}}`), entries, "kubectl", "", true)
		if err != nil {
			t.Fatal(err)
		}
		if merged["spec"].(map[string]any)["replicas"].(float64) != 5 {
			t.Fatalf("merged = %v", merged)
		}
		if fieldsOfEntry(t, got, "kubectl-client-side-apply") != "" {
			t.Fatalf("the old owner kept the field: %+v", got)
		}
	})
}

func TestApplyRemovesFieldsNoLongerApplied(t *testing.T) {
	m := mgr()
	live, entries, err := m.Apply(nil, obj(t, `{"metadata":{"labels":{"a":"1","b":"2"}},"spec":{"containers":[{"name":"x","image":"x:1"},{"name":"y","image":"y:1"}]}}`), nil, "kubectl", "", false)
	if err != nil {
		t.Fatal(err)
	}
	live, _, err = m.Apply(live, obj(t, `{"metadata":{"labels":{"a":"1"}},"spec":{"containers":[{"name":"x","image":"x:2"}]}}`), entries, "kubectl", "", false)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(live)
	want := `{"metadata":{"labels":{"a":"1"}},"spec":{"containers":[{"image":"x:2","name":"x"}]}}`
	if string(b) != want {
		t.Fatalf("got  %s\nwant %s", b, want)
	}
}

func TestApplyKeepsFieldsOwnedByOthers(t *testing.T) {
	m := mgr()
	live, entries, err := m.Apply(nil, obj(t, `{"metadata":{"labels":{"a":"1"}}}`), nil, "kubectl", "", false)
	if err != nil {
		t.Fatal(err)
	}
	newLive := obj(t, `{"metadata":{"labels":{"a":"1","b":"2"}}}`)
	entries, err = m.Update(live, newLive, entries, "kubectl-label", "")
	if err != nil {
		t.Fatal(err)
	}
	if got := fieldsOfEntry(t, entries, "kubectl-label"); got != `{"f:metadata":{"f:labels":{"f:b":{}}}}` {
		t.Fatalf("update owner fields = %s", got)
	}
	out, _, err := m.Apply(newLive, obj(t, `{"spec":{"replicas":1}}`), entries, "kubectl", "", false)
	if err != nil {
		t.Fatal(err)
	}
	labels := out["metadata"].(map[string]any)["labels"].(map[string]any)
	if _, ok := labels["b"]; !ok {
		t.Fatalf("a label owned by another manager was removed: %v", out)
	}
	if _, ok := labels["a"]; ok {
		t.Fatalf("a label the manager stopped applying was kept: %v", out)
	}
}

func TestUpdateMovesOwnershipOfChangedFields(t *testing.T) {
	m := mgr()
	old := obj(t, `{"spec":{"replicas":1,"args":["a"]}}`)
	entries, _ := m.Update(nil, old, nil, "creator", "")
	entries, err := m.Update(old, obj(t, `{"spec":{"replicas":4,"args":["a"]}}`), entries, "scaler", "")
	if err != nil {
		t.Fatal(err)
	}
	if got := fieldsOfEntry(t, entries, "scaler"); got != `{"f:spec":{"f:replicas":{}}}` {
		t.Fatalf("scaler = %s", got)
	}
	if got := fieldsOfEntry(t, entries, "creator"); !strings.Contains(got, "f:args") || strings.Contains(got, "f:replicas") {
		t.Fatalf("creator = %s", got)
	}
}

func TestStatusIsLeftToTheStatusSubresource(t *testing.T) {
	s := FieldsOf(obj(t, `{"spec":{"replicas":1},"status":{"ready":1}}`), typ, "status")
	got, _ := s.MarshalJSON()
	if string(got) != `{"f:status":{"f:ready":{}}}` {
		t.Fatalf("status set = %s", got)
	}
}

func TestApplyToADifferentLabelOfASharedMapDoesNotConflict(t *testing.T) {
	m := mgr()
	live, entries, err := m.Apply(nil, obj(t, `{"metadata":{"labels":{"a":"1"}}}`), nil, "one", "", false)
	if err != nil {
		t.Fatal(err)
	}
	out, _, err := m.Apply(live, obj(t, `{"metadata":{"labels":{"b":"2"}}}`), entries, "two", "", false)
	if err != nil {
		t.Fatalf("applying another label of the same map conflicted: %v", err)
	}
	if labels := out["metadata"].(map[string]any)["labels"].(map[string]any); len(labels) != 2 {
		t.Fatalf("labels = %v", labels)
	}
}

func TestServerSideApplyTakesOverClientSideApplyFields(t *testing.T) {
	m := mgr()
	live := obj(t, `{"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"spec\":{\"replicas\":3}}"}},"spec":{"replicas":3,"args":["x"]}}`)
	entries, err := m.Update(nil, live, nil, ClientSideApplyManager, "")
	if err != nil {
		t.Fatal(err)
	}
	out, got, err := m.Apply(live, obj(t, `{"spec":{"replicas":5}}`), entries, "kubectl", "", false)
	if err != nil {
		t.Fatalf("a field from the last-applied configuration conflicted: %v", err)
	}
	if out["spec"].(map[string]any)["replicas"].(float64) != 5 {
		t.Fatalf("merged = %v", out)
	}
	if strings.Contains(fieldsOfEntry(t, got, ClientSideApplyManager), "f:replicas") {
		t.Fatalf("the client-side applier kept the field: %+v", got)
	}
	// A field the client-side applier set but not from its manifest still conflicts.
	live2 := obj(t, `{"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}"}},"spec":{"replicas":3}}`)
	entries2, _ := m.Update(nil, live2, nil, ClientSideApplyManager, "")
	if _, _, err := m.Apply(live2, obj(t, `{"spec":{"replicas":5}}`), entries2, "kubectl", "", false); err == nil {
		t.Fatal("a field outside the last-applied configuration was taken without force")
	}
}

func TestUpdateThatChangesNothingKeepsTheEntryAndItsTime(t *testing.T) {
	m := mgr()
	before := obj(t, `{"spec":{"replicas":1}}`)
	after := obj(t, `{"spec":{"replicas":2}}`)
	entries, err := m.Update(before, after, nil, "kubectl-patch", "")
	if err != nil {
		t.Fatal(err)
	}
	// A second later the same manager sends a patch that changes nothing.
	m.Now = func() time.Time { return time.Unix(1700000001, 0) }
	again, err := m.Update(after, obj(t, `{"spec":{"replicas":2}}`), entries, "kubectl-patch", "")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again, entries) {
		t.Errorf("a no-op update rewrote managedFields:\nbefore %+v\nafter  %+v", entries, again)
	}
}
