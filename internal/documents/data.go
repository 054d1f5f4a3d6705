package documents

import (
	"time"

	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/money"
)

// Entry is what a deal's workflow asks to be generated: one entry of its
// document register (type, version, reference, date), its edition, the
// reason of a regeneration, and the deal's view at that moment.
type Entry struct {
	DealID  string       `json:"deal_id"`
	Type    deal.DocType `json:"type"`
	Version int          `json:"version"`
	Edition int          `json:"edition"`
	Ref     string       `json:"ref"`
	At      time.Time    `json:"at"`
	Reason  string       `json:"reason,omitempty"`
	View    deal.View    `json:"view"`
}

// NewData is the data of document t of entry e.
func NewData(t Type, e Entry, company Company, client Client) Data {
	v := e.View
	d := Data{
		Doc:     DocInfo{Type: t, Title: t.Title(), Number: e.Ref, Version: e.Version, Edition: max(e.Edition, 1), Date: e.At},
		Company: company, Client: client, Deal: v, Amount: v.Amount, Currency: v.Currency,
		Offer: offerOf(v, t, e.Version),
	}
	if v.Contract != nil {
		d.Contract = *v.Contract
	}
	if v.Event != nil {
		d.Event = *v.Event
	}
	if v.Survey != nil {
		d.Survey = *v.Survey
	}
	switch t {
	case Offer:
		d.Amount = d.Offer.Amount
	case Invoice:
		for _, inv := range v.Invoices {
			if inv.Number == e.Ref || inv.Installment == e.Version {
				d.Invoice, d.Amount = inv, inv.Amount
				break
			}
		}
	}
	if d.Amount == 0 && d.Offer.Amount != 0 {
		d.Amount = d.Offer.Amount
	}
	return d
}

// offerOf is the offer a document is about: for an offer, the version of
// its entry; else the accepted offer, or the latest one.
func offerOf(v deal.View, t Type, version int) deal.Offer {
	var latest deal.Offer
	for _, o := range v.Offers {
		if t == Offer && o.Version == version {
			return o
		}
		if t != Offer && o.Status == deal.OfferAccepted {
			return o
		}
		latest = o
	}
	return latest
}

// SampleData is the data a template of type t is checked with when saved:
// a deal with every part a template may use.
func SampleData(t Type) Data {
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	amount := money.Amount(12345678)
	held := at.Add(-48 * time.Hour)
	v := deal.View{
		Header: deal.Header{ID: "deal-sample", ClientID: "cl-sample", Owner: "alice",
			Title: "Новогодний корпоратив", Product: "event", Amount: amount, Currency: "RUB"},
		Stage: deal.StageClose, CreatedAt: at.Add(-30 * 24 * time.Hour),
		Presentation: deal.Presentation{HeldAt: &held, Notes: "Клиенту понравилась программа"},
		Offers: []deal.Offer{{Version: 1, Amount: amount + 100000, ValidUntil: at, Status: deal.OfferChangesRequested, IssuedAt: at},
			{Version: 2, Amount: amount, ValidUntil: at.Add(14 * 24 * time.Hour), Terms: "Предоплата 50 %", Status: deal.OfferAccepted, IssuedAt: at}},
		Contract: &deal.Contract{Revision: 1, Status: deal.ContractSigned,
			Approvers:   []deal.Approver{{Role: "Генеральный директор", Name: "Петров П. П.", Approved: true}},
			PaymentPlan: []deal.Installment{{Percent: 50, Due: deal.DueBeforeEvent}, {Percent: 50, Due: deal.DueAfterEvent}}},
		Invoices: []deal.Invoice{{Number: "deal-sample-1", Installment: 1, Due: deal.DueBeforeEvent, Amount: amount / 2, IssuedAt: at, DueAt: at.Add(5 * 24 * time.Hour)}},
		Event:    &deal.Event{Date: at.Add(20 * 24 * time.Hour), Items: []deal.EventItem{{Name: "Меню", Approved: true}}, HeldAt: &at},
		Survey:   &deal.Survey{Scores: map[string]int{"overall": 5}, SubmittedAt: at},
	}
	e := Entry{DealID: v.ID, Type: deal.DocType(t), Version: 1, Edition: 1, Ref: string(t) + "-1", At: at, View: v}
	switch t {
	case Offer:
		e.Version, e.Ref = 2, "offer-v2"
	case Invoice:
		e.Ref = "deal-sample-1"
	}
	return NewData(t, e, DefaultCompany(), Client{ID: "cl-sample", Name: "ООО «Ромашка»", Segment: "corporate", Email: "office@romashka.ru", Phone: "+7 495 111-22-33"})
}
