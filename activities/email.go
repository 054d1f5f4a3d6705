package activities

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/salesflow/salesflow/models"
)

// DefaultEmailTimeout bounds one SMTP conversation when
// EmailChannel.Timeout is zero.
const DefaultEmailTimeout = 30 * time.Second

// Headers of salesflow's e-mails besides the standard ones.
const (
	// HeaderNotification carries the idempotency key of the notification
	// an e-mail delivers.
	HeaderNotification = "X-Salesflow-Notification"
	// HeaderDigest carries "<recipient>/<day>" on a digest e-mail.
	HeaderDigest = "X-Salesflow-Digest"
)

// EmailChannel sends e-mails over SMTP. It upgrades the connection with
// STARTTLS whenever the server offers it and authenticates with PLAIN
// only when Username is set (net/smtp sends PLAIN credentials only over
// TLS or to localhost).
type EmailChannel struct {
	// Addr is the host:port of the SMTP server (submission, usually 587,
	// or 25).
	Addr string
	// From is the sender, an address with an optional display name
	// ("Salesflow <salesflow@example.com>").
	From string
	// Username and Password are the PLAIN credentials; no AUTH when
	// Username is empty.
	Username string
	Password string
	// TLSConfig configures STARTTLS; nil verifies the server certificate
	// against the system roots for the host of Addr.
	TLSConfig *tls.Config
	// Timeout bounds dialing plus the whole conversation;
	// DefaultEmailTimeout when zero.
	Timeout time.Duration
	// Location is the time zone of times in e-mails; nil means UTC.
	Location *time.Location
	// Hostname is the name sent with EHLO; "localhost" when empty.
	Hostname string
}

// DeliverEmail e-mails the notification with idempotency key key (stored
// by Notify, which must run first) to its recipient, at most once however
// often it is retried: a delivery already sent, queued for the digest or
// skipped is a no-op.
//
// It records the delivery as skipped, sending nothing, when the e-mail
// channel is off (a.Email nil), the recipient is unknown, has no (valid)
// address or has e-mail turned off; as digest, sending nothing, when the
// recipient wants a daily digest (see SendDigest); otherwise it renders the
// subject and body from the templates of the notification's kind in the
// recipient's language, sends them with a Message-ID derived from the key
// and the header X-Salesflow-Notification, and records the delivery as
// sent. An SMTP failure is returned as a retryable error (a permanent
// refusal of the recipient address as a non-retryable
// ErrTypeRecipientRejected one); an unknown key fails with a non-retryable
// ErrTypeUnknownNotification error.
func (a *Activities) DeliverEmail(ctx context.Context, key string) error {
	if key == "" {
		return temporal.NewNonRetryableApplicationError("delivery without key", ErrTypeInvalidInput, nil)
	}
	row := deliveryRow(key, models.ChannelEmail)
	if s, ok, err := row.state(ctx, a.DB); err != nil || (ok && final(s.Status)) {
		return err
	}
	n, to, err := notificationAndRecipient(ctx, a, key)
	if err != nil {
		return err
	}
	if created, err := create(ctx, a.DB, &models.Delivery{
		NotificationID: key, Channel: models.ChannelEmail, Recipient: n.Recipient, Status: models.DeliveryPending,
		CreatedAt: time.Now().UTC(), UpdatedAt: time.Now().UTC(),
	}); err != nil {
		return fmt.Errorf("record %s: %w", row.what, err)
	} else if created {
		logger(ctx).Debug("e-mail delivery recorded", "key", key)
	}

	addr, skip := mailbox(to)
	if a.Email == nil {
		skip = "e-mail channel off"
	}
	if skip != "" {
		status, err := row.settle(ctx, a.DB, models.DeliverySkipped, skip)
		logger(ctx).Info("e-mail skipped", "key", key, "recipient", n.Recipient, "reason", skip, "status", status)
		return err
	}
	if to.Digest {
		status, err := row.settle(ctx, a.DB, models.DeliveryDigest, "")
		logger(ctx).Info("e-mail queued for the digest", "key", key, "recipient", n.Recipient, "status", status)
		return err
	}

	lang := language(to)
	v, err := view(ctx, a.DB, n, to, a.Email.Location)
	if err != nil {
		return err
	}
	subject, body, err := renderNotice(lang, v)
	if err != nil {
		return temporal.NewNonRetryableApplicationError("render e-mail of "+key, ErrTypeTemplate, err)
	}
	addr.Name = to.Name
	msg, err := a.Email.message(addr, subject, body, messageID(key), [][2]string{{HeaderNotification, key}})
	if err != nil {
		return temporal.NewNonRetryableApplicationError("compose e-mail of "+key, ErrTypeInvalidInput, err)
	}

	attempt, err := row.claim(ctx, a.DB)
	if err != nil || attempt == 0 {
		return err
	}
	sendErr := a.Email.send(ctx, addr.Address, msg)
	if err := row.finish(ctx, a.DB, attempt, sendErr, nil); err != nil {
		if sendErr == nil {
			// Sent but not recorded: the retry sends again, with the same
			// Message-ID. Report the error so that it does.
			return err
		}
		logger(ctx).Warn("could not record the failed attempt", "key", key, "error", err)
	}
	if sendErr != nil {
		logger(ctx).Warn("e-mail failed", "key", key, "recipient", n.Recipient, "attempt", attempt, "error", sendErr)
		return sendErr
	}
	logger(ctx).Info("e-mail sent", "key", key, "recipient", n.Recipient, "language", lang, "attempt", attempt)
	return nil
}

// notificationAndRecipient loads the notification with key and its
// recipient (nil when the recipient is not a known staff member).
func notificationAndRecipient(ctx context.Context, a *Activities, key string) (*models.Notification, *models.Staff, error) {
	n, err := models.GetNotification(ctx, a.DB, key)
	if errors.Is(err, models.ErrNotFound) {
		return nil, nil, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("no notification %q: deliver it with Notify first", key), ErrTypeUnknownNotification, nil)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("load notification %s: %w", key, err)
	}
	to, err := models.GetStaff(ctx, a.DB, n.Recipient)
	if errors.Is(err, models.ErrNotFound) {
		return n, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("look up recipient %s: %w", n.Recipient, err)
	}
	return n, to, nil
}

// messageID is the stable Message-ID of the e-mail identified by id (a
// notification key, or a digest's "digest/<recipient>/<day>").
func messageID(id string) string {
	sum := sha256.Sum256([]byte(id))
	return "<" + hex.EncodeToString(sum[:]) + "@salesflow>"
}

// message composes a plain-text UTF-8 e-mail (quoted-printable) with CRLF
// line ends.
func (e *EmailChannel) message(to *mail.Address, subject, body, msgID string, extra [][2]string) ([]byte, error) {
	from, err := mail.ParseAddress(e.From)
	if err != nil {
		return nil, fmt.Errorf("sender %q: %w", e.From, err)
	}
	headers := [][2]string{
		{"From", from.String()},
		{"To", to.String()},
		{"Subject", mime.QEncoding.Encode("utf-8", subject)},
		{"Date", time.Now().Format(time.RFC1123Z)},
		{"Message-ID", msgID},
		{"MIME-Version", "1.0"},
		{"Content-Type", "text/plain; charset=utf-8"},
		{"Content-Transfer-Encoding", "quoted-printable"},
		// RFC 3834: no vacation auto-replies to machine mail.
		{"Auto-Submitted", "auto-generated"},
	}
	var buf bytes.Buffer
	for _, h := range append(headers, extra...) {
		if strings.ContainsAny(h[1], "\r\n") {
			return nil, fmt.Errorf("header %s contains a line break", h[0])
		}
		buf.WriteString(h[0] + ": " + h[1] + "\r\n")
	}
	buf.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&buf)
	if _, err := qp.Write([]byte(body)); err != nil {
		return nil, err
	}
	if err := qp.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// envelopeFrom is the bare address of From for MAIL FROM.
func (e *EmailChannel) envelopeFrom() (string, error) {
	from, err := mail.ParseAddress(e.From)
	if err != nil {
		return "", fmt.Errorf("sender %q: %w", e.From, err)
	}
	return from.Address, nil
}

// send delivers msg to rcpt in one SMTP conversation. Errors are
// retryable ErrTypeDeliveryFailed application errors, except a permanent
// (5xx) refusal of the recipient, which is a non-retryable
// ErrTypeRecipientRejected one.
func (e *EmailChannel) send(ctx context.Context, rcpt string, msg []byte) error {
	fail := func(step string, err error) error {
		return temporal.NewApplicationErrorWithCause(
			fmt.Sprintf("smtp %s: %s: %v", e.Addr, step, err), ErrTypeDeliveryFailed, err)
	}
	from, err := e.envelopeFrom()
	if err != nil {
		return temporal.NewNonRetryableApplicationError("smtp sender", ErrTypeInvalidInput, err)
	}
	timeout := e.Timeout
	if timeout <= 0 {
		timeout = DefaultEmailTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", e.Addr)
	if err != nil {
		return fail("connect", err)
	}
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	// Cancellation (the activity timing out) ends the conversation.
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	defer stop()

	host, _, _ := net.SplitHostPort(e.Addr)
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		_ = conn.Close()
		return fail("greeting", err)
	}
	defer c.Close()
	hostname := e.Hostname
	if hostname == "" {
		hostname = "localhost"
	}
	if err := c.Hello(hostname); err != nil {
		return fail("EHLO", err)
	}
	if ok, _ := c.Extension("STARTTLS"); ok {
		cfg := &tls.Config{ServerName: host}
		if e.TLSConfig != nil {
			cfg = e.TLSConfig.Clone()
			if cfg.ServerName == "" {
				cfg.ServerName = host
			}
		}
		if err := c.StartTLS(cfg); err != nil {
			return fail("STARTTLS", err)
		}
	}
	if e.Username != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return fail("AUTH", errors.New("server offers no authentication"))
		}
		if err := c.Auth(smtp.PlainAuth("", e.Username, e.Password, host)); err != nil {
			return fail("AUTH", err)
		}
	}
	if err := c.Mail(from); err != nil {
		return fail("MAIL FROM", err)
	}
	if err := c.Rcpt(rcpt); err != nil {
		var te *textproto.Error
		if errors.As(err, &te) && te.Code >= 500 {
			return temporal.NewNonRetryableApplicationError(
				fmt.Sprintf("smtp %s refused recipient %s: %v", e.Addr, rcpt, err), ErrTypeRecipientRejected, err)
		}
		return fail("RCPT TO", err)
	}
	w, err := c.Data()
	if err != nil {
		return fail("DATA", err)
	}
	if _, err := w.Write(msg); err != nil {
		_ = w.Close()
		return fail("DATA", err)
	}
	if err := w.Close(); err != nil {
		return fail("end of DATA", err)
	}
	// The message is accepted; a failing QUIT changes nothing.
	_ = c.Quit()
	return nil
}

// mailbox is the address to e-mail a staff member at, or why there is none
// (unknown, no address, e-mail turned off, an invalid address).
func mailbox(to *models.Staff) (*mail.Address, string) {
	switch {
	case to == nil:
		return nil, "unknown recipient"
	case to.Email == "":
		return nil, "recipient has no e-mail address"
	case !to.EmailEnabled:
		return nil, "recipient turned e-mail off"
	}
	addr, err := mail.ParseAddress(to.Email)
	if err != nil {
		return nil, "invalid e-mail address"
	}
	return addr, ""
}
