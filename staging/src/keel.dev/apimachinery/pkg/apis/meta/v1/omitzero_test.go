package v1

import (
	"encoding/json"
	"testing"
	"time"
)

func TestZeroCreationTimestampIsOmitted(t *testing.T) {
	b, err := json.Marshal(ObjectMeta{Name: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"name":"x"}` {
		t.Fatalf("got %s", b)
	}
	b, _ = json.Marshal(ObjectMeta{Name: "x", CreationTimestamp: NewTime(time.Unix(0, 0))})
	if string(b) != `{"name":"x","creationTimestamp":"1970-01-01T00:00:00Z"}` {
		t.Fatalf("got %s", b)
	}
}
