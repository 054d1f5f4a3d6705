package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// refreshSales are the statements of RefreshSales, valid on PostgreSQL and
// SQLite alike. Each writes only the rows whose stored value differs.
var refreshSales = []string{
	// Won deals: the first of each client (closed_at, then ID) is a first
	// sale, the others repeat sales; a repeat sale that is the client's
	// first of its product is a new product line.
	`UPDATE deals SET sale_kind = k.kind, new_product = k.new_product
FROM (SELECT id,
	CASE WHEN ROW_NUMBER() OVER (PARTITION BY client_id ORDER BY closed_at, id) = 1 THEN 'first' ELSE 'repeat' END AS kind,
	(ROW_NUMBER() OVER (PARTITION BY client_id ORDER BY closed_at, id) > 1
		AND ROW_NUMBER() OVER (PARTITION BY client_id, product ORDER BY closed_at, id) = 1) AS new_product
	FROM deals WHERE status = 'won') AS k
WHERE deals.id = k.id AND (deals.sale_kind <> k.kind OR deals.new_product <> k.new_product)`,
	// Deals no longer won (cancelled with a refund) are no sale.
	`UPDATE deals SET sale_kind = '', new_product = false WHERE status <> 'won' AND (sale_kind <> '' OR new_product)`,
	// Each client's first deal (created_at, then ID).
	`UPDATE clients SET first_deal_id = f.id, first_deal_at = f.created_at
FROM (SELECT client_id, id, created_at, ROW_NUMBER() OVER (PARTITION BY client_id ORDER BY created_at, id) AS n FROM deals) AS f
WHERE f.n = 1 AND clients.id = f.client_id AND (clients.first_deal_id IS NULL OR clients.first_deal_id <> f.id)`,
	// When each client's first deal was won.
	`UPDATE clients SET first_won_at = w.at
FROM (SELECT client_id, MIN(closed_at) AS at FROM deals WHERE status = 'won' GROUP BY client_id) AS w
WHERE clients.id = w.client_id AND (clients.first_won_at IS NULL OR clients.first_won_at <> w.at)`,
	// Clients whose only wins were cancelled have none.
	`UPDATE clients SET first_won_at = NULL
WHERE first_won_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM deals WHERE deals.client_id = clients.id AND deals.status = 'won')`,
}

// RefreshSales recomputes, from the deals as they are now, what SyncDeal
// keeps deal by deal for the KPI report: each won deal's sale kind and new
// product line, and each client's first deal and first win. SyncDeal sees
// only the deals synced before; a deal synced late (an earlier win of the
// same client arriving after a later one) is put right here, and a read
// model synced before these columns existed is filled in. The nightly
// classification runs it first.
func RefreshSales(ctx context.Context, db *gorm.DB) error {
	return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, stmt := range refreshSales {
			if err := tx.Exec(stmt).Error; err != nil {
				return fmt.Errorf("refresh sales: %w", err)
			}
		}
		return nil
	})
}
