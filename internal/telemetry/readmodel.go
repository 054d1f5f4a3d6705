package telemetry

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"gorm.io/gorm"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/models"
)

// Read-model figures, computed when scraped.
var (
	openDealsDesc = prometheus.NewDesc("salesflow_open_deals",
		"Open deals by stage, from the read model when scraped.", []string{"stage"}, nil)
	overdueDesc = prometheus.NewDesc("salesflow_overdue_control_points",
		"Control points overdue and not yet met, by subject type (deal, complaint), from the read model when scraped.", []string{"subject_type"}, nil)
)

// scrapeTimeout bounds the read-model queries of one scrape.
const scrapeTimeout = 5 * time.Second

// readModel computes the read-model figures at scrape time: two counts on
// indexes (deals by stage and status, control points by status), cheap at
// a million deals.
type readModel struct {
	db *gorm.DB
}

// ReadModel returns a gatherer of the read model's figures (open deals by
// stage, overdue control points), for Handler. A failed query is logged
// and leaves its figures out of that scrape.
func ReadModel(db *gorm.DB) prometheus.Gatherer {
	r := prometheus.NewRegistry()
	r.MustRegister(readModel{db: db})
	return r
}

// Describe sends the descriptions of the figures.
func (r readModel) Describe(ch chan<- *prometheus.Desc) {
	ch <- openDealsDesc
	ch <- overdueDesc
}

// Collect queries the read model and sends the figures: every stage,
// zeros included, so a dashboard's series never vanish.
func (r readModel) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	stages := make([]string, len(deal.Stages))
	for i, s := range deal.Stages {
		stages[i] = string(s)
	}
	open, err := r.count(ctx, &models.Deal{}, "stage", "status = ? AND stage IN ?", deal.StatusOpen, stages)
	if err == nil {
		for _, s := range stages {
			ch <- prometheus.MustNewConstMetric(openDealsDesc, prometheus.GaugeValue, float64(open[s]), s)
		}
	}
	overdue, err2 := r.count(ctx, &models.ControlPoint{}, "subject_type", "status = ?", casework.PointOverdue)
	if err2 == nil {
		for _, t := range []string{models.SubjectDeal, models.SubjectComplaint} {
			ch <- prometheus.MustNewConstMetric(overdueDesc, prometheus.GaugeValue, float64(overdue[t]), t)
		}
	}
	if err := errors.Join(err, err2); err != nil {
		slog.Warn("read-model metrics", "error", err)
	}
}

// count counts the rows of model matching where, grouped by column.
func (r readModel) count(ctx context.Context, model any, column, where string, args ...any) (map[string]int64, error) {
	var rows []struct {
		Key string
		N   int64
	}
	err := r.db.WithContext(ctx).Model(model).Select(column+" AS key, count(*) AS n").
		Where(where, args...).Group(column).Scan(&rows).Error
	byKey := make(map[string]int64, len(rows))
	for _, row := range rows {
		byKey[row.Key] = row.N
	}
	return byKey, err
}
