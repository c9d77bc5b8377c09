package web

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"sync"

	"github.com/goccy/go-graphviz"
)

// layout lays graphs out with Graphviz's dot, run as WebAssembly by
// go-graphviz (no cgo). One instance is made on first use and serves one
// graph at a time: the module is not safe for concurrent use.
type layout struct {
	mu sync.Mutex
	gv *graphviz.Graphviz
}

// svg lays out the DOT text src and returns the picture as an inline <svg>
// element. Graphviz escapes every label, tooltip and link it writes.
func (l *layout) svg(src []byte) (template.HTML, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	ctx := context.Background()
	if l.gv == nil {
		gv, err := graphviz.New(ctx)
		if err != nil {
			return "", fmt.Errorf("starting graphviz: %w", err)
		}
		l.gv = gv
	}
	g, err := graphviz.ParseBytes(src)
	if err != nil {
		return "", fmt.Errorf("parsing the graph: %w", err)
	}
	defer g.Close()
	var out bytes.Buffer
	if err := l.gv.Render(ctx, g, graphviz.SVG, &out); err != nil {
		return "", fmt.Errorf("laying out the graph: %w", err)
	}
	svg := out.Bytes()
	if i := bytes.Index(svg, []byte("<svg")); i >= 0 {
		svg = svg[i:] // drop the XML declaration and doctype, not allowed inline
	}
	return template.HTML(svg), nil
}
