package processmap

// Layout constants, in pixels (bpmn-js's default sizes).
const (
	taskW, taskH     = 100, 80
	eventSize        = 36
	gatewaySize      = 50
	gap              = 50 // between neighbours on a row
	pad              = 30 // inside a container
	topBand          = 80 // above a row: the container's label and flows back
	adHocCols        = 2
	adHocGap         = 20
	adHocLabel       = 30
	boundarySpace    = 100 // between boundary events on one host
	originX, originY = 40, 40
)

// layout places every node and routes every flow of m, left to right.
func layout(m *Map) {
	size(m.root)
	absolute(m.root, originX, originY)
	m.root.x, m.root.y = originX, originY
	route(m.root)
}

// size sets n's width and height and, for a container, its contents'
// places relative to it.
func size(n *node) {
	switch {
	case n.kind == userTask:
		n.w, n.h = taskW, taskH
	case n.kind == gateway:
		n.w, n.h = gatewaySize, gatewaySize
	case n.kind == adHoc:
		sizeAdHoc(n)
	case len(n.row) > 0:
		sizeRow(n)
	default:
		n.w, n.h = eventSize, eventSize
	}
}

// sizeAdHoc lays an ad-hoc sub-process's tasks in a grid.
func sizeAdHoc(n *node) {
	cols := min(adHocCols, max(1, len(n.row)))
	rows := (len(n.row) + cols - 1) / cols
	for i, t := range n.row {
		size(t)
		t.x = adHocGap + (i%cols)*(taskW+adHocGap)
		t.y = adHocLabel + (i/cols)*(taskH+adHocGap)
	}
	n.w = adHocGap + cols*(taskW+adHocGap)
	n.h = adHocLabel + max(1, rows)*(taskH+adHocGap)
}

// sizeRow lays a container's row on one centre line, its boundary events
// on their hosts' lower edges and the nodes placed under others below.
func sizeRow(c *node) {
	rowH := 0
	for _, n := range c.row {
		size(n)
		rowH = max(rowH, n.h)
	}
	x, mid := pad, topBand+rowH/2
	for _, n := range c.row {
		n.x, n.y = x, mid-n.h/2
		x += n.w + gap
	}
	c.w, c.h = x-gap+pad, topBand+rowH+pad
	perHost := map[*node]int{}
	for _, b := range c.bounds {
		size(b)
		i := perHost[b.host]
		perHost[b.host]++
		b.x = b.host.x + 20 + i*boundarySpace
		b.y = b.host.y + b.host.h - b.h/2
	}
	for _, n := range c.under {
		size(n)
		cx, cy := centre(n.below)
		n.x, n.y = cx-n.w/2, cy+n.dy-n.h/2
	}
	for _, list := range [][]*node{c.bounds, c.under} {
		for _, n := range list {
			c.w = max(c.w, n.x+n.w+pad)
			c.h = max(c.h, n.y+n.h+pad+20)
		}
	}
}

// absolute moves c's contents from places relative to c to the page,
// c being at (ox, oy).
func absolute(c *node, ox, oy int) {
	for _, list := range [][]*node{c.row, c.under, c.bounds} {
		for _, n := range list {
			n.x += ox
			n.y += oy
			absolute(n, n.x, n.y)
		}
	}
}

// centre is the middle of n.
func centre(n *node) (int, int) { return n.x + n.w/2, n.y + n.h/2 }

// route sets the waypoints of every flow in c's tree.
func route(c *node) {
	top, bottom := c.y+topBand/2+10, c.y+c.h-15
	for _, f := range c.flows {
		f.points = waypoints(f, top, bottom)
	}
	for _, list := range [][]*node{c.row, c.under, c.bounds} {
		for _, n := range list {
			route(n)
		}
	}
}

// waypoints routes one flow orthogonally: through the band above (top) or
// below (bottom) the row when asked, down from a boundary event or a
// gateway to a node beneath, else right from the source into the target's
// left side.
func waypoints(f *flow, top, bottom int) [][2]int {
	a, b := f.from, f.to
	ax, ay := centre(a)
	bx, by := centre(b)
	switch {
	case f.route == viaTop:
		return [][2]int{{ax, a.y}, {ax, top}, {bx, top}, {bx, b.y}}
	case f.route == viaBottom:
		return [][2]int{{ax, a.y + a.h}, {ax, bottom}, {bx, bottom}, {bx, b.y + b.h}}
	case ax == bx && by > ay:
		return [][2]int{{ax, a.y + a.h}, {bx, b.y}}
	case ay == by:
		return [][2]int{{a.x + a.w, ay}, {b.x, by}}
	case a.kind == gateway || a.kind == boundary:
		return [][2]int{{ax, a.y + a.h}, {ax, by}, {b.x, by}}
	}
	mx := (a.x + a.w + b.x) / 2
	return [][2]int{{a.x + a.w, ay}, {mx, ay}, {mx, by}, {b.x, by}}
}
