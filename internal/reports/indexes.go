package reports

import (
	"fmt"

	"gorm.io/gorm"
)

// Indexes are the CREATE INDEX statements the reports rely on, valid on
// PostgreSQL and SQLite alike (partial indexes included). Most are covering
// indexes: they hold every column their query reads, so PostgreSQL answers
// with an index-only scan instead of fetching deal rows scattered over the
// table (which costs more than the rest of the query at a million deals).
// Index-only scans need the visibility map: autovacuum keeps it, and a bulk
// load should be followed by VACUUM ANALYZE.
var Indexes = []string{
	// Funnel: its cohort, created_at in the period, with the filter's
	// columns and everything it counts. KPI prospects: the first deals
	// created in the period, by (created_at, id).
	"CREATE INDEX IF NOT EXISTS idx_reports_deals_created ON deals (created_at, owner, product, client_id, status, stage, " +
		"lost_stage, presentation_at, offer_at, contract_at, payment_at, event_at, close_at, closed_at, id)",
	// Losses and KPI sales: deals won or lost with closed_at in the period,
	// with the filter's columns, the kind of sale, amounts, loss stage and
	// reason, counters.
	"CREATE INDEX IF NOT EXISTS idx_reports_deals_closed_kind ON deals (status, closed_at, owner, product, client_id, " +
		"sale_kind, new_product, paid_amount, refunded_amount, lost_stage, lost_reason, " +
		"offer_versions, presentation_declines, contract_changes, overdue_points)",
	// KPI prospects: the clients whose first deal lies in the period, with
	// that deal's ID, the first win and the segment.
	"CREATE INDEX IF NOT EXISTS idx_reports_clients_first_deal ON clients (first_deal_at, first_deal_id, first_won_at, segment)",
	// KPI clients in the initial stage at To: deals still in presentation
	// now, deals that moved to the offer stage after To, deals closed in
	// presentation after To; each with the filter's columns.
	"CREATE INDEX IF NOT EXISTS idx_reports_deals_in_presentation ON deals (presentation_at, owner, product, client_id) " +
		"WHERE offer_at IS NULL AND closed_at IS NULL",
	"CREATE INDEX IF NOT EXISTS idx_reports_deals_offered ON deals (offer_at, presentation_at, owner, product, client_id)",
	"CREATE INDEX IF NOT EXISTS idx_reports_deals_closed_unoffered ON deals (closed_at, presentation_at, owner, product, client_id) " +
		"WHERE offer_at IS NULL",
	// Stuck: open deals by their last update.
	"CREATE INDEX IF NOT EXISTS idx_reports_deals_idle ON deals (updated_at, owner, product, client_id, waiting_on) WHERE status = 'open'",
	// Roadmap: the columns of some reps' deals (everyone's skip-scan the
	// models' index on product) and the page of clients of the owners in
	// scope.
	"CREATE INDEX IF NOT EXISTS idx_reports_deals_owner_product ON deals (owner, product, status, client_id)",
	"CREATE INDEX IF NOT EXISTS idx_reports_deals_owner_client ON deals (owner, client_id, status)",
	// KPI control points on time: the done points of deals by owner, then
	// done_at (a skip scan over the owners, then a range per owner).
	"CREATE INDEX IF NOT EXISTS idx_reports_points_done_owner ON control_points (owner, done_at, overdue_at, subject_id) " +
		"WHERE subject_type = 'deal' AND status = 'done'",
	// KPI lost and restored clients: the transitions of the
	// classification history to those categories by as_of (entries whose
	// stored previous category differs). Without client_id, so the many
	// entries alike (one classification run gives every entry the same
	// as_of) share one index entry (PostgreSQL's deduplication): a tenth of
	// the size. And the entries whose previous category is not stored yet,
	// which the report looks up (none once the migration has filled them).
	"CREATE INDEX IF NOT EXISTS idx_reports_class_transitions ON client_class_changes (as_of, owner, category) " +
		"WHERE category IN ('lost', 'restored') AND previous_category <> category",
	"CREATE INDEX IF NOT EXISTS idx_reports_class_unfilled ON client_class_changes (as_of) WHERE previous_category IS NULL",
}

// ObsoleteIndexes are indexes earlier versions of Indexes created that no
// query needs any more; EnsureIndexes drops them (each costs every write
// to its table).
var ObsoleteIndexes = []string{
	// Replaced by idx_reports_deals_closed_kind (which adds the kind of
	// sale).
	"idx_reports_deals_closed",
	// The KPI's searches for a client's earlier won deals and first deal,
	// now kept on the rows.
	"idx_reports_deals_client_won",
	"idx_reports_deals_client_created",
	// Replaced by idx_reports_points_done_owner (owner first).
	"idx_reports_points_done",
	// Replaced by idx_reports_deals_offered and
	// idx_reports_deals_closed_unoffered, which cover the owner, product
	// and client (for a past To these ranges hold many deals).
	"idx_reports_deals_offer",
	"idx_reports_deals_closed_in_presentation",
	// Replaced by idx_reports_class_transitions (transitions only, by the
	// stored previous category).
	"idx_reports_class_changes",
}

// EnsureIndexes creates the indexes the reports need (see Indexes) when
// they do not exist yet, and drops the ObsoleteIndexes that still do. It
// is safe to call at every start, after the tables are migrated.
func EnsureIndexes(db *gorm.DB) error {
	for _, stmt := range Indexes {
		if err := db.Exec(stmt).Error; err != nil {
			return fmt.Errorf("report indexes: %s: %w", stmt, err)
		}
	}
	for _, name := range ObsoleteIndexes {
		if err := db.Exec("DROP INDEX IF EXISTS " + name).Error; err != nil {
			return fmt.Errorf("report indexes: drop %s: %w", name, err)
		}
	}
	return nil
}
