package mailer

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"comunidad/app/letter"
	"comunidad/data"
)

// The suggested new-user email: the same merge fields and Markdown as the
// letters. The title is the subject.
const (
	noticeSubject = "Su usuario en el portal de residentes de {comunidad}"
	noticeBody    = `Hola {nombre}:

La administración de {comunidad} creó su usuario en el portal de residentes para la unidad **{unidad}**.

- Usuario: **{usuario}**
- Portal: {portal}

Ingrese al portal con su correo y siga las instrucciones para crear su contraseña. Allí podrá revisar sus gastos comunes, reservar espacios comunes y recibir los avisos de la comunidad.

Si tiene dudas, escríbanos a {correo_administrador}.

Saludos cordiales,`
)

// DefaultNotice is the suggested new-user email ("Restaurar" brings it back).
func DefaultNotice() letter.Template { return letter.Template{Title: noticeSubject, Body: noticeBody} }

// Notice returns the community's new-user email, and whether it is the
// administrator's own (false: the suggested one).
func Notice(ctx context.Context, st NoticeStore, community int64) (letter.Template, bool, error) {
	sub, body, ok, err := st.NoticeTemplate(ctx, community)
	if err != nil || !ok {
		return DefaultNotice(), false, err
	}
	return letter.Template{Title: sub, Body: body}, true, nil
}

// SaveNotice checks the new-user email (an unknown field, or
// {motivo_sin_cuenta} where account holders would read it blank, is refused
// with its place) and stores it.
func SaveNotice(ctx context.Context, st NoticeStore, community int64, t letter.Template) error {
	if strings.TrimSpace(t.Title) == "" {
		return errors.New("el correo de aviso necesita un asunto")
	}
	if strings.ContainsAny(t.Title, "\r\n") {
		return errors.New("el asunto debe ser una sola línea")
	}
	if _, err := letter.CompileNotice(t); err != nil {
		return err
	}
	return st.SaveNoticeTemplate(ctx, community, t.Title, t.Body)
}

// RestoreNotice goes back to the suggested new-user email.
func RestoreNotice(ctx context.Context, st NoticeStore, community int64) error {
	return st.DeleteNoticeTemplate(ctx, community)
}

// emailParts turns a merged template into an email: the title is the
// subject; the body (no date line, no heading) is the HTML and the text.
func emailParts(d letter.Doc) (subject, html, text string) {
	subject = d.Title
	d.Title, d.Date = "", ""
	return subject, d.HTML(), strings.TrimSpace(d.Text())
}

// LetterRequest is "Carta de bienvenida → Enviar".
type LetterRequest struct {
	UnitIDs []int64 // empty: every unit (the workflow asks for AllUnits too)
	// AllUnits is the administrator's explicit choice of every unit.
	AllUnits bool
	// New asks the workflow for the newcomers of the latest import, which it
	// puts in Only (and their units in UnitIDs).
	New bool
	// Only, when not nil, keeps just these people in these units.
	Only       []data.MemberKey
	Template   string // letter template name; "" for the default one
	Recipients letter.Recipients
	// Subject may use merge fields; "" takes the letter's title.
	Subject   string
	AttachPDF bool
	// Resend sends the letter again to recipients who already got it by
	// email (a resident who lost it); otherwise they are left out.
	Resend bool
}

// LetterPlan is what sending would do, for the dialog to tell before it starts.
type LetterPlan struct {
	Template data.Template
	Messages []data.OutboxMessage // one per recipient with an email, not yet sent
	// AlreadySent are recipients who already got this letter by email:
	// they are not sent it again, unless the request says Resend, when
	// they are in Messages too.
	AlreadySent []data.UserRow
	// Uncertain are recipients whose letter may have arrived (the connection
	// was lost as the server took it): left out like AlreadySent, and in
	// Messages with Resend; «outbox --retry --uncertain» asks about each.
	Uncertain []data.UserRow
	Resent    int            // with Resend: how many of Messages go a second time (or more)
	NoEmail   []data.UserRow // recipients without an email
	Skipped   []data.UserRow // units with no one to address (one row each)
	// Missing are the settings the letter or its subject would print
	// empty: such a plan is not to be sent (workflow refuses to queue it).
	Missing []letter.Setting
	// Cases counts the messages by their recipient's account case.
	Cases map[letter.Account]int
	// Units is how many units the request covers.
	Units int
}

// LetterKey is the outbox key of one letter: the same template, unit and
// person is sent once.
func LetterKey(community, template, unit, person int64) string {
	return fmt.Sprintf("letter:%d:%d:%d:%d", community, template, unit, person)
}

// resendMark separates a letter's key from the copy it sends again: the
// key of a resend is LetterKey + resendMark + the id of the last copy that
// went. Planning the same resend twice (the window closed before it was
// sent) gives the same key, so it still goes once; once it has gone, a new
// resend gets a new key.
const resendMark = "/reenvio:"

// letterBase is the LetterKey a key (a first sending or a resend) is of.
func letterBase(key string) string {
	base, _, _ := strings.Cut(key, resendMark)
	return base
}

// PlanLetters merges the letter for each recipient of the chosen units and
// says who gets it, who already got it and who has no email.
func PlanLetters(ctx context.Context, st Store, community data.Community, req LetterRequest) (LetterPlan, error) {
	var plan LetterPlan
	tpl, err := letter.FindTemplate(ctx, st, community.ID, req.Template)
	if err != nil {
		return plan, err
	}
	plan.Template = tpl
	body, err := letter.CompileLetter(letter.FromData(tpl))
	if err != nil {
		return plan, fmt.Errorf("la plantilla %q: %w", tpl.Name, err)
	}
	subjectTpl := req.Subject
	if strings.TrimSpace(subjectTpl) == "" {
		subjectTpl = tpl.Title
	}
	if strings.ContainsAny(subjectTpl, "\r\n") {
		return plan, errors.New("el asunto debe ser una sola línea")
	}
	// Only the title is merged; the letter package wants some body text.
	subject, err := letter.Compile(letter.Template{Title: subjectTpl, Body: "asunto"})
	if err != nil {
		return plan, fmt.Errorf("el asunto: %w", err)
	}
	lset, err := letter.LoadSettings(ctx, st, community.ID)
	if err != nil {
		return plan, err
	}
	plan.Missing = letter.Holes(letter.SampleFields(community, lset, time.Now()), body, subject)
	rows, err := st.UserRows(ctx, community.ID)
	if err != nil {
		return plan, err
	}
	who := req.Recipients
	if who == "" {
		who = letter.MainAccount
	}
	accRep, err := st.PlanAccounts(ctx, community.ID, nil)
	if err != nil {
		return plan, err
	}
	accounts := accRep.PersonAccounts()
	plan.Cases = map[letter.Account]int{}
	sel := letter.SelectRecipients(rows, req.UnitIDs, who)
	if req.Only != nil {
		sel = sel.Keep(req.Only)
	}
	plan.Skipped = sel.Skipped
	plan.Units = sel.Units()
	sent, err := st.ListOutbox(ctx, community.ID, data.OutboxFilter{Kinds: []string{data.OutboxLetter}, States: []string{data.OutboxSent, data.OutboxSending}})
	if err != nil {
		return plan, err
	}
	last := map[string]int64{} // letter key -> the newest copy that went
	for _, m := range sent {
		base := letterBase(m.DedupeKey)
		last[base] = max(last[base], m.ID)
	}
	unsure, err := st.ListOutbox(ctx, community.ID, data.OutboxFilter{Kinds: []string{data.OutboxLetter}, Uncertain: true})
	if err != nil {
		return plan, err
	}
	maybe := map[string]int64{} // letter key -> the newest copy that may have gone
	for _, m := range unsure {
		base := letterBase(m.DedupeKey)
		maybe[base] = max(maybe[base], m.ID)
	}
	now := time.Now()
	for _, r := range sel.Rows {
		if r.Email == "" {
			plan.NoEmail = append(plan.NoEmail, r)
			continue
		}
		key := LetterKey(community.ID, tpl.ID, r.UnitID, r.PersonID)
		if id, ok := maybe[key]; ok && id > last[key] {
			plan.Uncertain = append(plan.Uncertain, r)
			if !req.Resend {
				continue
			}
			key += resendMark + strconv.FormatInt(id, 10)
			plan.Resent++
		} else if id, ok := last[key]; ok {
			plan.AlreadySent = append(plan.AlreadySent, r)
			if !req.Resend {
				continue
			}
			key += resendMark + strconv.FormatInt(id, 10)
			plan.Resent++
		}
		f := letter.FieldsFor(r, community, lset, now)
		f.SetAccount(accounts[r.PersonID])
		plan.Cases[f.Case()]++
		d := body.Merge(f)
		plan.Messages = append(plan.Messages, data.OutboxMessage{
			CommunityID: community.ID, Kind: data.OutboxLetter, DedupeKey: key,
			PersonID: r.PersonID, UnitID: r.UnitID, ToAddr: r.Email, ToName: r.FullName(),
			Subject: subject.Merge(f).Title, BodyHTML: d.HTML(), BodyText: strings.TrimSpace(d.Text()),
			AttachPDF: req.AttachPDF, TemplateID: tpl.ID,
		})
	}
	return plan, nil
}

// Composer fills what an outbox row needs when it is sent: a new-user
// notice's subject and bodies from the community's notice template, a
// letter's PDF rendered again from its template. It caches what it reads for
// the length of a batch.
type composer struct {
	st        Store
	community data.Community
	lset      letter.Settings
	rows      map[[2]int64]data.UserRow
	accounts  map[int64]data.PersonAccount
	letters   map[int64]*letter.Compiled
	notice    *letter.Compiled
	renderer  *letter.Renderer
	now       time.Time
}

// NewComposer prepares the composer for a community's batch.
func NewComposer(ctx context.Context, st Store, community data.Community) (Composer, error) {
	lset, err := letter.LoadSettings(ctx, st, community.ID)
	if err != nil {
		return nil, err
	}
	rows, err := st.UserRows(ctx, community.ID)
	if err != nil {
		return nil, err
	}
	acc, err := st.PlanAccounts(ctx, community.ID, nil)
	if err != nil {
		return nil, err
	}
	c := &composer{st: st, community: community, lset: lset, rows: map[[2]int64]data.UserRow{},
		accounts: acc.PersonAccounts(), letters: map[int64]*letter.Compiled{}, now: time.Now()}
	for _, r := range rows {
		if r.PersonID != 0 {
			c.rows[[2]int64{r.UnitID, r.PersonID}] = r
		}
	}
	return c, nil
}

func (c *composer) row(m data.OutboxMessage) data.UserRow {
	if r, ok := c.rows[[2]int64{m.UnitID, m.PersonID}]; ok {
		return r
	}
	// The person or unit is gone: address them with what the outbox kept.
	return data.UserRow{Community: c.community.Name, FirstNames: m.ToName, Email: m.ToAddr, UnitCode: m.UnitCode}
}

func (c *composer) Compose(ctx context.Context, m data.OutboxMessage) (Content, error) {
	ct := Content{ToAddr: m.ToAddr, ToName: m.ToName, Subject: m.Subject, HTML: m.BodyHTML, Text: m.BodyText}
	if m.Kind == data.OutboxNewUser && strings.TrimSpace(m.Subject) == "" && strings.TrimSpace(m.BodyText) == "" {
		if c.notice == nil {
			t, _, err := Notice(ctx, c.st, c.community.ID)
			if err != nil {
				return ct, err
			}
			if c.notice, err = letter.Compile(t); err != nil {
				return ct, fmt.Errorf("el correo de aviso a nuevos usuarios: %w", err)
			}
		}
		d := c.notice.Merge(letter.FieldsFor(c.row(m), c.community, c.lset, c.now))
		ct.Subject, ct.HTML, ct.Text = emailParts(d)
	}
	if m.AttachPDF {
		if m.TemplateID == 0 {
			return ct, errors.New("la carta a adjuntar ya no existe")
		}
		comp, ok := c.letters[m.TemplateID]
		if !ok {
			t, err := c.st.Template(ctx, m.TemplateID)
			if err != nil {
				return ct, fmt.Errorf("la plantilla de la carta: %w", err)
			}
			if comp, err = letter.Compile(letter.FromData(t)); err != nil {
				return ct, fmt.Errorf("la plantilla %q: %w", t.Name, err)
			}
			c.letters[m.TemplateID] = comp
		}
		if c.renderer == nil {
			r, err := letter.NewRenderer(c.lset)
			if err != nil {
				return ct, err
			}
			r.SetHeader(c.community.Name, c.community.Address)
			c.renderer = r
		}
		row := c.row(m)
		f := letter.FieldsFor(row, c.community, c.lset, c.now)
		f.SetAccount(c.accounts[row.PersonID])
		pdf, err := c.renderer.PDFBytes(ctx, comp.Merge(f))
		if err != nil {
			return ct, fmt.Errorf("la carta en PDF: %w", err)
		}
		ct.PDF, ct.PDFName = pdf, letter.FileName(row)
	}
	return ct, nil
}

// NewSender prepares a sender for the community with its saved account,
// password and composer; it fails with a Spanish message when the account
// is not configured.
func NewSender(ctx context.Context, st Store, sec Secrets, community data.Community) (*Sender, error) {
	s, err := LoadSettings(ctx, st, community.ID)
	if err != nil {
		return nil, err
	}
	if err := s.Check(); err != nil {
		return nil, err
	}
	pass, err := Password(sec, community.ID)
	if err != nil {
		return nil, err
	}
	if s.Username != "" && pass == "" {
		return nil, ErrNoPassword
	}
	comp, err := NewComposer(ctx, st, community)
	if err != nil {
		return nil, err
	}
	return &Sender{Store: st, Community: community.ID, Account: Account{Settings: s, Password: pass}, Composer: comp}, nil
}

// PendingNotices lists the new-user notices waiting to be sent.
func PendingNotices(ctx context.Context, st Outbox, community int64) ([]int64, error) {
	ms, err := st.ListOutbox(ctx, community, data.OutboxFilter{Kinds: []string{data.OutboxNewUser}, States: []string{data.OutboxPending}})
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	return ids, nil
}
