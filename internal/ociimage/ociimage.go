package ociimage

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"runtime"
	"sort"
	"strings"
	"time"
)

// File is one entry of the image's only layer.
type File struct {
	// Path inside the image, without a leading slash ("bin/busybox").
	Path string
	// Mode holds the permission bits and, for directories and links, the type.
	Mode fs.FileMode
	// Data is the content of a regular file.
	Data []byte
	// Link is the target of a symbolic link.
	Link string
}

// Config is the runtime configuration recorded in the image.
type Config struct {
	Entrypoint []string
	Cmd        []string
	Env        []string
	WorkingDir string
}

// Image describes what to build.
type Image struct {
	// Name is the reference containerd registers ("keel.local/pause:3").
	Name   string
	Files  []File
	Config Config
	// Created is the image's creation time; fixed for reproducible output.
	Created time.Time
}

const (
	mediaTypeLayer    = "application/vnd.oci.image.layer.v1.tar"
	mediaTypeConfig   = "application/vnd.oci.image.config.v1+json"
	mediaTypeManifest = "application/vnd.oci.image.manifest.v1+json"
	mediaTypeIndex    = "application/vnd.oci.image.index.v1+json"
)

type descriptor struct {
	MediaType   string            `json:"mediaType"`
	Digest      string            `json:"digest"`
	Size        int64             `json:"size"`
	Annotations map[string]string `json:"annotations,omitempty"`
	Platform    *platform         `json:"platform,omitempty"`
}

type platform struct {
	Architecture string `json:"architecture"`
	OS           string `json:"os"`
}

func digestOf(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// layerTar builds the uncompressed layer, with parent directories added and
// entries sorted so that the output is reproducible.
func layerTar(files []File, mtime time.Time) ([]byte, error) {
	dirs := map[string]bool{}
	all := append([]File(nil), files...)
	for _, f := range files {
		if f.Path == "" || strings.HasPrefix(f.Path, "/") {
			return nil, fmt.Errorf("invalid path %q: must be relative", f.Path)
		}
		if f.Mode.IsDir() {
			dirs[f.Path] = true
		}
	}
	for _, f := range files {
		for p := parent(f.Path); p != ""; p = parent(p) {
			if !dirs[p] {
				dirs[p] = true
				all = append(all, File{Path: p, Mode: fs.ModeDir | 0o755})
			}
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Path < all[j].Path })
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range all {
		h := &tar.Header{Name: f.Path, Mode: int64(f.Mode.Perm()), ModTime: mtime, Format: tar.FormatPAX}
		switch {
		case f.Mode.IsDir():
			h.Typeflag, h.Name = tar.TypeDir, f.Path+"/"
		case f.Mode&fs.ModeSymlink != 0:
			h.Typeflag, h.Linkname = tar.TypeSymlink, f.Link
			h.Mode = 0o777
		default:
			h.Typeflag, h.Size = tar.TypeReg, int64(len(f.Data))
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if h.Typeflag == tar.TypeReg {
			if _, err := tw.Write(f.Data); err != nil {
				return nil, err
			}
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func parent(p string) string {
	i := strings.LastIndex(p, "/")
	if i <= 0 {
		return ""
	}
	return p[:i]
}

// Build writes the image as an OCI layout tarball to w.
func Build(w io.Writer, img Image) error {
	if img.Name == "" {
		return fmt.Errorf("image name is required")
	}
	created := img.Created
	if created.IsZero() {
		created = time.Unix(0, 0).UTC()
	}
	layer, err := layerTar(img.Files, created)
	if err != nil {
		return fmt.Errorf("build layer of %s: %w", img.Name, err)
	}
	env := img.Config.Env
	if env == nil {
		env = []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
	}
	cfg, err := json.Marshal(map[string]any{
		"created":      created.Format(time.RFC3339),
		"architecture": runtime.GOARCH,
		"os":           "linux",
		"config": map[string]any{
			"Entrypoint": img.Config.Entrypoint,
			"Cmd":        img.Config.Cmd,
			"Env":        env,
			"WorkingDir": img.Config.WorkingDir,
		},
		"rootfs": map[string]any{"type": "layers", "diff_ids": []string{digestOf(layer)}},
	})
	if err != nil {
		return err
	}
	manifest, err := json.Marshal(map[string]any{
		"schemaVersion": 2,
		"mediaType":     mediaTypeManifest,
		"config":        descriptor{MediaType: mediaTypeConfig, Digest: digestOf(cfg), Size: int64(len(cfg))},
		"layers":        []descriptor{{MediaType: mediaTypeLayer, Digest: digestOf(layer), Size: int64(len(layer))}},
	})
	if err != nil {
		return err
	}
	tag := img.Name[strings.LastIndex(img.Name, ":")+1:]
	index, err := json.Marshal(map[string]any{
		"schemaVersion": 2,
		"mediaType":     mediaTypeIndex,
		"manifests": []descriptor{{
			MediaType: mediaTypeManifest, Digest: digestOf(manifest), Size: int64(len(manifest)),
			Platform: &platform{Architecture: runtime.GOARCH, OS: "linux"},
			Annotations: map[string]string{
				"io.containerd.image.name":          img.Name,
				"org.opencontainers.image.ref.name": tag,
			},
		}},
	})
	if err != nil {
		return err
	}

	tw := tar.NewWriter(w)
	put := func(name string, data []byte) error {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), ModTime: created, Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		_, err := tw.Write(data)
		return err
	}
	if err := tw.WriteHeader(&tar.Header{Name: "blobs/", Mode: 0o755, Typeflag: tar.TypeDir, ModTime: created}); err != nil {
		return err
	}
	if err := tw.WriteHeader(&tar.Header{Name: "blobs/sha256/", Mode: 0o755, Typeflag: tar.TypeDir, ModTime: created}); err != nil {
		return err
	}
	for _, b := range [][]byte{layer, cfg, manifest} {
		if err := put("blobs/sha256/"+strings.TrimPrefix(digestOf(b), "sha256:"), b); err != nil {
			return err
		}
	}
	if err := put("oci-layout", []byte(`{"imageLayoutVersion":"1.0.0"}`)); err != nil {
		return err
	}
	if err := put("index.json", index); err != nil {
		return err
	}
	return tw.Close()
}
