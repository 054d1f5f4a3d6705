package models

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/keyaccount"
	"github.com/salesflow/salesflow/internal/qualification"
)

// ClientContact is a contact person of a client: someone the team talks
// to, and whom a contract may name as an approver (by ID, see
// IsClientContact).
type ClientContact struct {
	ID        string    `gorm:"primaryKey;size:64"`
	ClientID  string    `gorm:"size:64;not null;index:idx_client_contacts_client,priority:1"`
	Name      string    `gorm:"size:300;not null"`
	Position  string    `gorm:"size:200;not null;default:''"`
	Email     string    `gorm:"size:200;not null;default:''"`
	Phone     string    `gorm:"size:50;not null;default:''"`
	CreatedBy string    `gorm:"size:64;not null"`
	CreatedAt time.Time `gorm:"index:idx_client_contacts_client,priority:2"`
	UpdatedAt time.Time
}

// ContactItem is a contact person as the API shows it: the answer of
// POST /api/v1/clients/{id}/contacts and of PATCH
// /api/v1/clients/{id}/contacts/{contact_id}, and an item of ClientDetail's
// contacts, which the web app reads too.
type ContactItem struct {
	ID        string    `json:"id"`
	ClientID  string    `json:"client_id"`
	Name      string    `json:"name"`
	Position  string    `json:"position,omitempty"`
	Email     string    `json:"email,omitempty"`
	Phone     string    `json:"phone,omitempty"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ClientCard is a client as the API shows it: the answer of POST
// /api/v1/clients and the head of ClientDetail.
type ClientCard struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Segment   string    `json:"segment,omitempty"`
	Email     string    `json:"email,omitempty"`
	Phone     string    `json:"phone,omitempty"`
	TimeZone  string    `json:"time_zone,omitempty"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// ClientDetail is the answer of GET /api/v1/clients/{id}, which the web
// app reads too: the client and its contact persons.
type ClientDetail struct {
	ClientCard
	Contacts []ContactItem `json:"contacts"`
	// Qualification is the client's latest qualification, absent when it
	// has none.
	Qualification *qualification.Brief `json:"qualification,omitempty"`
	// KeyAccount is the summary of the latest key-account assessment,
	// absent before the first.
	KeyAccount *keyaccount.Summary `json:"key_account,omitempty"`
}

// ClientSearchText is what the clients directory searches for a client:
// its name and e-mail in lower case (Unicode, so the same on PostgreSQL
// and SQLite, whose lower() folds ASCII only), one per line.
func ClientSearchText(name, email string) string {
	return strings.ToLower(name) + "\n" + strings.ToLower(email)
}

// CreateClient inserts a client, with its search text. An existing ID
// yields an error matching gorm.ErrDuplicatedKey.
func CreateClient(ctx context.Context, db *gorm.DB, c *Client) error {
	c.SearchText = ClientSearchText(c.Name, c.Email)
	return db.WithContext(ctx).Create(c).Error
}

// GetClient returns one client by ID, or ErrNotFound.
func GetClient(ctx context.Context, db *gorm.DB, id string) (*Client, error) {
	return get[Client](ctx, db, "id = ?", id)
}

// CreateClientContact inserts a contact person.
func CreateClientContact(ctx context.Context, db *gorm.DB, c *ClientContact) error {
	return db.WithContext(ctx).Create(c).Error
}

// ClientContacts returns the contact persons of a client, oldest first.
func ClientContacts(ctx context.Context, db *gorm.DB, clientID string) ([]ClientContact, error) {
	return findAll[ClientContact](ctx, db, "client_id", clientID, "created_at", "id")
}

// GetClientContact returns contact person contactID of client clientID, or
// ErrNotFound (also when it is a contact of another client).
func GetClientContact(ctx context.Context, db *gorm.DB, clientID, contactID string) (*ClientContact, error) {
	return get[ClientContact](ctx, db, "id = ? AND client_id = ?", contactID, clientID)
}

// IsClientContact reports whether contactID names a contact person of
// client clientID: what a contract's approver given by ID must be.
func IsClientContact(ctx context.Context, db *gorm.DB, clientID, contactID string) (bool, error) {
	var n int64
	err := db.WithContext(ctx).Model(&ClientContact{}).Where("id = ? AND client_id = ?", contactID, clientID).Count(&n).Error
	if err != nil {
		return false, fmt.Errorf("contact %s of client %s: %w", contactID, clientID, err)
	}
	return n > 0, nil
}

// UpdateClientContact stores the changed fields of contact person c (name,
// position, e-mail, phone) and its update time.
func UpdateClientContact(ctx context.Context, db *gorm.DB, c *ClientContact) error {
	res := db.WithContext(ctx).Model(&ClientContact{}).Where("id = ? AND client_id = ?", c.ID, c.ClientID).
		Updates(map[string]any{"name": c.Name, "position": c.Position, "email": c.Email, "phone": c.Phone, "updated_at": c.UpdatedAt})
	if res.Error != nil {
		return fmt.Errorf("update contact %s: %w", c.ID, res.Error)
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return nil
}

// backfillClientSearch fills in the search text of clients stored before
// it existed (or loaded without it), in batches.
func backfillClientSearch(db *gorm.DB) error {
	for {
		var rows []Client
		if err := db.Select("id", "name", "email").Where("search_text = ''").Limit(1000).Find(&rows).Error; err != nil {
			return fmt.Errorf("client search text: %w", err)
		}
		if len(rows) == 0 {
			return nil
		}
		for _, r := range rows {
			// Never '' again: the name is not empty, so neither is the text.
			err := db.Model(&Client{}).Where("id = ?", r.ID).Update("search_text", ClientSearchText(r.Name, r.Email)).Error
			if err != nil {
				return fmt.Errorf("client search text: %w", err)
			}
		}
	}
}

// clientSearchIndexes make the directory's substring search an index scan
// on PostgreSQL: trigram indexes, when the pg_trgm extension can be had
// (it ships with PostgreSQL and is trusted since version 13). Without it
// the search reads the clients in scope, as it does on SQLite.
var clientSearchIndexes = []string{
	"CREATE EXTENSION IF NOT EXISTS pg_trgm",
	"CREATE INDEX IF NOT EXISTS idx_clients_search_trgm ON clients USING gin (search_text gin_trgm_ops)",
}

// ensureClientSearchIndexes creates clientSearchIndexes on PostgreSQL; a
// server without pg_trgm only loses the index.
func ensureClientSearchIndexes(db *gorm.DB) {
	if db.Dialector.Name() != "postgres" {
		return
	}
	for _, stmt := range clientSearchIndexes {
		if err := db.Exec(stmt).Error; err != nil {
			slog.Warn("clients directory: no trigram index, searches read every client in scope", "error", err)
			return
		}
	}
}
