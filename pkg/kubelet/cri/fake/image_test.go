package fake_test

import (
	"context"
	"slices"
	"testing"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
)

func TestImageStore(t *testing.T) {
	s, c := dial(t)
	ctx := context.Background()
	small := s.AddImageOf("img/small:1", 100, false)
	pause := s.AddImageOf("img/pause:1", 10, true)
	s.AddImage("img/other:1")

	t.Run("ImageStatus finds an image by ID and reports size and pinning", func(t *testing.T) {
		st, err := c.ImageStatus(ctx, &runtimeapi.ImageStatusRequest{Image: &runtimeapi.ImageSpec{Image: pause}})
		if err != nil {
			t.Fatal(err)
		}
		if st.Image == nil || !st.Image.Pinned || st.Image.Size != 10 || st.Image.RepoTags[0] != "img/pause:1" {
			t.Errorf("status = %v", st.Image)
		}
	})
	t.Run("ImageFsInfo reports the images' total size", func(t *testing.T) {
		fs, err := c.ImageFsInfo(ctx, &runtimeapi.ImageFsInfoRequest{})
		if err != nil {
			t.Fatal(err)
		}
		if got := fs.ImageFilesystems[0].UsedBytes.Value; got != 100+10+1<<20 {
			t.Errorf("used = %d", got)
		}
		if fs.ImageFilesystems[0].FsId.Mountpoint == "" {
			t.Error("no mountpoint")
		}
	})
	t.Run("RemoveImage by ID removes the image and an absent one is not an error", func(t *testing.T) {
		for i := 0; i < 2; i++ {
			if _, err := c.RemoveImage(ctx, &runtimeapi.RemoveImageRequest{Image: &runtimeapi.ImageSpec{Image: small}}); err != nil {
				t.Fatal(err)
			}
		}
		if got := s.ImageRefs(); !slices.Equal(got, []string{"img/other:1", "img/pause:1"}) {
			t.Errorf("images = %v", got)
		}
	})
	t.Run("a new image never reuses the ID of a removed one", func(t *testing.T) {
		ids := map[string]bool{}
		s.AddImage("img/new:1")
		list, err := c.ListImages(ctx, &runtimeapi.ListImagesRequest{})
		if err != nil {
			t.Fatal(err)
		}
		for _, img := range list.Images {
			if ids[img.Id] {
				t.Errorf("ID %s used twice", img.Id)
			}
			ids[img.Id] = true
		}
		if len(ids) != 3 {
			t.Errorf("images = %v", list.Images)
		}
	})
}
