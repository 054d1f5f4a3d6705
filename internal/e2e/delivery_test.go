package e2e

// Delivery of notifications beyond the inbox (issue 4, acceptance 3): e-mail
// to a real SMTP server (go-smtp) and signed webhooks to a real HTTP
// receiver, both listening on loopback ports, through the real worker,
// Temporal dev server and PostgreSQL read model.
//
// Every test drives the same deal: an offer valid for 3 s with a reminder
// 2 s before expiry and no grace, which raises a reminder to alice (about
// 1 s after the offer), then an overdue notice to alice and an escalation
// to her manager maria. The policy document of these tests has no weekend,
// so the seconds-long deadlines are not moved off a Saturday or Sunday by
// the business calendar.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
	"gorm.io/driver/postgres"

	"github.com/salesflow/salesflow/activities"
	"github.com/salesflow/salesflow/internal/app"
	"github.com/salesflow/salesflow/internal/casework"
	"github.com/salesflow/salesflow/internal/config"
	"github.com/salesflow/salesflow/internal/deal"
	"github.com/salesflow/salesflow/models"
	"github.com/salesflow/salesflow/webhook"
)

const hookSecret = "e2e-webhook-secret"

// fastOffers saves, as the admin, a policy version whose offers expire 3 s
// after they are issued (reminder 2 s before, no grace): only an admin may
// bend the rules, so a rep's deal gets them from the current policy.
func (s *stack) fastOffers() {
	s.t.Helper()
	var doc map[string]any
	s.call("GET", "/api/v1/policy", admin, nil).decode(s.t, 200, &doc)
	dp := doc["deal"].(map[string]any)
	dp["offer_validity"] = "3s"
	dp["control_points"].(map[string]any)["offer_validity"] = map[string]any{"reminders": []string{"2s"}, "grace": "0s"}
	s.call("PUT", "/api/v1/policy", admin, doc).decode(s.t, 200, nil)
}

// expiringOffer opens a deal for alice whose offer expires 3 s after it is
// issued (reminder 2 s before, no grace) and issues the offer.
func (s *stack) expiringOffer() deal.View {
	s.t.Helper()
	s.fastOffers()
	d := s.newDeal(alice, nil)
	s.act(alice, d.ID, "hold_presentation", map[string]any{})
	s.act(alice, d.ID, "send_protocol", map[string]any{})
	s.act(alice, d.ID, "issue_offer", map[string]any{"amount": 99000})
	return d
}

// inboxNotice is an item of GET /api/v1/notifications.
type inboxNotice struct {
	ID     string `json:"id"`
	Key    string `json:"key"`
	Kind   string `json:"kind"`
	DealID string `json:"deal_id"`
}

// notices returns the deal's notifications in the inboxes of alice and
// maria as "<staff>/<kind>" → notification key, failing unless they are
// exactly alice's reminder and overdue notice and maria's escalation.
func (s *stack) notices(dealID string) map[string]string {
	s.t.Helper()
	out := map[string]string{}
	for staff, token := range map[string]string{"alice": alice, "maria": maria} {
		var in struct{ Items []inboxNotice }
		s.call("GET", "/api/v1/notifications", token, nil).decode(s.t, 200, &in)
		for _, n := range in.Items {
			if n.DealID != dealID {
				continue
			}
			k := staff + "/" + n.Kind
			if _, dup := out[k]; dup {
				s.t.Fatalf("two %s notifications in the inbox of %s", n.Kind, staff)
			}
			out[k] = n.Key
		}
	}
	want := []string{"alice/overdue", "alice/reminder", "maria/escalation"}
	got := make([]string, 0, len(out))
	for k := range out {
		got = append(got, k)
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		s.t.Fatalf("inbox notifications of the deal: %v, want %v", got, want)
	}
	return out
}

// deliveries returns the delivery rows of the deal's notifications over
// channel, by notification key.
func (s *stack) deliveries(dealID, channel string) map[string]models.Delivery {
	s.t.Helper()
	var rows []models.Delivery
	if err := s.db.Where("notification_id LIKE ? AND channel = ?", dealID+"/%", channel).Find(&rows).Error; err != nil {
		s.t.Fatal(err)
	}
	out := map[string]models.Delivery{}
	for _, r := range rows {
		out[r.NotificationID] = r
	}
	return out
}

// awaitSettled waits until the deal's three notifications have a final
// delivery row (sent, skipped or digest) on both channels and the deal's
// workflow has no activity pending, so no attempt is in flight or will
// come: whatever the channels received by then is all they ever receive.
func (s *stack) awaitSettled(dealID string, within time.Duration) {
	s.t.Helper()
	final := func(channel string) int {
		n := 0
		for _, r := range s.deliveries(dealID, channel) {
			if r.Status == models.DeliverySent || r.Status == models.DeliverySkipped || r.Status == models.DeliveryDigest {
				n++
			}
		}
		return n
	}
	eventually(s.t, within, "every delivery to settle", func() bool {
		if final(models.ChannelEmail) != 3 || final(models.ChannelWebhook) != 3 {
			return false
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		desc, err := devServer.Client().DescribeWorkflowExecution(ctx, dealID, "")
		if err != nil {
			s.t.Fatalf("describe the deal's workflow: %v", err)
		}
		return len(desc.PendingActivities) == 0
	})
}

// --- a real SMTP server -----------------------------------------------------

// smtpMessage is one message the SMTP server accepted.
type smtpMessage struct {
	From string
	To   []string
	Data []byte
}

// smtpServer is a go-smtp server on a loopback port recording every
// message it accepts.
type smtpServer struct {
	addr string
	mu   sync.Mutex
	msgs []smtpMessage
}

func startSMTPServer(t *testing.T) *smtpServer {
	t.Helper()
	ms := &smtpServer{}
	srv := smtp.NewServer(ms)
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ms.addr = l.Addr().String()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(l)
	}()
	t.Cleanup(func() {
		_ = srv.Close()
		<-done
	})
	return ms
}

func (ms *smtpServer) messages() []smtpMessage {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	return slices.Clone(ms.msgs)
}

// NewSession implements smtp.Backend.
func (ms *smtpServer) NewSession(*smtp.Conn) (smtp.Session, error) {
	return &smtpSession{server: ms}, nil
}

type smtpSession struct {
	server *smtpServer
	msg    smtpMessage
}

func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	s.msg = smtpMessage{From: from}
	return nil
}

func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.msg.To = append(s.msg.To, to)
	return nil
}

func (s *smtpSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.msg.Data = b
	s.server.mu.Lock()
	defer s.server.mu.Unlock()
	s.server.msgs = append(s.server.msgs, s.msg)
	return nil
}

func (s *smtpSession) Reset()        { s.msg = smtpMessage{} }
func (s *smtpSession) Logout() error { return nil }

// --- a webhook receiver -----------------------------------------------------

// hookRequest is one request the receiver got.
type hookRequest struct {
	key     string
	attempt int // 1 for the first request with this key
	at      time.Time
	status  int  // the answer; 0 when the sender went away first
	aborted bool // the sender gave up on the request before it was answered
}

// hookReceiver is an HTTP server on a loopback port that verifies every
// request with webhook.VerifyWebhook and the shared secret, answering 401
// to one that fails, and otherwise answers what answer says for the
// attempt (2xx is an accepted delivery).
type hookReceiver struct {
	t   *testing.T
	url string
	// answer returns the status for attempt n (from 1) of the delivery
	// with payload p; it may block, until ctx (the request's) is done.
	answer func(ctx context.Context, p webhook.Payload, n int) int

	mu       sync.Mutex
	requests []hookRequest
	accepted map[string][]webhook.Payload
	// raw keeps the headers and body of one accepted request.
	rawHeader http.Header
	rawBody   []byte
	rejected  []string
}

func startHookReceiver(t *testing.T, answer func(ctx context.Context, p webhook.Payload, n int) int) *hookReceiver {
	t.Helper()
	h := &hookReceiver{t: t, answer: answer, accepted: map[string][]webhook.Payload{}}
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	h.url = ts.URL + "/hooks/salesflow"
	return h
}

func (h *hookReceiver) reject(w http.ResponseWriter, why string) {
	h.mu.Lock()
	h.rejected = append(h.rejected, why)
	h.mu.Unlock()
	http.Error(w, why, http.StatusUnauthorized)
}

func (h *hookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		h.reject(w, "read body: "+err.Error())
		return
	}
	if r.Method != http.MethodPost || r.URL.Path != "/hooks/salesflow" || r.Header.Get("Content-Type") != "application/json" {
		h.reject(w, fmt.Sprintf("unexpected %s %s (%s)", r.Method, r.URL.Path, r.Header.Get("Content-Type")))
		return
	}
	if err := webhook.VerifyWebhook(hookSecret, r.Header, body, 0, time.Now()); err != nil {
		h.reject(w, "signature: "+err.Error())
		return
	}
	var p webhook.Payload
	if err := json.Unmarshal(body, &p); err != nil {
		h.reject(w, "payload: "+err.Error())
		return
	}
	key := r.Header.Get(webhook.HeaderDelivery)
	if key == "" || key != p.Key {
		h.reject(w, fmt.Sprintf("delivery header %q, payload key %q", key, p.Key))
		return
	}
	h.mu.Lock()
	n := 1
	for _, q := range h.requests {
		if q.key == key {
			n++
		}
	}
	i := len(h.requests)
	h.requests = append(h.requests, hookRequest{key: key, attempt: n, at: time.Now()})
	h.mu.Unlock()

	status := h.answer(r.Context(), p, n)
	aborted := r.Context().Err() != nil
	h.mu.Lock()
	defer h.mu.Unlock()
	h.requests[i].aborted = aborted
	if aborted {
		return
	}
	h.requests[i].status = status
	if status >= 200 && status <= 299 {
		h.accepted[key] = append(h.accepted[key], p)
		h.rawHeader, h.rawBody = r.Header.Clone(), body
	}
	w.WriteHeader(status)
}

// snapshot returns the requests so far and the accepted payloads by key.
func (h *hookReceiver) snapshot() ([]hookRequest, map[string][]webhook.Payload) {
	h.mu.Lock()
	defer h.mu.Unlock()
	acc := map[string][]webhook.Payload{}
	for k, v := range h.accepted {
		acc[k] = slices.Clone(v)
	}
	return slices.Clone(h.requests), acc
}

// check fails the test unless the receiver verified every request and
// accepted exactly one delivery of each key in keys (staff/kind → key),
// each carrying the right payload, and nothing else. It returns the
// requests by key.
func (h *hookReceiver) check(dealID string, keys map[string]string) map[string][]hookRequest {
	t := h.t
	t.Helper()
	h.mu.Lock()
	rejected := slices.Clone(h.rejected)
	rawHeader, rawBody := h.rawHeader, h.rawBody
	h.mu.Unlock()
	if len(rejected) > 0 {
		t.Errorf("the receiver rejected %d requests: %q", len(rejected), rejected)
	}
	requests, accepted := h.snapshot()
	byKey := map[string][]hookRequest{}
	for _, q := range requests {
		byKey[q.key] = append(byKey[q.key], q)
	}
	for staffKind, key := range keys {
		staff, kind, _ := strings.Cut(staffKind, "/")
		got := accepted[key]
		if len(got) != 1 {
			t.Errorf("%s: %d accepted deliveries of %s, want exactly 1 (requests %+v)", staffKind, len(got), key, byKey[key])
			continue
		}
		if p := got[0]; p.Kind != kind || p.Recipient != staff || p.DealID != dealID || p.ControlPointID == "" || p.DueAt.IsZero() || p.At.IsZero() {
			t.Errorf("%s: payload %+v", staffKind, p)
		}
	}
	for key := range byKey {
		if !slices.Contains(slices.Collect(maps.Values(keys)), key) {
			t.Errorf("webhook for a notification that is not in the inbox: %s", key)
		}
	}
	// The receiver's check is not vacuous: the same request fails
	// verification with another secret or a changed body.
	if rawBody != nil {
		if err := webhook.VerifyWebhook("another secret", rawHeader, rawBody, 0, time.Now()); !errors.Is(err, webhook.ErrBadSignature) {
			t.Errorf("verification with a wrong secret: %v, want ErrBadSignature", err)
		}
		tampered := bytes.Replace(rawBody, []byte(dealID), []byte(dealID+"x"), 1)
		if err := webhook.VerifyWebhook(hookSecret, rawHeader, tampered, 0, time.Now()); !errors.Is(err, webhook.ErrBadSignature) {
			t.Errorf("verification of a changed body: %v, want ErrBadSignature", err)
		}
	}
	return byKey
}

// timeline describes the requests of each key for failure messages and
// the log: attempt, offset from start, answer.
func timeline(start time.Time, byKey map[string][]hookRequest) string {
	var b strings.Builder
	keys := make([]string, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "\n  %s:", k)
		for _, q := range byKey[k] {
			answer := fmt.Sprint(q.status)
			if q.aborted {
				answer = "aborted by the sender"
			}
			fmt.Fprintf(&b, " #%d at +%.1fs → %s;", q.attempt, q.at.Sub(start).Seconds(), answer)
		}
	}
	return b.String()
}

// --- the tests --------------------------------------------------------------

// E-mail goes through a real SMTP server: alice receives her reminder and
// overdue notice, maria the escalation, in Russian (their language), each
// exactly once, with the Message-ID derived from the notification key and
// the key in X-Salesflow-Notification; the webhook, not configured, is
// recorded as skipped.
func TestDeliveryEmailToSMTPServer(t *testing.T) {
	ms := startSMTPServer(t)
	s := newStack(t, stackOptions{configure: func(c *config.Config) {
		c.SMTPAddr, c.SMTPFrom = ms.addr, "Salesflow <salesflow@example.com>"
	}})
	d := s.expiringOffer()
	eventually(t, 60*time.Second, "three e-mails", func() bool { return len(ms.messages()) >= 3 })
	s.awaitSettled(d.ID, 60*time.Second)
	keys := s.notices(d.ID)

	want := map[string]struct{ to, subject, greeting string }{
		keys["alice/reminder"]:   {"alice@example.com", "Напоминание: ", "Здравствуйте, Alice!"},
		keys["alice/overdue"]:    {"alice@example.com", "Просрочено: ", "Здравствуйте, Alice!"},
		keys["maria/escalation"]: {"maria@example.com", "Эскалация: ", "Здравствуйте, Maria!"},
	}
	msgs := ms.messages()
	if len(msgs) != 3 {
		t.Errorf("the SMTP server received %d messages, want 3", len(msgs))
	}
	seen := map[string]int{}
	ids := map[string]int{}
	for _, m := range msgs {
		msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
		if err != nil {
			t.Fatalf("unparsable message: %v\n%s", err, m.Data)
		}
		key := msg.Header.Get(activities.HeaderNotification)
		seen[key]++
		ids[msg.Header.Get("Message-ID")]++
		w, ok := want[key]
		if !ok {
			t.Errorf("e-mail for an unexpected notification %q", key)
			continue
		}
		if m.From != "salesflow@example.com" || !slices.Equal(m.To, []string{w.to}) {
			t.Errorf("%s: envelope from %s to %v, want to %s", key, m.From, m.To, w.to)
		}
		sum := sha256.Sum256([]byte(key))
		if id := msg.Header.Get("Message-ID"); id != "<"+hex.EncodeToString(sum[:])+"@salesflow>" {
			t.Errorf("%s: Message-ID %s is not derived from the key", key, id)
		}
		if to, err := mail.ParseAddress(msg.Header.Get("To")); err != nil || to.Address != w.to {
			t.Errorf("%s: To %q", key, msg.Header.Get("To"))
		}
		subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		if err != nil || !strings.HasPrefix(subject, w.subject) {
			t.Errorf("%s: subject %q (%v), want it to start with %q", key, subject, err, w.subject)
		}
		if ct := msg.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
			t.Errorf("%s: Content-Type %q", key, ct)
		}
		body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
		if err != nil {
			t.Fatalf("%s: body: %v", key, err)
		}
		if !strings.HasPrefix(string(body), w.greeting) || !strings.Contains(string(body), d.ID) || !strings.Contains(string(body), "Уведомление "+key) {
			t.Errorf("%s: body is not the Russian notice of this deal:\n%s", key, body)
		}
	}
	for key := range want {
		if seen[key] != 1 {
			t.Errorf("%s: %d e-mails, want exactly 1", key, seen[key])
		}
	}
	if len(ids) != len(msgs) {
		t.Errorf("Message-IDs %v repeat", ids)
	}
	for key, r := range s.deliveries(d.ID, models.ChannelEmail) {
		if r.Status != models.DeliverySent || r.Attempts != 1 || r.SentAt == nil {
			t.Errorf("e-mail delivery of %s: status %s, attempts %d, sent at %v", key, r.Status, r.Attempts, r.SentAt)
		}
	}
	for key, r := range s.deliveries(d.ID, models.ChannelWebhook) {
		if r.Status != models.DeliverySkipped || r.Detail != "webhook off" {
			t.Errorf("webhook delivery of %s with the webhook off: status %s (%s)", key, r.Status, r.Detail)
		}
	}
}

// A receiver that answers 500 to the first two requests of every delivery
// gets the third one (Temporal retries after 1 s and 2 s) and accepts
// exactly one delivery per notification; every request carries a valid
// signature.
func TestDeliveryWebhookRetriedUntilAccepted(t *testing.T) {
	h := startHookReceiver(t, func(_ context.Context, _ webhook.Payload, n int) int {
		if n <= 2 {
			return http.StatusInternalServerError
		}
		return http.StatusNoContent
	})
	s := newStack(t, stackOptions{configure: func(c *config.Config) {
		c.WebhookURL, c.WebhookSecret = h.url, hookSecret
	}})
	start := time.Now()
	d := s.expiringOffer()
	s.awaitSettled(d.ID, 90*time.Second)
	keys := s.notices(d.ID)
	byKey := h.check(d.ID, keys)
	t.Logf("webhook requests:%s", timeline(start, byKey))
	for _, key := range keys {
		reqs := byKey[key]
		if len(reqs) != 3 || reqs[0].status != 500 || reqs[1].status != 500 || reqs[2].status != 204 {
			t.Errorf("%s: requests %+v, want 500, 500, 204", key, reqs)
		}
		if len(reqs) == 3 {
			// Backoff 1 s then 2 s: allow for scheduling, not for a
			// retry that came at once.
			if gap := reqs[1].at.Sub(reqs[0].at); gap < 900*time.Millisecond {
				t.Errorf("%s: second attempt %s after the first, want ≥ 1 s", key, gap)
			}
			if gap := reqs[2].at.Sub(reqs[1].at); gap < 1900*time.Millisecond {
				t.Errorf("%s: third attempt %s after the second, want ≥ 2 s", key, gap)
			}
		}
	}
	rows := s.deliveries(d.ID, models.ChannelWebhook)
	for _, key := range keys {
		r := rows[key]
		if r.Status != models.DeliverySent || r.Attempts != 3 || r.LastError != "" || r.SentAt == nil {
			t.Errorf("webhook delivery of %s: status %s, attempts %d, last error %q", key, r.Status, r.Attempts, r.LastError)
		}
	}
	for key, r := range s.deliveries(d.ID, models.ChannelEmail) {
		if r.Status != models.DeliverySkipped || r.Detail != "e-mail channel off" {
			t.Errorf("e-mail delivery of %s with e-mail off: status %s (%s)", key, r.Status, r.Detail)
		}
	}
}

// holdFirst answers 204, except that it holds the first request of the
// overdue notice and of the escalation — both sent at once when the offer
// expires — reporting each on held, until release is closed or the sender
// goes away, and then answers 500. A request held longer than two minutes
// is answered too, so nothing waits for ever.
func holdFirst(held chan<- string, release <-chan struct{}) func(context.Context, webhook.Payload, int) int {
	return func(ctx context.Context, p webhook.Payload, n int) int {
		if n > 1 || p.Kind == string(casework.NoticeReminder) {
			return http.StatusNoContent
		}
		held <- p.Key
		select {
		case <-release:
		case <-ctx.Done():
		case <-time.After(2 * time.Minute):
		}
		return http.StatusInternalServerError
	}
}

// awaitHeld waits for the two held requests.
func awaitHeld(t *testing.T, held <-chan string) []string {
	t.Helper()
	var keys []string
	timeout := time.After(60 * time.Second)
	for len(keys) < 2 {
		select {
		case k := <-held:
			keys = append(keys, k)
		case <-timeout:
			t.Fatalf("the receiver held %d first requests, want 2", len(keys))
		}
	}
	return keys
}

// restartChecks fails the test unless each notification was accepted once
// and the held deliveries are recorded as sent after a second attempt.
func restartChecks(t *testing.T, s *stack, h *hookReceiver, dealID string, start time.Time, heldKeys []string) map[string][]hookRequest {
	t.Helper()
	keys := s.notices(dealID)
	byKey := h.check(dealID, keys)
	t.Logf("webhook requests:%s", timeline(start, byKey))
	rows := s.deliveries(dealID, models.ChannelWebhook)
	for _, key := range keys {
		r := rows[key]
		least := 1
		if slices.Contains(heldKeys, key) {
			least = 2
			if reqs := byKey[key]; len(reqs) < 2 {
				t.Errorf("held %s: %d requests, want the held one and a retry", key, len(reqs))
			}
		}
		if r.Status != models.DeliverySent || r.Attempts < least || r.SentAt == nil {
			t.Errorf("webhook delivery of %s: status %s, attempts %d (want ≥ %d), last error %q", key, r.Status, r.Attempts, least, r.LastError)
		}
		t.Logf("delivery row %s: %s, attempts %d, last error %q", key, r.Status, r.Attempts, r.LastError)
	}
	return byKey
}

// A worker stopped (worker.Stop, a graceful shutdown) while two webhook
// deliveries are in flight, and a new worker started on the same task
// queue, still deliver each notification exactly once.
//
// What happens (observed with SDK v1.50): Stop returns at once
// (WorkerStopTimeout is 0) and cancels the in-flight activities' context,
// which aborts the held requests from the sender's side (or they get the
// 500 the receiver answers on release, whichever comes first). Either way
// the stopped worker's attempt is recorded as failed (pending, attempts 1),
// so the lease does not hold the retry up. Since the one-delivery version
// the attempt is a local activity: its workflow task, left unanswered,
// times out and the new worker retries the delivery from it. The test
// takes about 10-15 s. TestDeliveryWebhookWorkerDiesMidDelivery covers
// the worker that records nothing.
func TestDeliveryWebhookWorkerStoppedMidDelivery(t *testing.T) {
	held, release := make(chan string, 4), make(chan struct{})
	h := startHookReceiver(t, holdFirst(held, release))
	t.Cleanup(func() { closeOnce(release) })
	s := newStack(t, stackOptions{configure: func(c *config.Config) {
		c.WebhookURL, c.WebhookSecret = h.url, hookSecret
	}})
	start := time.Now()
	d := s.expiringOffer()
	heldKeys := awaitHeld(t, held)

	s.worker.Stop()
	closeOnce(release) // the held requests fail now, if the sender still waits
	stopped := time.Now()
	w := app.NewWorker(devServer.Client(), s.cfg, s.db)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)

	s.awaitSettled(d.ID, 3*time.Minute)
	t.Logf("stopped at +%.1fs, settled at +%.1fs", stopped.Sub(start).Seconds(), time.Since(start).Seconds())
	restartChecks(t, s, h, d.ID, start, heldKeys)
}

// A worker that dies while two webhook deliveries are in flight — it
// neither records the outcome of the attempt in the read model nor
// reports it to Temporal, as after a crash or SIGKILL — and a new worker
// on the same task queue still deliver each notification exactly once.
//
// The dying worker has its own Temporal connection and database handle;
// the test closes both and then stops it, so the attempt ends without a
// trace: its delivery row stays "sending" under the 75 s lease and Temporal
// hears nothing. Since the one-delivery version the attempt is a local
// activity inside the dead worker's workflow task: the task times out, the
// new worker replays it and retries the delivery after 1, 2, 4, 8, 16 and
// then every 20 s (deliveryLocalOptions); those retries find the lease held
// (DeliveryInProgress) until it passes at 75 s, and the next one takes the
// delivery over and posts. So the test takes about 80-100 s; it allows 3
// minutes.
func TestDeliveryWebhookWorkerDiesMidDelivery(t *testing.T) {
	held, release := make(chan string, 4), make(chan struct{})
	h := startHookReceiver(t, holdFirst(held, release))
	t.Cleanup(func() { closeOnce(release) })
	s := newStack(t, stackOptions{configure: func(c *config.Config) {
		c.WebhookURL, c.WebhookSecret = h.url, hookSecret
	}})

	// Replace the stack's worker by one with its own connections.
	s.worker.Stop()
	quiet := tlog.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
	doomedClient, err := client.Dial(client.Options{HostPort: devServer.FrontendHostPort(), Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(doomedClient.Close)
	pg, ok := s.db.Dialector.(*postgres.Dialector)
	if !ok {
		t.Fatalf("read model on %T, want PostgreSQL", s.db.Dialector)
	}
	doomedDB, err := models.Open(pg.DSN)
	if err != nil {
		t.Fatal(err)
	}
	doomedSQL, err := doomedDB.DB()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = doomedSQL.Close() })
	doomed := app.NewWorker(doomedClient, s.cfg, doomedDB)
	if err := doomed.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(doomed.Stop)

	start := time.Now()
	d := s.expiringOffer()
	heldKeys := awaitHeld(t, held)
	claimed := time.Now()
	for _, key := range heldKeys {
		if r := s.deliveries(d.ID, models.ChannelWebhook)[key]; r.Status != models.DeliverySending || r.Attempts != 1 || r.LeaseUntil == nil {
			t.Fatalf("held %s: status %s, attempts %d, lease %v; want sending under a lease", key, r.Status, r.Attempts, r.LeaseUntil)
		}
	}

	// The worker dies: its database handle and Temporal connection go
	// first, so nothing of the held attempts is recorded or reported.
	_ = doomedSQL.Close()
	doomedClient.Close()
	doomed.Stop()
	closeOnce(release)
	died := time.Now()
	for _, key := range heldKeys {
		if r := s.deliveries(d.ID, models.ChannelWebhook)[key]; r.Status != models.DeliverySending || r.Attempts != 1 {
			t.Fatalf("after the crash %s: status %s, attempts %d; want still sending", key, r.Status, r.Attempts)
		}
	}

	w := app.NewWorker(devServer.Client(), s.cfg, s.db)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	s.awaitSettled(d.ID, 3*time.Minute)
	t.Logf("held at +%.1fs, died at +%.1fs, settled at +%.1fs",
		claimed.Sub(start).Seconds(), died.Sub(start).Seconds(), time.Since(start).Seconds())
	byKey := restartChecks(t, s, h, d.ID, start, heldKeys)
	for _, key := range heldKeys {
		reqs := byKey[key]
		if len(reqs) < 2 {
			continue
		}
		// The retry may only post once the held attempt's lease has passed.
		if gap := reqs[1].at.Sub(reqs[0].at); gap < 75*time.Second {
			t.Errorf("held %s: retried %s after the held attempt, before its 75 s lease passed", key, gap)
		}
	}
}

var closeMu sync.Mutex

// closeOnce closes c unless it is closed.
func closeOnce(c chan struct{}) {
	closeMu.Lock()
	defer closeMu.Unlock()
	select {
	case <-c:
	default:
		close(c)
	}
}
