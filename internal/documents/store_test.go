package documents

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/testdb"
	"github.com/salesflow/salesflow/models"
)

// eachStore runs fn on the read-model store (PostgreSQL and SQLite) and on
// a file store.
func eachStore(t *testing.T, fn func(t *testing.T, db *gorm.DB, s Store)) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		fn(t, db, DBStore{DB: db})
	})
	t.Run("file", func(t *testing.T) {
		fn(t, testdb.SQLite(t), Open("file:"+t.TempDir(), nil))
	})
}

// The first document stored under an ID is kept: a second Put with other
// bytes answers the first one's description; Get and List see one.
func TestStoreKeepsTheFirst(t *testing.T) {
	eachStore(t, func(t *testing.T, _ *gorm.DB, s Store) {
		ctx := context.Background()
		at := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
		m := Meta{ID: DocumentID("deal-1", Offer, 2, 1), DealID: "deal-1", Type: Offer, Version: 2, Edition: 1, Ref: "offer-v2", TemplateVersion: 3, CreatedAt: at}
		first, err := s.Put(ctx, m, []byte("%PDF-first"))
		if err != nil {
			t.Fatal(err)
		}
		if first.Size != 10 || first.SHA256 != sha256Hex("%PDF-first") || !first.CreatedAt.Equal(at) || first.TemplateVersion != 3 {
			t.Fatalf("first = %+v", first)
		}
		again, err := s.Put(ctx, m, []byte("%PDF-second, longer"))
		if err != nil {
			t.Fatal(err)
		}
		if again != first {
			t.Fatalf("second Put = %+v, want the first %+v", again, first)
		}
		got, pdf, err := s.Get(ctx, m.ID)
		if err != nil || string(pdf) != "%PDF-first" || got != first {
			t.Fatalf("Get = %+v %q %v", got, pdf, err)
		}
		other := m
		other.ID, other.Version, other.CreatedAt = DocumentID("deal-1", Offer, 3, 1), 3, at.Add(time.Hour)
		if _, err := s.Put(ctx, other, []byte("%PDF-v3")); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Put(ctx, Meta{ID: DocumentID("deal-2", Act, 1, 1), DealID: "deal-2", Type: Act, CreatedAt: at}, []byte("x")); err != nil {
			t.Fatal(err)
		}
		list, err := s.List(ctx, "deal-1")
		if err != nil || len(list) != 2 || list[0].ID != m.ID || list[1].ID != other.ID {
			t.Fatalf("List = %+v, %v", list, err)
		}
		if _, _, err := s.Get(ctx, "deal-9-offer-v1"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("Get of a missing document: %v", err)
		}
	})
}

// Generate renders each document of an entry once: a second call (a
// retried activity) finds them and stores nothing new, even after the
// template changed; the act's entry is the act and the VAT invoice.
func TestGenerateIsIdempotent(t *testing.T) {
	eachStore(t, func(t *testing.T, db *gorm.DB, s Store) {
		ctx := context.Background()
		if err := db.Create(&models.Client{ID: "cl-1", Name: "ООО «Василёк»", CreatedAt: time.Now().UTC()}).Error; err != nil {
			t.Fatal(err)
		}
		sample := SampleData(Act)
		v := sample.Deal
		v.ID, v.ClientID = "deal-7", "cl-1"
		e := Entry{DealID: v.ID, Type: deal.DocAct, Version: 1, Edition: 1, Ref: "act-deal-7", At: sample.Doc.Date, View: v}
		first, err := Generate(ctx, db, s, e)
		if err != nil {
			t.Fatal(err)
		}
		if len(first) != 2 || first[0].Type != Act || first[1].Type != VATInvoice || first[0].TemplateVersion != 1 {
			t.Fatalf("first = %+v", first)
		}
		if _, err := Save(ctx, db, Act, "# Новый акт\n{{.Client.Name}}\n", "admin"); err != nil {
			t.Fatal(err)
		}
		again, err := Generate(ctx, db, s, e)
		if err != nil {
			t.Fatal(err)
		}
		if len(again) != 2 || again[0] != first[0] || again[1] != first[1] {
			t.Fatalf("a retry changed the documents: %+v, want %+v", again, first)
		}
		list, _ := s.List(ctx, "deal-7")
		if len(list) != 2 {
			t.Fatalf("%d documents stored, want 2", len(list))
		}
		_, pdf, _ := s.Get(ctx, first[0].ID)
		if text := pdfText(t, pdf); !contains(text, "ООО «Василёк»", "АКТ") {
			t.Fatalf("the act's text: %s", text)
		}
		// A new edition renders with the current template version.
		e.Edition, e.Reason = 2, "реквизиты изменились"
		third, err := Generate(ctx, db, s, e)
		if err != nil || third[0].ID != "deal-7-act-v1-e2" || third[0].TemplateVersion != 2 || third[0].Reason == "" {
			t.Fatalf("the second edition = %+v, %v", third, err)
		}
	})
}

func contains(text string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(text, p) {
			return false
		}
	}
	return true
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
