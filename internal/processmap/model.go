// Package processmap generates the process map of docs/process.md as BPMN
// 2.0 XML with diagram interchange (BPMN DI), from the code's own
// definitions: the deal stages, action catalogue and control point kinds of
// package deal, and the complaint steps, actions and point kinds of package
// complaint. Nothing is drawn by hand: every stage or step is an ad-hoc
// sub-process holding the actions the catalogue offers there, every control
// point kind a non-interrupting timer boundary event on the activity it
// watches, and the deviations of docs/process.md §2 and §4 gateways, flows
// and boundary events. Element IDs are derived from the code's names
// (Stage_offer, Action_accept_offer, Point_offer_validity, End_lost), so
// overlays can target them (see ids.go).
package processmap

// kind is the BPMN element a node is written as.
type kind string

// The BPMN elements the maps use.
const (
	startEvent kind = "startEvent"
	endEvent   kind = "endEvent"
	userTask   kind = "userTask"
	adHoc      kind = "adHocSubProcess"
	subProcess kind = "subProcess"
	gateway    kind = "exclusiveGateway"
	boundary   kind = "boundaryEvent"
)

// eventDef is the event definition of an event node ("" for none).
type eventDef string

// Event definitions.
const (
	noDef      eventDef = ""
	timerDef   eventDef = "timer"
	messageDef eventDef = "message"
	errorDef   eventDef = "error"
	escalDef   eventDef = "escalation"
	signalDef  eventDef = "signal"
)

// via says how a flow is routed between its ends.
type via int

// Routes: straight or orthogonal between neighbours, or through the band
// above or below the row of its container.
const (
	viaAuto via = iota
	viaTop
	viaBottom
)

// node is one flow node of a map, with its place in the layout.
type node struct {
	id, name, doc string
	kind          kind
	def           eventDef
	// ref names the root element (error, escalation, signal) of def.
	ref string
	// timer is the timeDuration expression of a timer definition.
	timer string
	// host is the activity a boundary event is attached to; interrupting
	// sets cancelActivity.
	host         *node
	interrupting bool

	// Containers (sub-processes) hold their row of nodes left to right,
	// the nodes placed under another one, the boundary events of their
	// nodes and the flows between their nodes.
	row, under, bounds []*node
	flows              []*flow
	// below and dy place a node under another (centre to centre).
	below *node
	dy    int

	x, y, w, h int
}

// flow is one sequence flow.
type flow struct {
	id, name, cond string
	from, to       *node
	route          via
	points         [][2]int
}

// Map is one generated process: its BPMN ID and name and the root
// container of its flow nodes.
type Map struct {
	ID, Name string
	root     *node
	// roots are the error, escalation and signal definitions the events
	// reference, in order: [kind, id, name, code].
	roots [][4]string
}

// container makes an empty container node.
func container(id, name string, k kind) *node { return &node{id: id, name: name, kind: k} }

// add appends n to c's row and returns n.
func (c *node) add(n *node) *node {
	c.row = append(c.row, n)
	return n
}

// place puts n under ref (dy pixels between the centres) in c.
func (c *node) place(n, ref *node, dy int) *node {
	n.below, n.dy = ref, dy
	c.under = append(c.under, n)
	return n
}

// attach adds a boundary event to host, which sits in c.
func (c *node) attach(host, ev *node) *node {
	ev.kind, ev.host = boundary, host
	c.bounds = append(c.bounds, ev)
	return ev
}

// link adds a sequence flow from a to b in c.
func (c *node) link(a, b *node, name, cond string, route via) *flow {
	f := &flow{id: "Flow_" + a.id + "_to_" + b.id, name: name, cond: cond, from: a, to: b, route: route}
	c.flows = append(c.flows, f)
	return f
}

// each calls fn for every node of c's tree, containers before their
// contents.
func (c *node) each(fn func(n *node)) {
	for _, list := range [][]*node{c.row, c.under, c.bounds} {
		for _, n := range list {
			fn(n)
			n.each(fn)
		}
	}
}

// IDs lists the IDs of every flow node of the map.
func (m *Map) IDs() []string {
	var ids []string
	m.root.each(func(n *node) { ids = append(ids, n.id) })
	return ids
}
