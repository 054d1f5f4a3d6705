package deal

import "github.com/salesflow/salesflow/internal/casework"

// The control point kinds.
const (
	PointProtocol          casework.PointKind = "protocol"
	PointPresentationRetry casework.PointKind = "presentation_retry"
	PointOfferValidity     casework.PointKind = "offer_validity"
	PointCorrections       casework.PointKind = "corrections"
	PointPaymentDue        casework.PointKind = "payment_due"
	PointEventItems        casework.PointKind = "event_items"
	PointEventDate         casework.PointKind = "event_date"
	PointSurvey            casework.PointKind = "survey"
	PointContactInterval   casework.PointKind = "contact_interval"
	PointFollowUp          casework.PointKind = "follow_up"
)

// PointKinds lists every control point kind.
var PointKinds = []casework.PointKind{
	PointProtocol, PointPresentationRetry, PointOfferValidity, PointCorrections,
	PointPaymentDue, PointEventItems, PointEventDate, PointSurvey,
	PointContactInterval, PointFollowUp,
}
