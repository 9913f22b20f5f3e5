package mailer

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"html"
	netmail "net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	mail "github.com/wneessen/go-mail"
	"golang.org/x/text/unicode/norm"
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
	from, err := Address(s.FromName, s.From)
	if err != nil {
		return nil, &AddressError{Role: RoleFrom, Addr: s.From}
	}
	m.FromMailAddress(from)
	to, err := Address(c.ToName, c.ToAddr)
	if err != nil {
		return nil, &AddressError{Role: RoleTo, Addr: c.ToAddr}
	}
	m.ToMailAddress(to)
	if s.ReplyTo != "" {
		if err := m.ReplyTo(s.ReplyTo); err != nil {
			return nil, &AddressError{Role: RoleReplyTo, Addr: s.ReplyTo}
		}
	}
	if s.Bcc != "" && !strings.EqualFold(s.Bcc, c.ToAddr) {
		if err := m.Bcc(s.Bcc); err != nil {
			return nil, &AddressError{Role: RoleBcc, Addr: s.Bcc}
		}
	}
	m.SetGenHeaderPreformatted(mail.HeaderSubject, FoldHeader(len("Subject: "), c.Subject))
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
		if err := m.AttachReader(name, bytes.NewReader(c.PDF), attachmentHeaders("application/pdf", name)); err != nil {
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

// Address is the name and address of a mailbox as RFC 5322 wants them: the
// bare address when there is no name, otherwise the name quoted (with its
// quotes and backslashes escaped) or RFC 2047-encoded when it is not ASCII.
// A Kastor name may hold any character: it is never parsed as part of the
// address.
func Address(name, addr string) (*netmail.Address, error) {
	a, err := netmail.ParseAddress(strings.TrimSpace(addr))
	if err != nil || a.Name != "" {
		return nil, &AddressError{Addr: addr}
	}
	// Line breaks and other controls in a name would break the header.
	a.Name = strings.Join(strings.FieldsFunc(name, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }), " ")
	return a, nil
}

// maxLine is RFC 5322's recommended line length; RFC 2047 caps a line that
// holds encoded words at 76 characters.
const maxLine = 76

// FoldHeader encodes a header value (the subject) for a header whose name
// and ": " take used characters on the first line: plain ASCII as it is, text
// with other characters as RFC 2047 Q-encoded words, each sized to fit its
// line, folded with CRLF and a space. The first word is always on the first
// line (no empty line after "Subject:"), and folding never splits a character.
func FoldHeader(used int, value string) string {
	value = strings.Join(strings.FieldsFunc(value, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }), " ")
	plain := true
	for _, r := range value {
		if r >= utf8.RuneSelf {
			plain = false
			break
		}
	}
	if plain && !strings.Contains(value, "=?") {
		return foldWords(used, strings.Fields(value))
	}
	return strings.Join(encodedWords(used, value), "\r\n ")
}

// foldWords puts ASCII words on lines of at most maxLine characters where it
// can (a single longer word keeps its own line).
func foldWords(used int, words []string) string {
	var b strings.Builder
	n := used
	for i, w := range words {
		if i > 0 {
			if n+1+len(w) > maxLine {
				b.WriteString("\r\n")
				n = 0
			}
			b.WriteByte(' ')
			n++
		}
		b.WriteString(w)
		n += len(w)
	}
	return b.String()
}

// encodedWords splits value into Q-encoded words, one per line: the first
// fits after used characters, the others after the folding space.
func encodedWords(used int, value string) []string {
	const open, close = "=?UTF-8?q?", "?="
	var words []string
	var cur strings.Builder
	room := maxLine - used - len(open) - len(close)
	for _, r := range value {
		enc := qEncode(r)
		if cur.Len() > 0 && cur.Len()+len(enc) > room {
			words = append(words, open+cur.String()+close)
			cur.Reset()
			room = maxLine - 1 - len(open) - len(close)
		}
		cur.WriteString(enc)
	}
	if cur.Len() > 0 || len(words) == 0 {
		words = append(words, open+cur.String()+close)
	}
	return words
}

// qEncode is one character in RFC 2047's Q encoding (for a Subject, where
// only letters, digits and a few signs may stay as they are).
func qEncode(r rune) string {
	switch {
	case r == ' ':
		return "_"
	case r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("!*+-/", r)):
		return string(r)
	}
	var b strings.Builder
	var buf [utf8.UTFMax]byte
	for _, c := range buf[:utf8.EncodeRune(buf[:], r)] {
		fmt.Fprintf(&b, "=%02X", c)
	}
	return b.String()
}

// attachmentHeaders names an attachment for every mail client: the RFC 2231
// form (filename*= with UTF-8 and percent-escapes) that modern clients read, with an ASCII
// filename= (accents taken off) and the Content-Type name for old ones.
func attachmentHeaders(ctype, name string) mail.FileOption {
	return func(f *mail.File) {
		ascii := asciiName(name)
		f.Header.Set("Content-Type", ctype+";\r\n name="+quoteParam(ascii))
		disp := "attachment;\r\n filename=" + quoteParam(ascii)
		if ascii != name {
			disp += ";\r\n filename*=" + rfc2231(name)
		}
		f.Header.Set("Content-Disposition", disp)
	}
}

// rfc2231 is a parameter value in RFC 2231's extended notation.
func rfc2231(v string) string {
	var b strings.Builder
	b.WriteString("UTF-8''")
	for _, c := range []byte(v) {
		if c < utf8.RuneSelf && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0) {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func quoteParam(v string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(v) + `"`
}

// asciiName takes the accents off a file name ("Pérez" -> "Perez") and
// replaces what is still not printable ASCII with "_".
func asciiName(name string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(name) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r >= ' ' && r < 0x7f:
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}
