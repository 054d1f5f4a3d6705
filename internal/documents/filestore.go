package documents

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// FileStore keeps documents in a folder, one folder per document:
// <dir>/<deal>/<id>/document.pdf and its description meta.json. Every
// worker and API server must see the same folder (a shared volume). A
// document is written to a temporary folder renamed into place at once,
// so a reader never sees half of one, and the first document stored under
// an ID is the one kept (a later rename finds the folder there and fails).
type FileStore struct {
	dir string
}

// safe refuses a name that could leave the store's folder.
func safe(name string) error {
	if name == "" || strings.ContainsAny(name, `/\`) || strings.HasPrefix(name, ".") {
		return fmt.Errorf("document store: bad name %q", name)
	}
	return nil
}

// The files of a document's folder.
const (
	pdfFile  = "document.pdf"
	metaFile = "meta.json"
)

func (s *FileStore) folder(dealID, id string) string {
	return filepath.Join(s.dir, dealID, id)
}

// Put writes the document unless its ID is stored, and returns the stored
// one's description.
func (s *FileStore) Put(ctx context.Context, m Meta, pdf []byte) (Meta, error) {
	if err := errors.Join(safe(m.DealID), safe(m.ID)); err != nil {
		return Meta{}, err
	}
	m = sealed(m, pdf)
	final := s.folder(m.DealID, m.ID)
	if _, err := os.Stat(final); err != nil {
		if err := s.place(final, m, pdf); err != nil {
			return Meta{}, err
		}
	}
	stored, _, err := s.get(m.DealID, m.ID, false)
	return stored, err
}

// place writes the document to a temporary folder beside final and renames
// it to final; a folder already at final is kept.
func (s *FileStore) place(final string, m Meta, pdf []byte) error {
	meta, err := json.Marshal(m)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(final), 0o750); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(final), ".tmp-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := writeSynced(filepath.Join(tmp, pdfFile), pdf); err != nil {
		return err
	}
	if err := writeSynced(filepath.Join(tmp, metaFile), meta); err != nil {
		return err
	}
	if err := os.Rename(tmp, final); err != nil {
		if _, statErr := os.Stat(filepath.Join(final, metaFile)); statErr == nil {
			return nil // stored meanwhile by another attempt
		}
		return err
	}
	return nil
}

// writeSynced writes data to a new file and syncs it.
func writeSynced(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Get returns the document with the given ID, or ErrNotFound. The ID
// names its deal (DocumentID), whose folder is searched.
func (s *FileStore) Get(ctx context.Context, id string) (Meta, []byte, error) {
	if safe(id) != nil {
		return Meta{}, nil, ErrNotFound
	}
	dealID, ok := dealOf(id)
	if !ok {
		return Meta{}, nil, ErrNotFound
	}
	return s.get(dealID, id, true)
}

// dealOf is the deal part of a document ID: everything before the type.
func dealOf(id string) (string, bool) {
	for _, t := range Types {
		if i := strings.LastIndex(id, "-"+string(t)+"-v"); i > 0 {
			return id[:i], true
		}
	}
	return "", false
}

func (s *FileStore) get(dealID, id string, content bool) (Meta, []byte, error) {
	raw, err := os.ReadFile(filepath.Join(s.folder(dealID, id), metaFile))
	if errors.Is(err, fs.ErrNotExist) {
		return Meta{}, nil, ErrNotFound
	}
	if err != nil {
		return Meta{}, nil, err
	}
	var m Meta
	if err := json.Unmarshal(raw, &m); err != nil {
		return Meta{}, nil, fmt.Errorf("document %s: %w", id, err)
	}
	if !content {
		return m, nil, nil
	}
	pdf, err := os.ReadFile(filepath.Join(s.folder(dealID, id), pdfFile))
	return m, pdf, err
}

// List describes a deal's documents, oldest first.
func (s *FileStore) List(ctx context.Context, dealID string) ([]Meta, error) {
	if safe(dealID) != nil {
		return []Meta{}, nil
	}
	names, err := filepath.Glob(filepath.Join(s.dir, dealID, "*", metaFile))
	if err != nil {
		return nil, err
	}
	out := []Meta{}
	for _, n := range names {
		id := filepath.Base(filepath.Dir(n))
		if strings.HasPrefix(id, ".") {
			continue // a document being written
		}
		m, _, err := s.get(dealID, id, false)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b Meta) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}
