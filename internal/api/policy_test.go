package api

import (
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/salesflow/salesflow/internal/calendar"
	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/complaint"
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/policy"
	"github.com/salesflow/salesflow/models"
)

// getPolicy reads the current policy document as token's owner.
func (a *testAPI) getPolicy(token string) policy.Document {
	a.t.Helper()
	var doc policy.Document
	expect(a.t, a.do(http.MethodGet, "/api/v1/policy", token, nil), http.StatusOK, &doc)
	return doc
}

func TestPutPolicyIsForAdminsOnly(t *testing.T) {
	a := newTestAPI(t, nil)
	doc := a.getPolicy("dev-alice")
	doc.Deal.OfferValidity = casework.Days(20)
	for _, token := range []string{"dev-alice", "dev-maria"} {
		expectError(t, a.do(http.MethodPut, "/api/v1/policy", token, doc), http.StatusForbidden, casework.CodeForbidden)
		// Refused before the body is read: a broken body changes nothing.
		expectError(t, a.do(http.MethodPut, "/api/v1/policy", token, "{"), http.StatusForbidden, casework.CodeForbidden)
	}
	if got := a.getPolicy("dev-bob"); got.Version != 0 || got.Deal.OfferValidity != deal.DefaultPolicy().OfferValidity {
		t.Errorf("after refused saves: %+v", got)
	}
	var n int64
	a.db.Model(&models.PolicyVersion{}).Count(&n)
	if n != 0 {
		t.Errorf("%d versions saved by non-admins", n)
	}
}

func TestPutPolicyRefusesInvalidDocuments(t *testing.T) {
	a := newTestAPI(t, nil)
	valid := func() map[string]any {
		var m map[string]any
		if err := roundTrip(policy.Default(), &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	part := func(m map[string]any, name string) map[string]any { return m[name].(map[string]any) }
	for _, c := range []struct {
		name   string
		change func(m map[string]any)
		fields []string
	}{
		{"non-positive duration", func(m map[string]any) { part(m, "deal")["offer_validity"] = "0s" }, []string{"deal"}},
		{"bad duration", func(m map[string]any) { part(m, "deal")["invoice_due"] = "soon" }, []string{"deal.invoice_due"}},
		{"unknown field", func(m map[string]any) { part(m, "deal")["offer_validiti"] = "3d" }, []string{"deal.offer_validiti"}},
		{"missing field", func(m map[string]any) { delete(part(m, "deal"), "loss_reasons") }, []string{"deal.loss_reasons"}},
		{"missing part", func(m map[string]any) { delete(m, "complaint") }, []string{"complaint"}},
		{"unknown severity", func(m map[string]any) {
			d := part(m, "complaint")["deadlines"].(map[string]any)
			d["urgent"] = d["low"]
		}, []string{"complaint"}},
		{"no categories", func(m map[string]any) { part(m, "complaint")["categories"] = []string{} }, []string{"complaint"}},
		{"bad zone and date", func(m map[string]any) {
			part(m, "calendar")["time_zone"] = "Mars/Olympus"
			part(m, "calendar")["holidays"] = []string{"2027-02-30"}
		}, []string{"calendar"}},
		{"several parts", func(m map[string]any) {
			part(m, "deal")["presentation_max_attempts"] = 0
			part(m, "calendar")["business_start"] = "9am"
		}, []string{"deal", "calendar"}},
		{"unknown top-level field", func(m map[string]any) { m["extra"] = 1 }, []string{"extra"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			body := valid()
			c.change(body)
			e := expectError(t, a.do(http.MethodPut, "/api/v1/policy", "dev-admin", body), http.StatusUnprocessableEntity, casework.CodeInvalidInput)
			var got []string
			for f := range e.Error.Details.Fields {
				got = append(got, f)
			}
			for _, f := range c.fields {
				if e.Error.Details.Fields[f] == "" {
					t.Errorf("fields %v do not name %s", e.Error.Details.Fields, f)
				}
			}
			if len(got) != len(c.fields) {
				t.Errorf("fields %v, want exactly %v", e.Error.Details.Fields, c.fields)
			}
		})
	}
	if e := expectError(t, a.do(http.MethodPut, "/api/v1/policy", "dev-admin", func() map[string]any {
		m := valid()
		part(m, "deal")["offer_validity"] = "0s"
		return m
	}()), http.StatusUnprocessableEntity, casework.CodeInvalidInput); !strings.Contains(e.Error.Details.Fields["deal"], "offer_validity") {
		t.Errorf("deal problem %q does not name offer_validity", e.Error.Details.Fields["deal"])
	}
	if got := a.getPolicy("dev-admin"); got.Version != 0 {
		t.Errorf("an invalid document was saved: version %d", got.Version)
	}
}

// Each save is a new version; deals and complaints created afterwards run
// with it, those created before keep theirs.
func TestPutPolicyVersionsAndNewSubjects(t *testing.T) {
	f := &fakeTemporal{view: fullView(), complaint: fullComplaintView()}
	a := newTestAPI(t, f)
	cl := a.newClient("dev-alice")
	dealBody := map[string]any{"client_id": cl, "title": "Party", "amount": 100, "currency": "RUB"}
	complaintBody := map[string]any{"client_id": cl, "channel": "phone", "category": "quality", "severity": "low", "description": "cold"}

	var before deal.View
	expect(t, a.do(http.MethodPost, "/api/v1/deals", "dev-alice", dealBody), http.StatusCreated, &before)
	if before.PolicyVersion != 0 || f.params[0].PolicyVersion != 0 || !reflect.DeepEqual(f.params[0].Calendar, calendar.Default()) {
		t.Errorf("deal before any save: version %d, params %+v", before.PolicyVersion, f.params[0])
	}

	doc := a.getPolicy("dev-admin")
	if doc.Version != 0 || doc.UpdatedBy != "" || doc.UpdatedAt != nil {
		t.Fatalf("default document = %+v", doc)
	}
	doc.Version, doc.UpdatedBy = 42, "mallory" // ignored
	doc.Deal.OfferValidity = casework.Days(20)
	doc.Complaint.Categories = append(doc.Complaint.Categories, "noise")
	doc.Calendar = calendar.Calendar{TimeZone: "Europe/Moscow", Holidays: []string{"2027-01-04", "2027-01-01", "2027-01-01"}}
	start := time.Now().Add(-time.Second)
	var saved policy.Document
	expect(t, a.do(http.MethodPut, "/api/v1/policy", "dev-admin", doc), http.StatusOK, &saved)
	if saved.Version != 1 || saved.UpdatedBy != "admin" || saved.UpdatedAt == nil || saved.UpdatedAt.Before(start) ||
		saved.Deal.OfferValidity.String() != "20d" {
		t.Errorf("saved = %+v", saved)
	}
	wantCal := calendar.Calendar{TimeZone: "Europe/Moscow", BusinessStart: "09:00", Weekend: []string{"saturday", "sunday"},
		Holidays: []string{"2027-01-01", "2027-01-04"}, WorkingDays: []string{}}
	if !reflect.DeepEqual(saved.Calendar, wantCal) {
		t.Errorf("saved calendar = %+v, want the canonical %+v", saved.Calendar, wantCal)
	}
	if got := a.getPolicy("dev-bob"); !reflect.DeepEqual(got, saved) {
		t.Errorf("GET after PUT = %+v, want %+v", got, saved)
	}

	var v deal.View
	expect(t, a.do(http.MethodPost, "/api/v1/deals", "dev-alice", dealBody), http.StatusCreated, &v)
	p := f.params[1]
	if v.PolicyVersion != 1 || p.PolicyVersion != 1 || p.Policy.OfferValidity.String() != "20d" || !reflect.DeepEqual(p.Calendar, wantCal) {
		t.Errorf("deal after save: view version %d, params %+v", v.PolicyVersion, p)
	}
	dealBody["policy"] = map[string]any{"invoice_due": "1d"}
	expect(t, a.do(http.MethodPost, "/api/v1/deals", "dev-admin", dealBody), http.StatusCreated, &v)
	if p := f.params[2]; p.Policy.InvoiceDue.String() != "1d" || p.Policy.OfferValidity.String() != "20d" || p.PolicyVersion != 1 {
		t.Errorf("override merged over the saved document: %+v", p.Policy)
	}

	complaintBody["category"] = "noise"
	var cv complaint.View
	expect(t, a.do(http.MethodPost, "/api/v1/complaints", "dev-alice", complaintBody), http.StatusCreated, &cv)
	cp := f.complaintParams[0]
	if cv.PolicyVersion != 1 || cp.PolicyVersion != 1 || !reflect.DeepEqual(cp.Calendar, wantCal) || cp.Policy.Categories[len(cp.Policy.Categories)-1] != "noise" {
		t.Errorf("complaint after save: view version %d, params %+v", cv.PolicyVersion, cp)
	}
	expect(t, a.do(http.MethodGet, "/api/v1/complaints?category=noise", "dev-alice", nil), http.StatusOK, nil)

	expect(t, a.do(http.MethodPut, "/api/v1/policy", "dev-admin", saved), http.StatusOK, &saved)
	if saved.Version != 2 || a.getPolicy("dev-alice").Version != 2 {
		t.Errorf("second save: version %d", saved.Version)
	}
}

func TestPreferences(t *testing.T) {
	a := newTestAPI(t, nil)
	var p models.Preferences
	expect(t, a.do(http.MethodGet, "/api/v1/me/preferences", "dev-alice", nil), http.StatusOK, &p)
	if p != (models.Preferences{Language: "ru", Email: true, Webhook: true}) {
		t.Errorf("alice's defaults = %+v", p)
	}
	want := models.Preferences{Language: "en", Email: false, Webhook: true, Digest: true}
	expect(t, a.do(http.MethodPut, "/api/v1/me/preferences", "dev-alice", want), http.StatusOK, &p)
	if p != want {
		t.Errorf("PUT answered %+v, want %+v", p, want)
	}
	expect(t, a.do(http.MethodGet, "/api/v1/me/preferences", "dev-alice", nil), http.StatusOK, &p)
	if p != want {
		t.Errorf("GET after PUT = %+v, want %+v", p, want)
	}
	expect(t, a.do(http.MethodGet, "/api/v1/me/preferences", "dev-bob", nil), http.StatusOK, &p)
	if p != (models.Preferences{Language: "en", Email: true, Webhook: true}) {
		t.Errorf("bob's preferences changed: %+v", p)
	}

	for _, body := range []any{
		map[string]any{"language": "de", "email": true, "webhook": true, "digest": false},
		map[string]any{"language": "", "email": true, "webhook": true, "digest": false},
	} {
		e := expectError(t, a.do(http.MethodPut, "/api/v1/me/preferences", "dev-alice", body), http.StatusUnprocessableEntity, casework.CodeInvalidInput)
		if e.Error.Details.Fields["language"] == "" {
			t.Errorf("%v: fields %v do not name language", body, e.Error.Details.Fields)
		}
	}
	e := expectError(t, a.do(http.MethodPut, "/api/v1/me/preferences", "dev-alice", map[string]any{"language": "ru", "email": "yes"}),
		http.StatusUnprocessableEntity, casework.CodeInvalidInput)
	for _, f := range []string{"email", "webhook", "digest"} {
		if e.Error.Details.Fields[f] == "" {
			t.Errorf("fields %v do not name %s", e.Error.Details.Fields, f)
		}
	}
	expect(t, a.do(http.MethodGet, "/api/v1/me/preferences", "dev-alice", nil), http.StatusOK, &p)
	if p != want {
		t.Errorf("refused PUTs changed the preferences: %+v", p)
	}
}

func TestReadNotification(t *testing.T) {
	a := newTestAPI(t, nil)
	at := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	mine := "deal-1/offer-v1/reminder/2025-01-01T12:00:00Z/2025-01-01T09:00:00Z"
	bobs := "deal-2/offer-v1/reminder/2025-01-01T12:00:00Z/2025-01-01T09:00:00Z"
	rows := []models.Notification{
		{ID: mine, Recipient: "alice", Kind: "reminder", DealID: "deal-1", ControlPointID: "offer-v1", Subject: "offer", DueAt: at, CreatedAt: at},
		{ID: bobs, Recipient: "bob", Kind: "reminder", DealID: "deal-2", ControlPointID: "offer-v1", Subject: "offer", DueAt: at, CreatedAt: at},
		{ID: "plain", Recipient: "alice", Kind: "overdue", DealID: "deal-1", CreatedAt: at},
	}
	if err := a.db.Create(&rows).Error; err != nil {
		t.Fatal(err)
	}
	path := func(id string) string { return "/api/v1/notifications/" + url.PathEscape(id) + "/read" }

	expectError(t, a.do(http.MethodPost, path(bobs), "dev-alice", nil), http.StatusNotFound, casework.CodeNotFound)
	expectError(t, a.do(http.MethodPost, path("nope"), "dev-alice", nil), http.StatusNotFound, casework.CodeNotFound)
	if n, _ := models.GetNotification(t.Context(), a.db, bobs); n.ReadAt != nil {
		t.Error("alice marked bob's notification read")
	}

	// A notification is named by its URL-safe ID; its key, which older
	// clients used as its ID, still finds it.
	var n casework.NotificationItem
	expect(t, a.do(http.MethodPost, path(models.NotificationID(mine)), "dev-alice", nil), http.StatusOK, &n)
	if n.ID != models.NotificationID(mine) || n.Key != mine || n.ReadAt == nil || n.DealID != "deal-1" {
		t.Fatalf("read notification = %+v", n)
	}
	first := *n.ReadAt
	expect(t, a.do(http.MethodPost, path(mine), "dev-alice", nil), http.StatusOK, &n)
	if n.ReadAt == nil || !n.ReadAt.Equal(first) {
		t.Errorf("read again: read_at %v, want the first %v", n.ReadAt, first)
	}
	var l notificationList
	expect(t, a.do(http.MethodGet, "/api/v1/notifications?unread=true", "dev-alice", nil), http.StatusOK, &l)
	if len(l.Items) != 1 || l.Items[0].Key != "plain" {
		t.Errorf("unread = %+v", l.Items)
	}
	expectError(t, a.do(http.MethodGet, "/api/v1/notifications?unread=maybe", "dev-alice", nil), http.StatusUnprocessableEntity, casework.CodeInvalidInput)
	var all readAllJSON
	expect(t, a.do(http.MethodPost, "/api/v1/notifications/read-all", "dev-alice", nil), http.StatusOK, &all)
	if all.Read != 1 {
		t.Errorf("read-all marked %d, want 1", all.Read)
	}
	expect(t, a.do(http.MethodGet, "/api/v1/notifications", "dev-alice", nil), http.StatusOK, &l)
	for _, it := range l.Items {
		if it.ReadAt == nil {
			t.Errorf("%s is not read in the inbox", it.ID)
		}
	}
	if n, _ := models.GetNotification(t.Context(), a.db, bobs); n.ReadAt != nil {
		t.Error("alice's read-all marked bob's notification read")
	}
}

func TestListControlPoints(t *testing.T) {
	a := newTestAPI(t, nil)
	at := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	h := func(n int) time.Time { return at.Add(time.Duration(n) * time.Hour) }
	rows := []models.ControlPoint{
		{SubjectType: "deal", SubjectID: "deal-1", ID: "offer-v1", Kind: "offer_validity", Stage: "offer", Owner: "alice",
			Subject: "Offer v1", Status: "open", DueAt: h(3), OverdueAt: h(4)},
		{SubjectType: "deal", SubjectID: "deal-1", ID: "protocol", Kind: "protocol", Stage: "presentation", Owner: "alice",
			Subject: "Protocol", Status: "done", DueAt: h(0), OverdueAt: h(0)},
		{SubjectType: "deal", SubjectID: "deal-2", ID: "invoice-1", Kind: "payment_due", Stage: "payment", Owner: "bob",
			Subject: "Invoice 1", Status: "overdue", DueAt: h(1), OverdueAt: h(1)},
		{SubjectType: "complaint", SubjectID: "cmp-1", ID: "acknowledge", Kind: "complaint_acknowledge", Owner: "alice",
			Subject: "Acknowledge", Status: "overdue", DueAt: h(2), OverdueAt: h(2)},
		{SubjectType: "complaint", SubjectID: "cmp-1", ID: "investigate", Kind: "complaint_investigate", Owner: "alice",
			Subject: "Investigate", Status: "cancelled", DueAt: h(5), OverdueAt: h(5)},
	}
	if err := a.db.Create(&rows).Error; err != nil {
		t.Fatal(err)
	}
	list := func(query string) []string {
		t.Helper()
		var ids []string
		for page := 0; ; page++ {
			var l controlPointList
			expect(t, a.do(http.MethodGet, "/api/v1/control-points?"+query, "dev-maria", nil), http.StatusOK, &l)
			for _, it := range l.Items {
				ids = append(ids, it.SubjectID+"/"+it.ID)
			}
			if l.NextCursor == "" || page > 10 {
				return ids
			}
			q, _ := url.ParseQuery(query)
			q.Set("cursor", l.NextCursor)
			query = q.Encode()
		}
	}
	for query, want := range map[string][]string{
		"":                       {"deal-2/invoice-1", "cmp-1/acknowledge", "deal-1/offer-v1"},
		"limit=1":                {"deal-2/invoice-1", "cmp-1/acknowledge", "deal-1/offer-v1"},
		"status=overdue":         {"deal-2/invoice-1", "cmp-1/acknowledge"},
		"status=done":            {"deal-1/protocol"},
		"status=cancelled":       {"cmp-1/investigate"},
		"owner=alice":            {"cmp-1/acknowledge", "deal-1/offer-v1"},
		"owner=alice&limit=1":    {"cmp-1/acknowledge", "deal-1/offer-v1"},
		"subject_type=complaint": {"cmp-1/acknowledge"},
		"subject_type=deal":      {"deal-2/invoice-1", "deal-1/offer-v1"},
		"due_before=" + url.QueryEscape(h(2).Format(time.RFC3339)):                                   {"deal-2/invoice-1"},
		"due_before=" + url.QueryEscape(h(3).In(time.FixedZone("MSK", 3*3600)).Format(time.RFC3339)): {"deal-2/invoice-1", "cmp-1/acknowledge"},
		"owner=alice&status=overdue&subject_type=deal":                                               nil,
	} {
		if got := list(query); !reflect.DeepEqual(got, want) {
			t.Errorf("%q gave %v, want %v", query, got, want)
		}
	}

	var l controlPointList
	expect(t, a.do(http.MethodGet, "/api/v1/control-points?subject_type=complaint", "dev-alice", nil), http.StatusOK, &l)
	wantItem := casework.ControlPointItem{SubjectType: "complaint", SubjectID: "cmp-1", ID: "acknowledge", Kind: complaint.PointAcknowledge,
		Owner: "alice", Subject: "Acknowledge", Status: casework.PointOverdue, DueAt: h(2), OverdueAt: h(2)}
	if len(l.Items) != 1 || l.Items[0] != wantItem {
		t.Errorf("items = %+v, want [%+v]", l.Items, wantItem)
	}

	for query, field := range map[string]string{
		"status=late":         "status",
		"subject_type=client": "subject_type",
		"due_before=tomorrow": "due_before",
		"limit=0":             "limit",
		"cursor=not-a-cursor": "cursor",
	} {
		e := expectError(t, a.do(http.MethodGet, "/api/v1/control-points?"+query, "dev-alice", nil), http.StatusUnprocessableEntity, casework.CodeInvalidInput)
		if e.Error.Details.Fields[field] == "" {
			t.Errorf("%s: fields %v do not name %s", query, e.Error.Details.Fields, field)
		}
	}
}
