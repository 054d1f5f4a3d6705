package models

import (
	"context"
	"strings"

	"gorm.io/gorm"
)

// List rows carry the name of their client next to its ID: the list
// queries select it (and, for control points and notifications, the
// client's ID) with scalar subqueries on the clients' primary key, so
// their keyset order and indexes stay as they are. The fields that hold
// them (ClientName, and ClientID of ControlPoint and Notification) are
// read-only and not columns of the tables: only the list queries fill
// them.

// clientNameOf is the SQL selecting the name of the client whose ID the
// SQL expression id yields (” when there is none).
func clientNameOf(id string) string {
	return "COALESCE((SELECT cn.name FROM clients cn WHERE cn.id = " + id + "), '')"
}

// listOf is the query of a list of table's rows (model T), restricted to
// scope by its staff column: every column of the row, the name of the
// client of its client_id column as client_name, then the further
// selections extra (SQL expressions with their AS names).
func listOf[T any](ctx context.Context, db *gorm.DB, table string, scope Scope, staff string, extra ...string) *gorm.DB {
	sel := append([]string{table + ".*", clientNameOf(table+".client_id") + " AS client_name"}, extra...)
	return scope.restrict(db.WithContext(ctx).Model(new(T)).Select(strings.Join(sel, ", ")), staff)
}

// dealClient and complaintClient select the client of the deal or
// complaint whose ID the SQL expression id yields.
func dealClient(id string) string {
	return "(SELECT dc.client_id FROM deals dc WHERE dc.id = " + id + ")"
}

func complaintClient(id string) string {
	return "(SELECT mc.client_id FROM complaints mc WHERE mc.id = " + id + ")"
}

// pointClient is the SQL selecting the client of a control point's deal,
// survey, complaint or key-account review ("kar-<client id>").
var pointClient = "COALESCE(CASE control_points.subject_type WHEN 'deal' THEN " + dealClient("control_points.subject_id") +
	" WHEN 'survey' THEN (SELECT sc.client_id FROM surveys sc WHERE sc.id = control_points.subject_id)" +
	" WHEN '" + SubjectKeyAccount + "' THEN SUBSTR(control_points.subject_id, 5)" +
	" ELSE " + complaintClient("control_points.subject_id") + " END, '')"

// notificationClient is the SQL selecting the client of a notification's
// complaint, or else of its deal.
var notificationClient = "COALESCE(CASE WHEN notifications.complaint_id <> '' THEN " +
	complaintClient("notifications.complaint_id") + " ELSE " + dealClient("notifications.deal_id") + " END, '')"
