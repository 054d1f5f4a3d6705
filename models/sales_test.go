package models_test

import (
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/testdb"
	"github.com/salesflow/salesflow/models"
)

// TestRefreshSales: whatever the stored sale kinds say, a refresh derives
// them from the deals — c1's first win d1 is a first sale, d2 in another
// product a new product line, d3 a repeat of d1's product; d4 closed at the
// same instant as d3 comes after it by ID; a cancelled deal is no sale; the
// clients learn their first deal and first win — and a second refresh
// changes nothing.
func TestRefreshSales(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		day := func(n int) *time.Time { d := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n); return &d }
		rows := []any{
			&models.Client{ID: "c1", Name: "C1"}, &models.Client{ID: "c2", Name: "C2"},
			&models.Deal{ID: "d1", ClientID: "c1", Owner: "a", Product: "events", Status: "won", ClosedAt: day(10), CreatedAt: *day(2), SaleKind: "repeat"},
			&models.Deal{ID: "d2", ClientID: "c1", Owner: "a", Product: "training", Status: "won", ClosedAt: day(20), CreatedAt: *day(1)},
			&models.Deal{ID: "d3", ClientID: "c1", Owner: "a", Product: "events", Status: "won", ClosedAt: day(30), CreatedAt: *day(3), NewProduct: true},
			&models.Deal{ID: "d4", ClientID: "c1", Owner: "a", Product: "catering", Status: "won", ClosedAt: day(30), CreatedAt: *day(4)},
			&models.Deal{ID: "d5", ClientID: "c2", Owner: "a", Product: "events", Status: "cancelled", ClosedAt: day(5), CreatedAt: *day(1), SaleKind: "first"},
			&models.Deal{ID: "d6", ClientID: "c2", Owner: "a", Product: "events", Status: "open", CreatedAt: *day(1)},
		}
		for _, r := range rows {
			if err := db.Create(r).Error; err != nil {
				t.Fatal(err)
			}
		}
		// c2 was marked won when d5 was won, before it was cancelled.
		if err := db.Model(&models.Client{}).Where("id = ?", "c2").Update("first_won_at", day(5)).Error; err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if err := models.RefreshSales(t.Context(), db); err != nil {
				t.Fatal(err)
			}
		}
		var deals []models.Deal
		db.Order("id").Find(&deals)
		got := ""
		for _, d := range deals {
			got += d.ID + ":" + d.SaleKind
			if d.NewProduct {
				got += "+new"
			}
			got += " "
		}
		if want := "d1:first d2:repeat+new d3:repeat d4:repeat+new d5: d6: "; got != want {
			t.Errorf("sales %q, want %q", got, want)
		}
		var c1, c2 models.Client
		db.First(&c1, "id = ?", "c1")
		db.First(&c2, "id = ?", "c2")
		// c1's first deal is d2 (created day 1); c2's first deal ties d5 and
		// d6 on day 1, d5 by ID; c2 never won.
		if c1.FirstDealID != "d2" || !c1.FirstDealAt.Equal(*day(1)) || !c1.FirstWonAt.Equal(*day(10)) ||
			c2.FirstDealID != "d5" || c2.FirstWonAt != nil {
			t.Errorf("c1 %s %v %v; c2 %s %v", c1.FirstDealID, c1.FirstDealAt, c1.FirstWonAt, c2.FirstDealID, c2.FirstWonAt)
		}
	})
}
