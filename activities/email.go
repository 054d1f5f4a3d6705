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
	return a.deliver(ctx, key, models.ChannelEmail, a.planEmail)
}

// planEmail is the e-mail channel's part of DeliverEmail: skip, queue for
// the digest, or send the e-mail rendered for the recipient.
func (a *Activities) planEmail(ctx context.Context, n *models.Notification, to *models.Staff) (plan, error) {
	addr, reason := mailbox(to)
	if a.Email == nil {
		reason = "e-mail channel off"
	}
	switch {
	case reason != "":
		return skip(reason), nil
	case to.Digest:
		return plan{status: models.DeliveryDigest}, nil
	}
	lang := language(to)
	v, err := view(ctx, a.DB, n, to, a.Email.Location)
	if err != nil {
		return plan{}, err
	}
	subject, body, err := renderNotice(lang, v)
	if err != nil {
		return plan{}, temporal.NewNonRetryableApplicationError("render e-mail of "+n.ID, ErrTypeTemplate, err)
	}
	addr.Name = to.Name
	msg, err := a.Email.message(addr, subject, body, messageID(n.ID), [][2]string{{HeaderNotification, n.ID}})
	if err != nil {
		return plan{}, temporal.NewNonRetryableApplicationError("compose e-mail of "+n.ID, ErrTypeInvalidInput, err)
	}
	return plan{send: func(ctx context.Context) ([]any, error) {
		return []any{"language", lang}, a.Email.send(ctx, addr.Address, msg)
	}}, nil
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
	c, stop, err := e.connect(ctx)
	if err != nil {
		return err
	}
	defer stop()
	defer c.Close()
	if err := e.hello(c); err != nil {
		return err
	}
	if err := e.transmit(c, from, rcpt, msg); err != nil {
		return err
	}
	// The message is accepted; a failing QUIT changes nothing.
	_ = c.Quit()
	return nil
}

// fail is the retryable error of a failed SMTP step.
func (e *EmailChannel) fail(step string, err error) error {
	return temporal.NewApplicationErrorWithCause(
		fmt.Sprintf("smtp %s: %s: %v", e.Addr, step, err), ErrTypeDeliveryFailed, err)
}

// host is the host part of Addr.
func (e *EmailChannel) host() string {
	host, _, _ := net.SplitHostPort(e.Addr)
	return host
}

// connect dials the server and reads its greeting. The conversation ends
// at ctx's deadline, or when ctx is cancelled (the activity timing out)
// until stop is called.
func (e *EmailChannel) connect(ctx context.Context) (c *smtp.Client, stop func() bool, err error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", e.Addr)
	if err != nil {
		return nil, nil, e.fail("connect", err)
	}
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	stop = context.AfterFunc(ctx, func() { _ = conn.Close() })
	c, err = smtp.NewClient(conn, e.host())
	if err != nil {
		stop()
		_ = conn.Close()
		return nil, nil, e.fail("greeting", err)
	}
	return c, stop, nil
}

// hello introduces the client, upgrades the connection with STARTTLS when
// the server offers it and authenticates when Username is set.
func (e *EmailChannel) hello(c *smtp.Client) error {
	hostname := e.Hostname
	if hostname == "" {
		hostname = "localhost"
	}
	if err := c.Hello(hostname); err != nil {
		return e.fail("EHLO", err)
	}
	if ok, _ := c.Extension("STARTTLS"); ok {
		cfg := &tls.Config{ServerName: e.host()}
		if e.TLSConfig != nil {
			cfg = e.TLSConfig.Clone()
			if cfg.ServerName == "" {
				cfg.ServerName = e.host()
			}
		}
		if err := c.StartTLS(cfg); err != nil {
			return e.fail("STARTTLS", err)
		}
	}
	if e.Username == "" {
		return nil
	}
	if ok, _ := c.Extension("AUTH"); !ok {
		return e.fail("AUTH", errors.New("server offers no authentication"))
	}
	if err := c.Auth(smtp.PlainAuth("", e.Username, e.Password, e.host())); err != nil {
		return e.fail("AUTH", err)
	}
	return nil
}

// transmit sends msg from from to rcpt over the introduced client.
func (e *EmailChannel) transmit(c *smtp.Client, from, rcpt string, msg []byte) error {
	if err := c.Mail(from); err != nil {
		return e.fail("MAIL FROM", err)
	}
	if err := c.Rcpt(rcpt); err != nil {
		var te *textproto.Error
		if errors.As(err, &te) && te.Code >= 500 {
			return temporal.NewNonRetryableApplicationError(
				fmt.Sprintf("smtp %s refused recipient %s: %v", e.Addr, rcpt, err), ErrTypeRecipientRejected, err)
		}
		return e.fail("RCPT TO", err)
	}
	w, err := c.Data()
	if err != nil {
		return e.fail("DATA", err)
	}
	if _, err := w.Write(msg); err != nil {
		_ = w.Close()
		return e.fail("DATA", err)
	}
	if err := w.Close(); err != nil {
		return e.fail("end of DATA", err)
	}
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
