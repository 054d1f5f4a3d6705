package web

import (
	"testing"

	"github.com/salesflow/salesflow/internal/casework"
)

// TestNotificationLink: a complaint's notice links to the complaint, a
// key-account review's (no deal, key "kar-<client>/…") to the client's
// key-account page, a programme's and a survey's to theirs.
func TestNotificationLink(t *testing.T) {
	for _, tc := range []struct {
		n    notification
		want string
	}{
		{notification{casework.NotificationItem{ComplaintID: "cmp-1", DealID: "deal-1"}}, "/complaints/cmp-1"},
		{notification{casework.NotificationItem{Key: "kar-cl-7/reassessment/reminder/2027-01-10T10:00:00Z/2026-12-11T10:00:00Z"}}, "/clients/cl-7/key-account"},
		{notification{casework.NotificationItem{DealID: "deal-2", Key: "deal-2/offer/reminder/x/y"}}, "/deals/deal-2"},
		{notification{casework.NotificationItem{Key: "vip-p1/interview-cl-3/reminder/x/y"}}, "/programmes/vip-p1"},
		{notification{casework.NotificationItem{Key: "srv-cl-3-events-202612/yearly_survey/reminder/x/y"}}, "/surveys/srv-cl-3-events-202612"},
	} {
		if got := tc.n.Link(); got != tc.want {
			t.Errorf("%+v: %s, want %s", tc.n, got, tc.want)
		}
	}
}
