package data

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestTemplatesKeepSeveralWithOneDefault(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	c, err := s.CreateCommunity(ctx, "Edificio Los Álamos")
	if err != nil {
		t.Fatal(err)
	}
	other, _ := s.CreateCommunity(ctx, "Condominio Las Brisas")

	welcome, err := s.SaveTemplate(ctx, Template{CommunityID: c.ID, Kind: TemplateLetter, Name: "Bienvenida nuevo residente", Title: "Bienvenida", Body: "Hola {nombre}"})
	if err != nil {
		t.Fatal(err)
	}
	if !welcome.Default || welcome.ID == 0 || welcome.UpdatedAt.IsZero() {
		t.Fatalf("the first template is not the default: %+v", welcome)
	}
	change, err := s.SaveTemplate(ctx, Template{CommunityID: c.ID, Kind: TemplateLetter, Name: "  Cambio de   administración ", Title: "Cambio", Body: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if change.Default || change.Name != "Cambio de administración" {
		t.Fatalf("second template: %+v", change)
	}
	// The e-mail kind lives beside, with its own default, and other communities apart.
	mail, err := s.SaveTemplate(ctx, Template{CommunityID: c.ID, Kind: TemplateEmail, Name: "Bienvenida nuevo residente", Title: "Asunto", Body: "y"})
	if err != nil || !mail.Default {
		t.Fatalf("email template: %+v %v", mail, err)
	}
	if _, err := s.SaveTemplate(ctx, Template{CommunityID: other.ID, Kind: TemplateLetter, Name: "Bienvenida nuevo residente"}); err != nil {
		t.Fatal(err)
	}

	// Names are unique per community and kind, ignoring case and accents.
	_, err = s.SaveTemplate(ctx, Template{CommunityID: c.ID, Kind: TemplateLetter, Name: "cambio de ADMINISTRACION"})
	if !errors.Is(err, ErrTemplateName) {
		t.Fatalf("duplicate name: %v", err)
	}
	if _, err := s.SaveTemplate(ctx, Template{CommunityID: c.ID, Kind: TemplateLetter, Name: "  "}); err == nil {
		t.Fatal("empty name accepted")
	}
	if _, err := s.SaveTemplate(ctx, Template{CommunityID: c.ID, Kind: "fax", Name: "x"}); err == nil {
		t.Fatal("unknown kind accepted")
	}

	ts, err := s.Templates(ctx, c.ID, TemplateLetter)
	if err != nil || len(ts) != 2 || ts[0].ID != welcome.ID {
		t.Fatalf("list: %+v %v", ts, err)
	}
	got, err := s.TemplateByName(ctx, c.ID, TemplateLetter, "cambio de administracion")
	if err != nil || got.ID != change.ID {
		t.Fatalf("by name: %+v %v", got, err)
	}

	// Edit keeps the default mark; choosing another moves it.
	welcome.Body = "Estimado {nombre_completo}"
	welcome.Default = false
	if welcome, err = s.SaveTemplate(ctx, welcome); err != nil || !welcome.Default || welcome.Body != "Estimado {nombre_completo}" {
		t.Fatalf("edit: %+v %v", welcome, err)
	}
	if err := s.SetDefaultTemplate(ctx, change.ID); err != nil {
		t.Fatal(err)
	}
	if d, _ := s.DefaultTemplate(ctx, c.ID, TemplateLetter); d.ID != change.ID {
		t.Fatalf("default = %+v", d)
	}
	if d, _ := s.DefaultTemplate(ctx, c.ID, TemplateEmail); d.ID != mail.ID {
		t.Fatal("changing the letter default touched the e-mail one")
	}

	// Duplicate and rename.
	dup, err := s.DuplicateTemplate(ctx, change.ID, "Cambio de administración (copia)")
	if err != nil || dup.Default || dup.Body != "x" {
		t.Fatalf("duplicate: %+v %v", dup, err)
	}
	if _, err := s.RenameTemplate(ctx, dup.ID, "Bienvenida Nuevo Residente"); !errors.Is(err, ErrTemplateName) {
		t.Fatalf("rename onto a taken name: %v", err)
	}
	ren, err := s.RenameTemplate(ctx, dup.ID, "Aviso de mantención")
	if err != nil || ren.Name != "Aviso de mantención" {
		t.Fatalf("rename: %+v %v", ren, err)
	}

	// Deleting the default hands the mark to another one.
	if err := s.DeleteTemplate(ctx, change.ID); err != nil {
		t.Fatal(err)
	}
	ts, _ = s.Templates(ctx, c.ID, TemplateLetter)
	defaults := 0
	for _, tp := range ts {
		if tp.Default {
			defaults++
		}
	}
	if len(ts) != 2 || defaults != 1 || !ts[0].Default || ts[0].Name != "Aviso de mantención" {
		t.Fatalf("after deleting the default: %+v", ts)
	}
	if _, err := s.Template(ctx, change.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleted template still there: %v", err)
	}
	if err := s.DeleteTemplate(ctx, change.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("delete twice: %v", err)
	}
	if _, err := s.DefaultTemplate(ctx, other.ID+100, TemplateLetter); !errors.Is(err, ErrNotFound) {
		t.Fatalf("default of a community without templates: %v", err)
	}
	if _, err := s.SaveTemplate(ctx, Template{ID: 9999, CommunityID: c.ID, Kind: TemplateLetter, Name: "Fantasma"}); err == nil || !strings.Contains(err.Error(), "no encontrado") {
		t.Fatalf("update of a missing template: %v", err)
	}
}
