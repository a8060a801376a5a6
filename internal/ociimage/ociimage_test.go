package ociimage

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"io/fs"
	"strings"
	"testing"
)

func readTar(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	tr := tar.NewReader(bytes.NewReader(b))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(tr)
		out[h.Name] = data
	}
}

func TestBuildWritesAValidLayout(t *testing.T) {
	var buf bytes.Buffer
	err := Build(&buf, Image{
		Name:   "keel.local/busybox:1.35",
		Files:  []File{{Path: "bin/busybox", Mode: 0o755, Data: []byte("ELF")}, {Path: "bin/sh", Mode: fs.ModeSymlink, Link: "busybox"}},
		Config: Config{Cmd: []string{"sh"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	files := readTar(t, buf.Bytes())
	var index struct {
		Manifests []descriptor `json:"manifests"`
	}
	if err := json.Unmarshal(files["index.json"], &index); err != nil {
		t.Fatal(err)
	}
	if len(index.Manifests) != 1 || index.Manifests[0].Annotations["io.containerd.image.name"] != "keel.local/busybox:1.35" {
		t.Fatalf("index = %s", files["index.json"])
	}
	// Every descriptor's blob exists and has the digest it claims.
	check := func(d descriptor) []byte {
		blob, ok := files["blobs/sha256/"+strings.TrimPrefix(d.Digest, "sha256:")]
		if !ok {
			t.Fatalf("blob %s missing", d.Digest)
		}
		sum := sha256.Sum256(blob)
		if "sha256:"+hex.EncodeToString(sum[:]) != d.Digest || int64(len(blob)) != d.Size {
			t.Fatalf("blob %s has the wrong digest or size", d.Digest)
		}
		return blob
	}
	var manifest struct {
		Config descriptor   `json:"config"`
		Layers []descriptor `json:"layers"`
	}
	if err := json.Unmarshal(check(index.Manifests[0]), &manifest); err != nil {
		t.Fatal(err)
	}
	check(manifest.Config)
	layer := readTar(t, check(manifest.Layers[0]))
	if string(layer["bin/busybox"]) != "ELF" {
		t.Fatalf("layer entries: %v", layer)
	}
	if _, ok := layer["bin/"]; !ok {
		t.Fatal("parent directory bin/ not added")
	}
	if _, ok := files["oci-layout"]; !ok {
		t.Fatal("oci-layout missing")
	}
}

func TestBuildIsReproducible(t *testing.T) {
	img := Image{Name: "keel.local/pause:3", Files: []File{{Path: "pause", Mode: 0o755, Data: []byte("x")}}}
	var a, b bytes.Buffer
	if err := Build(&a, img); err != nil {
		t.Fatal(err)
	}
	if err := Build(&b, img); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("two builds differ")
	}
}

func TestBuildRejectsAbsolutePaths(t *testing.T) {
	if err := Build(io.Discard, Image{Name: "x:1", Files: []File{{Path: "/bin/x"}}}); err == nil {
		t.Fatal("absolute path accepted")
	}
}
