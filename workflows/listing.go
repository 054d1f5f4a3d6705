package workflows

import (
	"fmt"
	"strings"

	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/internal/engine"
)

// Listing is how the deal shows in Temporal's visibility (see
// engine.Listed): its stage, status, owner, client and amount as search
// attributes, and one line of details saying where it stands — a lost deal
// reads as lost, with the stage and the reason.
func (r *run) Listing() engine.Listing {
	v := &r.v
	l := engine.Listing{
		Stage: string(v.Stage), Status: string(v.Status), Owner: v.Owner, Client: v.ClientID,
		Amount: float64(v.Amount) / 100, HasAmount: v.Amount > 0,
	}
	amount := "no amount yet"
	if l.HasAmount {
		amount = v.Amount.String() + " " + v.Currency
	}
	switch v.Status {
	case deal.StatusLost:
		l.Details = fmt.Sprintf("**Lost** at %s: %s", v.LostStage, lossWords(v.LostReason, v.LostComment))
	case deal.StatusOpen:
		l.Details = fmt.Sprintf("**%s** · open", v.Stage)
	default:
		l.Details = fmt.Sprintf("**%s** at %s", titled(string(v.Status)), v.Stage)
	}
	l.Details += fmt.Sprintf(" · %s · owner %s · client %s", amount, v.Owner, v.ClientID)
	return l
}

// Listing is how the complaint shows in Temporal's visibility (see
// engine.Listed): its step, status, assignee and client.
func (c *complaintRun) Listing() engine.Listing {
	v := &c.v
	return engine.Listing{
		Stage: string(v.Step), Status: string(v.Status), Owner: v.Assignee, Client: v.ClientID,
		Details: fmt.Sprintf("**%s** · %s · %s · %s complaint · assignee %s · client %s",
			v.Step, v.Status, v.Number, v.Category, v.Assignee, v.ClientID),
	}
}

// lossWords is a loss's reason with its comment, when there is one.
func lossWords(reason, comment string) string {
	if comment == "" {
		return reason
	}
	return reason + " — " + comment
}

// titled is s with its first letter upper-cased.
func titled(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
