package processmap

import (
	"bytes"
	"encoding/xml"
	"fmt"
)

// Namespaces of BPMN 2.0 and its diagram interchange.
const (
	nsModel = "http://www.omg.org/spec/BPMN/20100524/MODEL"
	nsDI    = "http://www.omg.org/spec/BPMN/20100524/DI"
	nsDC    = "http://www.omg.org/spec/DD/20100524/DC"
	nsDDI   = "http://www.omg.org/spec/DD/20100524/DI"
	nsXSI   = "http://www.w3.org/2001/XMLSchema-instance"
)

// XML writes the map as a BPMN 2.0 document with its diagram.
func (m *Map) XML() []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	fmt.Fprintf(&b, `<bpmn:definitions xmlns:bpmn=%q xmlns:bpmndi=%q xmlns:dc=%q xmlns:di=%q xmlns:xsi=%q id="Definitions_%s" targetNamespace="https://salesflow.example/process" exporter="salesflow processmap" exporterVersion="1">`+"\n",
		nsModel, nsDI, nsDC, nsDDI, nsXSI, m.ID)
	for _, r := range m.roots {
		fmt.Fprintf(&b, `  <bpmn:%s id=%s name=%s`, r[0], attr(r[1]), attr(r[2]))
		if r[3] != "" {
			fmt.Fprintf(&b, ` %sCode=%s`, r[0], attr(r[3]))
		}
		b.WriteString("/>\n")
	}
	fmt.Fprintf(&b, `  <bpmn:process id=%s name=%s isExecutable="false">`+"\n", attr(m.ID), attr(m.Name))
	writeContents(&b, m.root, "    ")
	b.WriteString("  </bpmn:process>\n")
	fmt.Fprintf(&b, `  <bpmndi:BPMNDiagram id="Diagram_%s" name=%s>`+"\n", m.ID, attr(m.Name))
	fmt.Fprintf(&b, `    <bpmndi:BPMNPlane id="Plane_%s" bpmnElement=%s>`+"\n", m.ID, attr(m.ID))
	writeDI(&b, m.root)
	b.WriteString("    </bpmndi:BPMNPlane>\n  </bpmndi:BPMNDiagram>\n</bpmn:definitions>\n")
	return b.Bytes()
}

// attr quotes an attribute value.
func attr(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return `"` + b.String() + `"`
}

// text escapes character data.
func text(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// writeContents writes c's flow nodes (the schema wants them before the
// sequence flows) and flows.
func writeContents(b *bytes.Buffer, c *node, ind string) {
	for _, list := range [][]*node{c.row, c.under, c.bounds} {
		for _, n := range list {
			writeNode(b, c, n, ind)
		}
	}
	for _, f := range c.flows {
		fmt.Fprintf(b, `%s<bpmn:sequenceFlow id=%s`, ind, attr(f.id))
		if f.name != "" {
			fmt.Fprintf(b, ` name=%s`, attr(f.name))
		}
		fmt.Fprintf(b, ` sourceRef=%s targetRef=%s`, attr(f.from.id), attr(f.to.id))
		if f.cond == "" {
			b.WriteString("/>\n")
			continue
		}
		fmt.Fprintf(b, ">\n%s  <bpmn:conditionExpression xsi:type=\"bpmn:tFormalExpression\">%s</bpmn:conditionExpression>\n%s</bpmn:sequenceFlow>\n",
			ind, text(f.cond), ind)
	}
}

// writeNode writes one flow node of container c: documentation,
// incoming and outgoing flows, event definition, contents.
func writeNode(b *bytes.Buffer, c *node, n *node, ind string) {
	fmt.Fprintf(b, `%s<bpmn:%s id=%s name=%s`, ind, n.kind, attr(n.id), attr(n.name))
	if n.kind == boundary {
		fmt.Fprintf(b, ` attachedToRef=%s cancelActivity="%t"`, attr(n.host.id), n.interrupting)
	}
	b.WriteString(">\n")
	if n.doc != "" {
		fmt.Fprintf(b, "%s  <bpmn:documentation>%s</bpmn:documentation>\n", ind, text(n.doc))
	}
	for _, f := range c.flows {
		if f.to == n {
			fmt.Fprintf(b, "%s  <bpmn:incoming>%s</bpmn:incoming>\n", ind, f.id)
		}
	}
	for _, f := range c.flows {
		if f.from == n {
			fmt.Fprintf(b, "%s  <bpmn:outgoing>%s</bpmn:outgoing>\n", ind, f.id)
		}
	}
	writeDef(b, n, ind+"  ")
	writeContents(b, n, ind+"  ")
	fmt.Fprintf(b, "%s</bpmn:%s>\n", ind, n.kind)
}

// writeDef writes an event's definition.
func writeDef(b *bytes.Buffer, n *node, ind string) {
	switch n.def {
	case noDef:
	case timerDef:
		fmt.Fprintf(b, "%s<bpmn:timerEventDefinition id=%s>\n%s  <bpmn:timeDate xsi:type=\"bpmn:tFormalExpression\">%s</bpmn:timeDate>\n%s</bpmn:timerEventDefinition>\n",
			ind, attr(n.id+"_timer"), ind, text(n.timer), ind)
	case messageDef:
		fmt.Fprintf(b, "%s<bpmn:messageEventDefinition id=%s/>\n", ind, attr(n.id+"_message"))
	default:
		fmt.Fprintf(b, "%s<bpmn:%sEventDefinition id=%s %sRef=%s/>\n", ind, n.def, attr(n.id+"_"+string(n.def)), n.def, attr(n.ref))
	}
}

// writeDI writes the shapes and edges of c's tree.
func writeDI(b *bytes.Buffer, c *node) {
	for _, list := range [][]*node{c.row, c.under, c.bounds} {
		for _, n := range list {
			fmt.Fprintf(b, `      <bpmndi:BPMNShape id="%s_di" bpmnElement="%s"`, n.id, n.id)
			if n.kind == subProcess || n.kind == adHoc {
				b.WriteString(` isExpanded="true"`)
			}
			if n.kind == gateway {
				b.WriteString(` isMarkerVisible="true"`)
			}
			fmt.Fprintf(b, ">\n        <dc:Bounds x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>\n      </bpmndi:BPMNShape>\n", n.x, n.y, n.w, n.h)
			writeDI(b, n)
		}
	}
	for _, f := range c.flows {
		fmt.Fprintf(b, `      <bpmndi:BPMNEdge id="%s_di" bpmnElement="%s">`+"\n", f.id, f.id)
		for _, p := range f.points {
			fmt.Fprintf(b, "        <di:waypoint x=\"%d\" y=\"%d\"/>\n", p[0], p[1])
		}
		b.WriteString("      </bpmndi:BPMNEdge>\n")
	}
}
