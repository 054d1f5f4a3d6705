package documents

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// ErrNotFound is a document the store does not hold.
var ErrNotFound = errors.New("document not found")

// Store keeps generated documents. Put stores a document unless one with
// its ID is stored already, and returns the stored one's description
// either way: the first document stored under an ID is the one kept, so a
// retried generation never replaces nor adds one.
type Store interface {
	Put(ctx context.Context, m Meta, pdf []byte) (Meta, error)
	// Get returns the document with the given ID, or ErrNotFound.
	Get(ctx context.Context, id string) (Meta, []byte, error)
	// List describes a deal's documents, oldest first.
	List(ctx context.Context, dealID string) ([]Meta, error)
}

// CheckSpec refuses a store spec Open does not know: "" or "db", or
// "file:" and a folder.
func CheckSpec(spec string) error {
	if spec == "" || spec == "db" || (strings.HasPrefix(spec, "file:") && len(spec) > len("file:")) {
		return nil
	}
	return fmt.Errorf("%q: want db or file:/path", spec)
}

// Open returns the store spec (see CheckSpec) names: "" or "db" the read
// model's table (DBStore over db), "file:/path" a folder (FileStore, the
// folder created on the first Put), which every worker and API server
// must share.
func Open(spec string, db *gorm.DB) Store {
	if dir, ok := strings.CutPrefix(spec, "file:"); ok {
		return &FileStore{dir: dir}
	}
	return DBStore{DB: db}
}

// sealed fills in the size and checksum of pdf.
func sealed(m Meta, pdf []byte) Meta {
	sum := sha256.Sum256(pdf)
	m.Size, m.SHA256 = len(pdf), hex.EncodeToString(sum[:])
	m.CreatedAt = m.CreatedAt.UTC()
	return m
}
