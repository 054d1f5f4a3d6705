package activities_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// received is one message the test SMTP server accepted.
type received struct {
	From string
	To   []string
	Data []byte
	// TLS and User tell whether the session had STARTTLS and who
	// authenticated.
	TLS  bool
	User string
}

// Parse reads the message's headers and body.
func (r received) Parse(t *testing.T) *mail.Message {
	t.Helper()
	m, err := mail.ReadMessage(strings.NewReader(string(r.Data)))
	if err != nil {
		t.Fatalf("unparsable message: %v\n%s", err, r.Data)
	}
	return m
}

// mailServer is a real SMTP server (go-smtp) on a loopback port that
// records the messages it accepts.
type mailServer struct {
	Addr string
	// CertPool trusts the server's certificate when it offers STARTTLS.
	CertPool *x509.CertPool

	mu   sync.Mutex
	msgs []received
	// failData rejects the next failData messages at DATA with a 451.
	failData int
	// users, when set, makes AUTH PLAIN mandatory with these passwords.
	users map[string]string
	// hold, when set, makes DATA wait until it is closed; entered is
	// signalled when a DATA starts waiting.
	hold    chan struct{}
	entered chan struct{}
}

type serverOptions struct {
	tls   bool
	users map[string]string
}

func startMailServer(t *testing.T, opt serverOptions) *mailServer {
	t.Helper()
	ms := &mailServer{users: opt.users}
	s := smtp.NewServer(ms)
	s.Domain = "localhost"
	s.ReadTimeout, s.WriteTimeout = 10*time.Second, 10*time.Second
	s.AllowInsecureAuth = !opt.tls
	if opt.tls {
		cert, pool := selfSigned(t)
		s.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
		ms.CertPool = pool
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ms.Addr = l.Addr().String()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = s.Serve(l)
	}()
	t.Cleanup(func() {
		_ = s.Close()
		<-done
	})
	return ms
}

// Messages returns a copy of the messages accepted so far.
func (ms *mailServer) Messages() []received {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	return append([]received(nil), ms.msgs...)
}

// FailNext makes the next n messages fail at DATA with a temporary error.
func (ms *mailServer) FailNext(n int) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	ms.failData = n
}

// Hold makes DATA wait until the returned function is called.
func (ms *mailServer) Hold() (entered <-chan struct{}, release func()) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	ms.hold, ms.entered = make(chan struct{}), make(chan struct{}, 10)
	hold := ms.hold
	return ms.entered, func() { close(hold) }
}

// NewSession implements smtp.Backend.
func (ms *mailServer) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &mailSession{server: ms, conn: c}, nil
}

type mailSession struct {
	server *mailServer
	conn   *smtp.Conn
	user   string
	msg    received
}

func (s *mailSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *mailSession) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, username, password string) error {
		if want, ok := s.server.users[username]; !ok || want != password {
			return errors.New("invalid credentials")
		}
		s.user = username
		return nil
	}), nil
}

func (s *mailSession) Mail(from string, _ *smtp.MailOptions) error {
	if s.server.users != nil && s.user == "" {
		return smtp.ErrAuthRequired
	}
	s.msg = received{From: from}
	return nil
}

func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if strings.HasPrefix(to, "bounce@") {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such mailbox"}
	}
	s.msg.To = append(s.msg.To, to)
	return nil
}

func (s *mailSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ms := s.server
	ms.mu.Lock()
	hold, entered := ms.hold, ms.entered
	ms.mu.Unlock()
	if hold != nil {
		entered <- struct{}{}
		<-hold
	}
	ms.mu.Lock()
	defer ms.mu.Unlock()
	if ms.failData > 0 {
		ms.failData--
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	s.msg.Data = b
	_, s.msg.TLS = s.conn.TLSConnectionState()
	s.msg.User = s.user
	ms.msgs = append(ms.msgs, s.msg)
	return nil
}

func (s *mailSession) Reset()        { s.msg = received{} }
func (s *mailSession) Logout() error { return nil }

// selfSigned makes a certificate for 127.0.0.1 and a pool trusting it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "test smtp"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// tlsConfig trusts the test server's certificate.
func tlsConfig(ms *mailServer) *tls.Config {
	return &tls.Config{RootCAs: ms.CertPool}
}
