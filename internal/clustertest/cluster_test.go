package clustertest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/salesflow/salesflow/internal/config"
	"github.com/salesflow/salesflow/internal/temporalcluster"
	"github.com/salesflow/salesflow/internal/testdb"
	"github.com/salesflow/salesflow/models"
)

// crashAfter is how many requests succeed before the history process is
// killed: the deals are then between their offers and their contracts.
const crashAfter = 40

// The production shape on a real cluster: two workers and two API servers,
// each with its own Temporal client, deals driven through both API servers
// to won or lost, and the history process killed with SIGKILL in the
// middle of the run and started again. Every deal finishes, the read model
// equals each workflow's final state, and no effect happened twice.
func TestDealsSurviveAHistoryCrash(t *testing.T) {
	start := time.Now()
	cluster := startCluster(t, clusterConfig(t))
	t.Logf("schema and cluster ready in %s", time.Since(start).Round(time.Millisecond))
	dbURL := testdb.EmptyPostgres(t)
	db := testdb.Open(t, dbURL)
	if err := models.SeedDemo(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	cfg := config.Config{TemporalAddress: cluster.Frontend(), TemporalNamespace: "default", TaskQueue: "salesflow-cluster-test"}
	startWorker(t, cfg, dbURL)
	startWorker(t, cfg, dbURL)
	pol := fastOffers()
	d := &driver{apis: []string{startAPI(t, cfg, dbURL, pol), startAPI(t, cfg, dbURL, pol)}}

	endings := []ending{won, won, won, won, won, lostAtOffer, lostAtOffer, lostAtPresentation}
	runs := make([]*dealRun, len(endings))
	var wg sync.WaitGroup
	for i, e := range endings {
		runs[i] = &dealRun{n: i, ending: e, applied: map[string]int{}}
		wg.Go(func() {
			if err := d.run(runs[i]); err != nil {
				t.Error(err)
			}
		})
	}
	done := make(chan struct{})
	crashed := make(chan bool, 1)
	go func() { crashed <- crashHistory(t, cluster, d, done) }()
	wg.Wait()
	close(done)
	if !<-crashed {
		t.Fatalf("the deals finished (%d requests) before the history process was killed", d.applied.Load())
	}
	t.Logf("%d requests succeeded, %d attempts were repeated; the slowest took %s",
		d.applied.Load(), d.retried.Load(), time.Duration(d.slowest.Load()).Round(time.Millisecond))
	if t.Failed() {
		return
	}
	c := dial(t, cfg)
	for _, r := range runs {
		checkDeal(t, c, db, r)
	}
	checkAudit(t, db, runs)
	logTotals(t, db)
	select {
	case err := <-cluster.Exited():
		t.Errorf("a server process died on its own: %v", err)
	default:
	}
}

// crashHistory kills the history process with SIGKILL once crashAfter
// requests have succeeded, starts it again two seconds later, and reports
// whether it did before done was closed.
func crashHistory(t *testing.T, cluster *temporalcluster.Cluster, d *driver, done <-chan struct{}) bool {
	for d.applied.Load() < crashAfter {
		select {
		case <-done:
			return false
		case <-time.After(20 * time.Millisecond):
		}
	}
	if err := cluster.Kill(temporalcluster.History); err != nil {
		t.Error(err)
		return false
	}
	t.Logf("killed the history process after %d requests, %d in flight", d.applied.Load(), d.inflight.Load())
	time.Sleep(2 * time.Second)
	if err := cluster.Start(temporalcluster.History); err != nil {
		t.Error(err)
		return false
	}
	t.Logf("started the history process again; %d requests had succeeded", d.applied.Load())
	return true
}
