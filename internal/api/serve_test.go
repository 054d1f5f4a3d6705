package api

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a log sink safe for concurrent use.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// listenAddr returns the address of the "API listening" log line, or "".
func (l *lockedBuffer) listenAddr() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, line := range bytes.Split(l.b.Bytes(), []byte("\n")) {
		var rec struct{ Msg, Addr string }
		if json.Unmarshal(line, &rec) == nil && rec.Msg == "API listening" {
			return rec.Addr
		}
	}
	return ""
}

func TestServe(t *testing.T) {
	a := newTestAPI(t, nil)
	logs := &lockedBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, a.e, "127.0.0.1:0", slog.New(slog.NewJSONHandler(logs, nil))) }()

	var addr string
	for deadline := time.Now().Add(5 * time.Second); addr == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		addr = logs.listenAddr()
	}
	if addr == "" {
		t.Fatal("Serve did not log its address")
	}
	res, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("healthz: %d", res.StatusCode)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve after shutdown: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after its context ended")
	}

	// An address in use is an error, not a hang.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if err := Serve(context.Background(), a.e, ln.Addr().String(), slog.New(slog.NewJSONHandler(logs, nil))); err == nil {
		t.Error("Serve on a busy address returned nil")
	}
}
