package testdb

import (
	"errors"
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
)

// Proxy is a TCP proxy in front of a server (PostgreSQL) that a test takes
// down and brings back, to make the server unreachable for whoever
// connects through it while the test itself still reaches the server
// directly. Down resets every connection and resets each new one as soon
// as it is accepted (the client sees "connection reset by peer"); Up lets
// new connections through again.
type Proxy struct {
	upstream string
	ln       net.Listener

	mu    sync.Mutex
	down  bool
	conns map[net.Conn]struct{}
	wg    sync.WaitGroup
}

// NewProxy starts a proxy to upstream (host:port) on a free local port,
// up, and stops it when the test ends.
func NewProxy(t testing.TB, upstream string) *Proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("testdb: proxy: %v", err)
	}
	p := &Proxy{upstream: upstream, ln: ln, conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(p.close)
	return p
}

// Via returns the PostgreSQL URL u with its host and port replaced by the
// proxy's.
func (p *Proxy) Via(u string) string {
	parsed, err := url.Parse(u)
	if err != nil {
		panic("testdb: proxy: " + err.Error())
	}
	parsed.Host = p.ln.Addr().String()
	return parsed.String()
}

// Down cuts every connection through the proxy and refuses new ones until
// Up.
func (p *Proxy) Down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	for c := range p.conns {
		reset(c)
	}
}

// Up lets new connections through again.
func (p *Proxy) Up() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = false
}

// close stops accepting, cuts every connection and waits for the pipes.
func (p *Proxy) close() {
	_ = p.ln.Close()
	p.Down()
	p.wg.Wait()
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil {
			continue
		}
		p.wg.Add(1)
		go p.serve(c)
	}
}

// serve pipes c to a new connection to the upstream, unless the proxy is
// down.
func (p *Proxy) serve(c net.Conn) {
	defer p.wg.Done()
	up, err := p.track(c)
	if err != nil {
		reset(c)
		return
	}
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		_, _ = io.Copy(dst, src)
		done <- struct{}{}
	}
	go pipe(up, c)
	go pipe(c, up)
	<-done
	p.mu.Lock()
	delete(p.conns, c)
	delete(p.conns, up)
	p.mu.Unlock()
	reset(c)
	reset(up)
	<-done
}

// track dials the upstream for c and records both connections, or fails
// when the proxy is down.
func (p *Proxy) track(c net.Conn) (net.Conn, error) {
	p.mu.Lock()
	down := p.down
	p.mu.Unlock()
	if down {
		return nil, errors.New("down")
	}
	up, err := net.Dial("tcp", p.upstream)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.down {
		reset(up)
		return nil, errors.New("down")
	}
	p.conns[c], p.conns[up] = struct{}{}, struct{}{}
	return up, nil
}

// reset closes c at once, with a TCP reset.
func reset(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = c.Close()
}
