// Package reports computes the manager analytics of docs/process.md §5 from the
// read model: the funnel, losses by stage, KPIs per rep, stuck deals and the
// client road map (the client categories are package classify's). Every
// report takes a Filter whose Scope is required: only rows whose owner (a
// deal's owner, a control point's owner, a complaint's assignee, a
// classification entry's owner) is in scope count, and the zero Scope sees
// nothing. Owners narrows the scope, never widens it.
//
// SQL only selects and aggregates (GROUP BY, COUNT, SUM, CASE, recursive
// skip scans, on the indexes EnsureIndexes creates); no query runs per
// row. What depends on a client's other deals is not searched for but read
// from what the read model keeps (see KPI below). The same queries run on
// PostgreSQL and SQLite, except where a dialect needs its own form for the
// same figure: whole seconds between two times, the funnel's medians
// (percentile_disc on PostgreSQL, ROW_NUMBER on SQLite) and the KPI's
// control points (a LATERAL count per owner on PostgreSQL, a GROUP BY on
// SQLite). Figures are then computed in Go, the same on both stores.
//
// Conventions: a period is [From, To) in UTC (a row at exactly From counts,
// one at exactly To does not). Money is in minor units (money.Amount);
// sales are summed net: a deal's payments minus its refunds as recorded
// when the report runs, so a sale refunded in full still counts as a sale,
// with a sum of 0.00. Percentages have one decimal and are null when their
// base is 0; averages have two. Medians are nearest-rank: the ceil(n/2)-th
// smallest value. Durations are whole seconds between the two times
// truncated to the second.
//
// The exact rules of each report:
//
// Funnel: the cohort is the deals created in the period that match the
// filter. For each stage in deal.Stages order: entered counts the deals
// whose entry time of the stage is set; in_now those open in the stage;
// passed those that entered it and entered the next stage or were won (for
// the last stage: were won); lost those lost with lost_stage the stage.
// Conversion to next is entered(next) / entered (for the last stage: won /
// entered), conversion from first is entered / entered(first stage). The
// median time in the stage is over the deals that entered the next stage
// (next stage's time − this one's) or, for the last stage, the won deals
// (closed_at − close_at); timed counts them. Cancelled deals are in the
// cohort and count as entered, never as passed, lost or in the stage.
//
// Losses: the deals lost with closed_at in the period, counted by lost
// stage and reason; every stage is listed, with no losses too. Process
// context: totals and averages of offer versions, presentation declines,
// contract change requests and overdue control points, over those lost
// deals and over the deals won with closed_at in the period.
//
// KPI, per rep (see KPIRow):
//   - clients in the initial stage: distinct clients with a deal of the rep
//     that at the instant To had entered the presentation stage (before To)
//     and had neither entered the offer stage nor closed by then;
//   - first sales: won deals closed in the period that are their client's
//     first won deal ever (of any rep, any product; the earlier one is the
//     one closed first, ties broken by deal ID); repeat sales: the other won
//     deals closed in the period; other product sales: the repeat sales
//     whose client had no earlier won deal of the same product. The kind is
//     the one stored on the deal (models.Deal.SaleKind 'first' or 'repeat',
//     NewProduct for another product line), which the sync sets when the
//     deal is won and models.RefreshSales puts right;
//   - prospects: clients whose first deal ever (the earliest created, ties
//     by ID, of any rep) was created in the period and matches the filter,
//     counted for that deal's owner; converted: those with a won deal (any)
//     closed before To. Both are read from the client
//     (models.Client.FirstDealID and FirstDealAt, the first deal; FirstWonAt,
//     the earliest closed_at of its won deals), kept the same way;
//   - lost and restored clients: entries of the classification history
//     (models.ClientClassChange) with as_of in the period and category lost
//     or restored, counted for the entry's owner (the product filter does
//     not apply);
//   - control points on time: control points of deals owned by the rep,
//     done with done_at in the period; on time when done_at <= overdue_at;
//   - complaints per 100 closed: complaints assigned to the rep registered
//     in the period, per 100 deals of the rep won in the period (null when
//     none was won). With a product filter, complaints count through their
//     deal's product; with a segment filter, through their client.
//
// A row is listed for each rep with any figure and for each rep named in
// Owners (within scope).
//
// Stuck: the open deals matching the filter (the period is not used)
// last updated before now − the contact interval, longest idle first
// (updated_at, then ID), at most StuckLimit of them; the total and the
// counts by what they wait on cover all. A deal waiting on no one counts as
// internal; since is when it began waiting, or its last update when that is
// unknown; days idle are whole days since its last update.
//
// Roadmap: the deals matching the filter, cancelled ones left out (the
// period is not used; the product filter limits the columns only). Rows are
// the clients of those deals by client ID, keyset-paginated; columns their
// distinct non-empty products (over all pages). A cell is the status of the
// client's latest deal of the product (by created_at, then ID): open with
// its stage and when it entered it, won or refused with when it closed, or
// not offered; the next step is the earliest due time of the open or
// overdue control points of the client's open deals of the product.
package reports
