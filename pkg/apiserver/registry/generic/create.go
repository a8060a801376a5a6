package generic

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"

	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/apimachinery/pkg/util/validation/field"
	"keel.dev/keel/pkg/apiserver/admission"
	"keel.dev/keel/pkg/apiserver/registry/rest"
	"keel.dev/keel/pkg/apiserver/storage"
)

// generateNameAttempts bounds the retries of a generateName collision.
const generateNameAttempts = 8

// nameAlphabet is the alphabet of generated name suffixes (no vowels, no
// look-alike digits), as in Kubernetes.
const nameAlphabet = "bcdfghjklmnpqrstvwxz2456789"

// maxGeneratedNameLength leaves room for the 5-character suffix in a
// 63-character name.
const maxGeneratedNameLength = 58

// GenerateName returns base plus 5 random characters, base cut to fit.
func GenerateName(base string) string {
	if len(base) > maxGeneratedNameLength {
		base = base[:maxGeneratedNameLength]
	}
	b := make([]byte, 5)
	for i := range b {
		n, _ := rand.Int(rand.Reader, big.NewInt(int64(len(nameAlphabet))))
		b[i] = nameAlphabet[n.Int64()]
	}
	return base + string(b)
}

// NewUUID returns a random (version 4) UUID.
func NewUUID() types.UID {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return types.UID(fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]))
}

// ensureNamespace applies the request namespace to obj (400 on mismatch;
// cluster-scoped objects lose any namespace).
func (s *Store) ensureNamespace(ctx context.Context, m metav1.Object) error {
	if !s.Strategy.NamespaceScoped() {
		m.SetNamespace("")
		return nil
	}
	reqNS := rest.NamespaceFrom(ctx)
	switch objNS := m.GetNamespace(); {
	case objNS == reqNS:
	case objNS == "":
		m.SetNamespace(reqNS)
	case reqNS == "":
	default:
		return apierrors.NewBadRequest("the namespace of the provided object does not match the namespace sent on the request")
	}
	return nil
}

// Create implements rest.Creater.
func (s *Store) Create(ctx context.Context, obj runtime.Object, opts *metav1.CreateOptions) (runtime.Object, error) {
	m, err := accessor(obj)
	if err != nil {
		return nil, apierrors.NewBadRequest(err.Error())
	}
	var dryRun bool
	if opts != nil {
		dryRun = rest.IsDryRun(opts.DryRun)
	}
	generated := m.GetName() == "" && m.GetGenerateName() != ""
	var orig runtime.Object
	if generated {
		orig = obj.DeepCopyObject()
	}
	if s.chain() != nil {
		ctx = withDryRun(ctx, dryRun)
		if generated {
			ctx = withGeneratedName(ctx, m.GetGenerateName())
		}
	}
	for attempt := 0; ; attempt++ {
		if generated {
			m.SetName(GenerateName(m.GetGenerateName()))
		}
		out, err := s.create(ctx, obj, m, dryRun)
		if generated && apierrors.IsAlreadyExists(err) && attempt < generateNameAttempts {
			obj = orig.DeepCopyObject()
			if m, err = accessor(obj); err != nil {
				return nil, err
			}
			continue
		}
		return out, err
	}
}

// BeforeCreate runs the generic create preparation: namespace, system
// fields, mutating admission, strategy preparation, validation, validating
// admission, canonicalization.
func (s *Store) BeforeCreate(ctx context.Context, obj runtime.Object) error {
	m, err := accessor(obj)
	if err != nil {
		return apierrors.NewBadRequest(err.Error())
	}
	if err := s.ensureNamespace(ctx, m); err != nil {
		return err
	}
	if !s.Kind.Empty() {
		obj.GetObjectKind().SetGroupVersionKind(s.Kind)
	}
	m.SetDeletionTimestamp(nil)
	m.SetDeletionGracePeriodSeconds(nil)
	m.SetUID(NewUUID())
	m.SetCreationTimestamp(metav1.Now())
	m.SetResourceVersion("")
	m.SetGeneration(0)
	var attrs *admission.Attributes
	if s.admits(admission.Create) {
		attrs = s.attributes(ctx, admission.Create, m.GetName(), m.GetNamespace(), obj, nil, isDryRun(ctx))
		if err := s.admit(ctx, attrs); err != nil {
			return err
		}
	}
	s.Strategy.PrepareForCreate(ctx, obj)
	if m.GetName() == "" && m.GetGenerateName() == "" {
		return apierrors.NewInvalid(s.Kind.GroupKind(), "", field.ErrorList{
			field.Required(field.NewPath("metadata", "name"), "name or generateName is required")})
	}
	if s.CheckNamespace != nil && s.Strategy.NamespaceScoped() && m.GetNamespace() != "" {
		if err := s.CheckNamespace(ctx, s.Resource, m.GetName(), m.GetNamespace()); err != nil {
			return err
		}
	}
	if errs := s.Strategy.Validate(ctx, obj); len(errs) > 0 {
		return apierrors.NewInvalid(s.Kind.GroupKind(), m.GetName(), errs)
	}
	if attrs != nil {
		if err := s.validateAdmission(ctx, attrs); err != nil {
			return err
		}
	}
	s.Strategy.Canonicalize(obj)
	return nil
}

func (s *Store) create(ctx context.Context, obj runtime.Object, m metav1.Object, dryRun bool) (runtime.Object, error) {
	if err := s.BeforeCreate(ctx, obj); err != nil {
		return nil, err
	}
	key, err := s.KeyFor(m.GetNamespace(), m.GetName())
	if err != nil {
		return nil, err
	}
	var finish func(bool)
	if s.Hooks.BeginCreate != nil {
		if finish, err = s.Hooks.BeginCreate(ctx, obj, dryRun); err != nil {
			return nil, err
		}
	}
	done := func(ok bool) {
		if finish != nil {
			finish(ok)
		}
	}
	if dryRun {
		if _, err := s.Storage.Get(ctx, key, storage.GetOptions{}); err == nil {
			done(false)
			return nil, apierrors.NewAlreadyExists(s.Resource, m.GetName())
		} else if !storage.IsNotFound(err) {
			done(false)
			return nil, s.interpret(err, m.GetName())
		}
		done(true)
		return obj, nil
	}
	var copts storage.CreateOptions
	if s.TTL != nil {
		copts.TTL = s.TTL(obj)
	}
	out, err := s.Storage.Create(ctx, key, obj, copts)
	if err != nil {
		done(false)
		return nil, s.interpret(err, m.GetName())
	}
	done(true)
	return out, nil
}
