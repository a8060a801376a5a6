package cri

import "testing"

func TestContainerIDFormat(t *testing.T) {
	if got := FormatContainerID("containerd", "abc"); got != "containerd://abc" {
		t.Errorf("FormatContainerID = %q", got)
	}
	if got := ParseContainerID("containerd://abc"); got != "abc" {
		t.Errorf("ParseContainerID = %q", got)
	}
	if got := ParseContainerID("abc"); got != "abc" {
		t.Errorf("ParseContainerID without prefix = %q", got)
	}
}
