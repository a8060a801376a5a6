package fake

import (
	"context"
	"fmt"
	"sort"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
)

// ListImages lists the stored images.
func (s *Server) ListImages(ctx context.Context, req *runtimeapi.ListImagesRequest) (*runtimeapi.ListImagesResponse, error) {
	if err := s.enter("ListImages", ""); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := &runtimeapi.ListImagesResponse{}
	for _, img := range s.images {
		out.Images = append(out.Images, img)
	}
	return out, nil
}

// AddImageOf makes ref present with the given size and pinned flag (as a
// runtime pins its sandbox image) and returns its image ID.
func (s *Server) AddImageOf(ref string, size uint64, pinned bool) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	img := s.addImageLocked(ref)
	img.Size, img.Pinned = size, pinned
	return img.Id
}

// ImageRefs returns the references of the stored images, sorted.
func (s *Server) ImageRefs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.images))
	for ref := range s.images {
		out = append(out, ref)
	}
	sort.Strings(out)
	return out
}

// findImageLocked returns the image named by a reference or an image ID.
func (s *Server) findImageLocked(name string) *runtimeapi.Image {
	if img, ok := s.images[name]; ok {
		return img
	}
	for _, img := range s.images {
		if img.Id == name {
			return img
		}
	}
	return nil
}

// ImageStatus reports an image, named by reference or ID, or nil when absent.
func (s *Server) ImageStatus(ctx context.Context, req *runtimeapi.ImageStatusRequest) (*runtimeapi.ImageStatusResponse, error) {
	if err := s.enter("ImageStatus", req.GetImage().GetImage()); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return &runtimeapi.ImageStatusResponse{Image: s.findImageLocked(req.GetImage().GetImage())}, nil
}

// PullImage "pulls" an image unless it was marked unpullable.
func (s *Server) PullImage(ctx context.Context, req *runtimeapi.PullImageRequest) (*runtimeapi.PullImageResponse, error) {
	ref := req.GetImage().GetImage()
	if err := s.enter("PullImage", ref); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if ok, set := s.pullable[ref]; set && !ok {
		return nil, fmt.Errorf("pull access denied for %s", ref)
	}
	return &runtimeapi.PullImageResponse{ImageRef: s.addImageLocked(ref).Id}, nil
}

// RemoveImage deletes an image named by reference, or by ID with all its
// references, as containerd does; removing an absent image succeeds.
func (s *Server) RemoveImage(ctx context.Context, req *runtimeapi.RemoveImageRequest) (*runtimeapi.RemoveImageResponse, error) {
	name := req.GetImage().GetImage()
	if err := s.enter("RemoveImage", name); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.images, name)
	for ref, img := range s.images {
		if img.Id == name {
			delete(s.images, ref)
		}
	}
	return &runtimeapi.RemoveImageResponse{}, nil
}

// ImageFsInfo reports the images' total size on the filesystem of the
// directory the server was started in.
func (s *Server) ImageFsInfo(ctx context.Context, req *runtimeapi.ImageFsInfoRequest) (*runtimeapi.ImageFsInfoResponse, error) {
	if err := s.enter("ImageFsInfo", ""); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var used uint64
	for _, img := range s.images {
		used += img.Size
	}
	fs := &runtimeapi.FilesystemUsage{Timestamp: s.now().UnixNano(), FsId: &runtimeapi.FilesystemIdentifier{Mountpoint: s.dir},
		UsedBytes: &runtimeapi.UInt64Value{Value: used}, InodesUsed: &runtimeapi.UInt64Value{Value: uint64(len(s.images)) * 16}}
	return &runtimeapi.ImageFsInfoResponse{ImageFilesystems: []*runtimeapi.FilesystemUsage{fs}}, nil
}
