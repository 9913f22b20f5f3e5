package ui

// The letter editor of Configuración → Carta de bienvenida: its problems,
// shown before saving, and the live preview.

import (
	"cmp"
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"comunidad/app/letter"
	"comunidad/data"
)

// edited runs on every keystroke: the problems and the preview follow,
// a moment after the typing stops.
func (s *letterSection) edited() {
	if s.loading {
		return
	}
	s.dirty = true
	s.state.SetText(lang.X("letter.state.unsaved", "Sin guardar"))
	s.schedule()
}

func (s *letterSection) schedule() {
	s.gen++
	if s.u.opts.PreviewNow {
		s.check()
		s.renderPreview()
		return
	}
	gen := s.gen
	if s.timer != nil {
		s.timer.Stop()
	}
	s.timer = time.AfterFunc(previewDelay, func() {
		fyne.Do(func() {
			if gen == s.gen {
				s.check()
				s.renderPreview()
			}
		})
	})
}

func (s *letterSection) editorTemplate() letter.Template {
	return letter.Template{Title: s.titleEntry.Text, Body: s.body.Text}
}

// check shows the template's problems under the editor, each at its line
// and column, and keeps "Guardar" off while there are any.
func (s *letterSection) check() []letter.Problem {
	probs := letter.CheckLetter(s.editorTemplate())
	if len(probs) == 0 {
		s.problems.SetText("")
		s.problems.Hide()
		s.goToErr.Hide()
		s.body.SetValidationError(nil)
		if s.current.ID != 0 {
			s.save.Enable()
		}
		return nil
	}
	lines := make([]string, 0, len(probs))
	for i, p := range probs {
		if i == 5 {
			lines = append(lines, lang.X("letter.problem.more", "… y {{.N}} más", map[string]any{"N": len(probs) - 5}))
			break
		}
		lines = append(lines, letterProblemText(p))
	}
	s.problems.SetText(strings.Join(lines, "\n"))
	s.problems.Show()
	s.goToErr.Show()
	s.body.SetValidationError(errors.New(letterProblemText(probs[0])))
	s.save.Disable()
	return probs
}

func letterProblemText(p letter.Problem) string {
	if p.Part == letter.PartTitle {
		return lang.X("letter.problem.title", "Título, columna {{.Col}}: {{.Msg}}", map[string]any{"Col": p.Col, "Msg": p.Msg})
	}
	return lang.X("letter.problem.body", "Línea {{.Line}}, columna {{.Col}}: {{.Msg}}", map[string]any{"Line": p.Line, "Col": p.Col, "Msg": p.Msg})
}

// onGoToProblem puts the cursor on the first problem.
func (s *letterSection) onGoToProblem() {
	probs := letter.CheckLetter(s.editorTemplate())
	if len(probs) == 0 {
		return
	}
	p := probs[0]
	e := s.body
	if p.Part == letter.PartTitle {
		e = s.titleEntry
	}
	s.u.win.Canvas().Focus(e)
	e.CursorRow, e.CursorColumn = p.Line-1, p.Col-1
	e.Refresh()
}

// previewFields are the merge fields of the recipient chosen for the
// preview, or sample ones when the community has nobody yet.
func (s *letterSection) previewFields() letter.Fields {
	now := time.Now()
	f := letter.SampleFields(s.c, s.settings, now)
	var pa data.PersonAccount
	for i, r := range s.rows {
		if letterPreviewOption(r) == s.previewFor.Selected && i < len(s.rows) {
			f = letter.FieldsFor(r, s.c, s.settings, now)
			pa = s.accounts[r.PersonID]
			break
		}
	}
	if pa.Login == "" {
		pa.Login = f["usuario"]
	}
	// «como»: the recipient's own case, or any case the letter has sections for.
	switch s.previewCase.SelectedIndex() {
	case 1:
		pa.Outlook = data.AccountExists
	case 2:
		pa.Outlook = data.AccountWillExist
	case 3:
		pa.Outlook, pa.Reason = data.AccountWillNot, cmp.Or(pa.Reason, data.ReasonNotEligible)
	default:
		if s.accounts == nil {
			pa.Outlook = data.AccountExists // sample data: an account holder
		}
	}
	f.SetAccount(pa)
	return f
}

// renderPreview draws the letter from the same document model the PDF uses.
// A template with problems keeps the last good preview, marked as such.
func (s *letterSection) renderPreview() {
	d, err := letter.Merge(s.editorTemplate(), s.previewFields())
	if err != nil {
		if len(s.preview.Segments) == 0 {
			s.preview.Segments = []widget.RichTextSegment{&widget.TextSegment{
				Text: lang.X("letter.preview.broken", "Corrija los errores de la plantilla para ver la vista previa."), Style: widget.RichTextStyleParagraph}}
			s.sheet.Refresh() // the paper's light theme reaches the new lines
		}
		return
	}
	s.showMissing()
	header := [2]string{letterFirstText(s.settings.CommunityName, s.c.Name), letterFirstText(s.settings.CommunityAddress, s.c.Address)}
	s.preview.Segments = letterSegments(d, header)
	s.sheet.Refresh() // the paper's light theme reaches the new lines
}

// showMissing says which letter settings the template uses but are empty.
func (s *letterSection) showMissing() {
	c, err := letter.Compile(s.editorTemplate())
	var miss []letter.Field
	if err == nil {
		miss = c.MissingSettings(s.previewFields())
	}
	if len(miss) == 0 {
		s.missing.Hide()
		return
	}
	s.missing.SetText(letterMissingText(miss))
	s.missing.Show()
}

// letterMissingText names the empty settings a letter uses.
func letterMissingText(miss []letter.Field) string {
	names := make([]string, len(miss))
	for i, f := range miss {
		names[i] = letterFieldLabel(f)
	}
	return lang.X("letter.missing", "Faltan datos que la carta usa: {{.Fields}}. Complételos en «Datos, logo y papel».",
		map[string]any{"Fields": strings.Join(names, ", ")})
}

func letterFirstText(vs ...string) string {
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

func (s *letterSection) setPreviewLogo(b []byte) {
	img := letterDecodeLogo(b)
	s.logo.Image = img
	if img == nil {
		s.logo.Hide()
	} else {
		s.logo.Show()
	}
	s.logo.Refresh()
}
