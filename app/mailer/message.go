package mailer

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"html"
	"strings"
	"time"

	mail "github.com/wneessen/go-mail"
)

// Content is one message as the outbox holds it.
type Content struct {
	ToAddr  string
	ToName  string
	Subject string
	// HTML is a fragment (a letter's Doc.HTML, already escaped); Build wraps
	// it in a complete document.
	HTML string
	Text string
	// PDF is attached as PDFName when not nil.
	PDF     []byte
	PDFName string
}

// NewMessageID makes a globally unique Message-ID (without angle brackets)
// in the sender's domain; the outbox id keeps it traceable.
func NewMessageID(from string, outboxID int64) string {
	domain := "comunidad.local"
	if _, d, ok := strings.Cut(from, "@"); ok && d != "" {
		domain = d
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("comunidad.%d.%s@%s", outboxID, hex.EncodeToString(b[:]), domain)
}

// Build makes the message: From with the office's name, To, Reply-To, Bcc,
// the subject (UTF-8, encoded for headers), Date, Message-ID, the plain-text
// part with the HTML alternative, and the PDF.
func (s Settings) Build(c Content, messageID string, date time.Time) (*mail.Msg, error) {
	m := mail.NewMsg(mail.WithNoDefaultUserAgent())
	if err := m.FromFormat(s.FromName, s.From); err != nil {
		return nil, fmt.Errorf("remitente %q inválido: %w", s.From, err)
	}
	if err := m.AddToFormat(c.ToName, c.ToAddr); err != nil {
		return nil, fmt.Errorf("destinatario %q inválido: %w", c.ToAddr, err)
	}
	if s.ReplyTo != "" {
		if err := m.ReplyTo(s.ReplyTo); err != nil {
			return nil, fmt.Errorf("\"responder a\" %q inválido: %w", s.ReplyTo, err)
		}
	}
	if s.Bcc != "" && !strings.EqualFold(s.Bcc, c.ToAddr) {
		if err := m.Bcc(s.Bcc); err != nil {
			return nil, fmt.Errorf("copia oculta %q inválida: %w", s.Bcc, err)
		}
	}
	m.Subject(c.Subject)
	m.SetMessageIDWithValue(messageID)
	m.SetDateWithValue(date)
	m.SetGenHeader(mail.HeaderXMailer, "Comunidad")
	m.SetBodyString(mail.TypeTextPlain, c.Text)
	if strings.TrimSpace(c.HTML) != "" {
		m.AddAlternativeString(mail.TypeTextHTML, HTMLDocument(c.Subject, c.HTML))
	}
	if c.PDF != nil {
		name := c.PDFName
		if name == "" {
			name = "carta.pdf"
		}
		if err := m.AttachReader(name, bytes.NewReader(c.PDF), mail.WithFileContentType("application/pdf")); err != nil {
			return nil, fmt.Errorf("adjuntar %s: %w", name, err)
		}
	}
	return m, nil
}

// HTMLDocument wraps an escaped HTML fragment in a complete document with a
// simple, mail-client-safe style; the title is escaped here.
func HTMLDocument(title, fragment string) string {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html lang=\"es\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
	b.WriteString(html.EscapeString(title))
	b.WriteString("</title>\n</head>\n<body style=\"font-family: Arial, Helvetica, sans-serif; font-size: 15px; line-height: 1.5; color: #222; max-width: 680px; margin: 0 auto; padding: 16px;\">\n")
	b.WriteString(fragment)
	b.WriteString("\n</body>\n</html>\n")
	return b.String()
}

// TextToHTML turns plain text into an escaped HTML fragment: paragraphs on
// blank lines, line breaks kept.
func TextToHTML(text string) string {
	var b strings.Builder
	for _, para := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		para = strings.Trim(para, "\n")
		if strings.TrimSpace(para) == "" {
			continue
		}
		lines := strings.Split(para, "\n")
		for i := range lines {
			lines[i] = html.EscapeString(lines[i])
		}
		b.WriteString("<p>" + strings.Join(lines, "<br>\n") + "</p>\n")
	}
	return b.String()
}
