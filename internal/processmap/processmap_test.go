package processmap

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"testing"

	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/complaint"
	"github.com/salesflow/salesflow/internal/deal"
)

// parsed is what the tests read back from a generated document.
type parsed struct {
	kinds  map[string]string    // flow node ID → element name
	flows  map[string][2]string // sequence flow ID → source, target
	shapes map[string]bool      // bpmnElement of every BPMNShape
	edges  map[string]int       // bpmnElement of every BPMNEdge → waypoints
	hosts  map[string]string    // boundary event → attachedToRef
}

// parse reads a generated document with encoding/xml, failing the test on
// any syntax error.
func parse(t *testing.T, doc []byte) parsed {
	t.Helper()
	p := parsed{kinds: map[string]string{}, flows: map[string][2]string{}, shapes: map[string]bool{}, edges: map[string]int{}, hosts: map[string]string{}}
	dec := xml.NewDecoder(bytes.NewReader(doc))
	edge := ""
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return p
		}
		if err != nil {
			t.Fatalf("the document does not parse: %v", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		a := map[string]string{}
		for _, at := range se.Attr {
			a[at.Name.Local] = at.Value
		}
		switch se.Name.Local {
		case "startEvent", "endEvent", "userTask", "adHocSubProcess", "subProcess", "exclusiveGateway", "boundaryEvent":
			p.kinds[a["id"]] = se.Name.Local
			if a["attachedToRef"] != "" {
				p.hosts[a["id"]] = a["attachedToRef"]
			}
		case "sequenceFlow":
			p.flows[a["id"]] = [2]string{a["sourceRef"], a["targetRef"]}
		case "BPMNShape":
			p.shapes[a["bpmnElement"]] = true
		case "BPMNEdge":
			edge = a["bpmnElement"]
			p.edges[edge] = 0
		case "waypoint":
			p.edges[edge]++
		}
	}
}

// generated returns both maps' documents, parsed.
func generated(t *testing.T) (dealDoc, complaintDoc parsed) {
	t.Helper()
	d, err := Deal()
	if err != nil {
		t.Fatal(err)
	}
	c, err := Complaint()
	if err != nil {
		t.Fatal(err)
	}
	return parse(t, d.XML()), parse(t, c.XML())
}

// TestMapsCoverTheCatalogues walks the code's definitions: every deal
// stage, deal action and deal point kind, every complaint step, complaint
// action and complaint point kind has its element on the generated map.
func TestMapsCoverTheCatalogues(t *testing.T) {
	d, c := generated(t)
	want := func(p parsed, id, what string) {
		t.Helper()
		if p.kinds[id] == "" {
			t.Errorf("%s has no element %s on the map", what, id)
		}
	}
	for _, s := range deal.Stages {
		want(d, StageID(s), "deal stage "+string(s))
	}
	for _, a := range deal.Inputs {
		want(d, ActionID(a.Name), "deal action "+a.Name)
	}
	for _, k := range deal.PointKinds {
		want(d, DealPointID(k, ""), "deal point kind "+string(k))
		if d.kinds[DealPointID(k, "")] != "boundaryEvent" {
			t.Errorf("deal point kind %s is a %s, not a boundary event", k, d.kinds[DealPointID(k, "")])
		}
	}
	for _, id := range []string{EndLost, EndWon, EndCancelled, FollowUp, DealOpen} {
		want(d, id, "deal element")
	}
	for _, s := range complaint.Steps {
		want(c, StepID(s), "complaint step "+string(s))
	}
	for _, a := range complaint.Inputs {
		want(c, ActionID(a.Name), "complaint action "+a.Name)
	}
	for _, k := range complaint.PointKinds {
		want(c, ComplaintPointID(k), "complaint point kind "+string(k))
	}
}

// TestMapsAreWellFormed: every flow joins existing flow nodes, every flow
// node has a shape and every flow an edge of two or more waypoints, and
// every boundary event sits on an existing activity.
func TestMapsAreWellFormed(t *testing.T) {
	d, c := generated(t)
	for name, p := range map[string]parsed{"deal": d, "complaint": c} {
		if len(p.kinds) < 10 || len(p.flows) < 10 {
			t.Fatalf("%s: only %d nodes and %d flows", name, len(p.kinds), len(p.flows))
		}
		for id, ends := range p.flows {
			for _, e := range ends {
				if p.kinds[e] == "" {
					t.Errorf("%s: flow %s references %q, no flow node", name, id, e)
				}
			}
			if p.edges[id] < 2 {
				t.Errorf("%s: flow %s has %d waypoints", name, id, p.edges[id])
			}
		}
		for id := range p.kinds {
			if !p.shapes[id] {
				t.Errorf("%s: flow node %s has no shape", name, id)
			}
		}
		for ev, host := range p.hosts {
			if p.kinds[host] == "" {
				t.Errorf("%s: boundary event %s is attached to %q, no activity", name, ev, host)
			}
		}
	}
}

// TestMissingPlaceFails: an action or point kind the generator has no
// place for is an error, not a silently incomplete map.
func TestMissingPlaceFails(t *testing.T) {
	extra := append(casework.Catalog{}, deal.Inputs...)
	extra = append(extra, casework.Action{Name: "brand_new_action"})
	if _, err := phases("Stage_", []string{"offer"}, nil, extra, dealPlaces); err == nil {
		t.Fatal("an action without a place was accepted")
	}
}

// TestPointIDs: a kind watched in two stages has an element per stage.
func TestPointIDs(t *testing.T) {
	d, _ := generated(t)
	for _, tc := range []struct {
		kind  casework.PointKind
		stage string
		want  string
	}{
		{deal.PointCorrections, "offer", "Point_corrections"},
		{deal.PointCorrections, "contract", "Point_corrections_contract"},
		{deal.PointPaymentDue, "close", "Point_payment_due_close"},
		{deal.PointOfferValidity, "offer", "Point_offer_validity"},
	} {
		if got := DealPointID(tc.kind, tc.stage); got != tc.want || d.kinds[got] == "" {
			t.Errorf("DealPointID(%s, %s) = %s (on the map: %t), want %s", tc.kind, tc.stage, got, d.kinds[got] != "", tc.want)
		}
	}
	if got := DealPointPlace(deal.PointFollowUp, "close"); got != FollowUp {
		t.Errorf("follow-up point counts at %s", got)
	}
	if got := ComplaintPointPlace(complaint.PointCorrectiveAction); got != "Step_correction" {
		t.Errorf("corrective action point counts at %s", got)
	}
}
