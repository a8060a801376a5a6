package namespace

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"keel.dev/client/rest"
)

func TestDiscoverReadsTheAPIServerDocuments(t *testing.T) {
	docs := map[string]string{
		"/apis": `{"kind":"APIGroupList","groups":[
			{"name":"apps","versions":[{"groupVersion":"apps/v1","version":"v1"}],"preferredVersion":{"groupVersion":"apps/v1","version":"v1"}},
			{"name":"broken.example.com","versions":[{"groupVersion":"broken.example.com/v1","version":"v1"}],"preferredVersion":{"groupVersion":"broken.example.com/v1","version":"v1"}}]}`,
		"/api/v1": `{"kind":"APIResourceList","groupVersion":"v1","resources":[
			{"name":"pods","namespaced":true,"kind":"Pod","verbs":["create","delete","deletecollection","get","list"]},
			{"name":"pods/status","namespaced":true,"kind":"Pod","verbs":["get","update"]},
			{"name":"nodes","namespaced":false,"kind":"Node","verbs":["delete","list"]},
			{"name":"bindings","namespaced":true,"kind":"Binding","verbs":["create"]}]}`,
		"/apis/apps/v1": `{"kind":"APIResourceList","groupVersion":"apps/v1","resources":[
			{"name":"deployments","namespaced":true,"kind":"Deployment","verbs":["delete","list"]}]}`,
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		doc, ok := docs[r.URL.Path]
		if !ok {
			http.Error(w, `{"kind":"Status","status":"Failure","code":503}`, http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(doc))
	}))
	defer srv.Close()
	rc, err := rest.New(&rest.Config{Host: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	got, err := Discover(rc)(t.Context())
	var de *DiscoveryError
	if !errors.As(err, &de) || !slices.Equal(de.GroupVersions, []string{"broken.example.com/v1"}) {
		t.Errorf("err = %v, want the broken group reported", err)
	}
	var names []string
	for _, r := range got {
		names = append(names, r.GVR.String())
	}
	want := []string{"/v1, Resource=pods", "apps/v1, Resource=deployments"}
	if !slices.Equal(names, want) {
		t.Fatalf("resources = %v, want %v", names, want)
	}
	if !got[0].DeleteCollection || got[1].DeleteCollection {
		t.Errorf("deletecollection flags = %v, %v; want true, false", got[0].DeleteCollection, got[1].DeleteCollection)
	}
}
