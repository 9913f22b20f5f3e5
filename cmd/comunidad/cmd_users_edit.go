package main

import (
	"context"
	"fmt"
	"strings"

	"comunidad/data"
)

func init() {
	register(&command{
		name:    "users add",
		args:    "--unit CÓDIGO --first-names NOMBRES --last-names APELLIDOS --email CORREO [--rut RUT] [--phone TELÉFONO] [--type propietario|arrendatario|residente|otro] [--community NOMBRE]",
		summary: fmt.Sprintf("agrega un usuario adicional a una unidad (máximo %d por unidad) y deja pendiente su aviso de nuevo usuario", data.MaxLocalUsers),
		run:     runUsersAdd,
	})
	register(&command{
		name:    "users remove",
		args:    "--email CORREO --unit CÓDIGO [--community NOMBRE]",
		summary: "quita de una unidad un usuario agregado o un correo secundario (los de Kastor no)",
		run:     runUsersRemove,
	})
}

func runUsersAdd(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("users add")
	unit := fs.String("unit", "", "código de la unidad")
	first := fs.String("first-names", "", "nombres")
	last := fs.String("last-names", "", "apellidos")
	email := fs.String("email", "", "correo (su usuario del portal)")
	rut := fs.String("rut", "", "RUT, con o sin puntos y guion")
	phone := fs.String("phone", "", "teléfono")
	typ := fs.String("type", "", "propietario, arrendatario, residente (por omisión) u otro")
	comm := fs.String("community", "", "comunidad con la que trabajar (por omisión, la única que hay)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return errorf("users add: argumento de más %q (vea comunidad users add --help)", fs.Arg(0))
	}
	if strings.TrimSpace(*unit) == "" {
		return errorf("users add: falta --unit CÓDIGO (la unidad a la que se agrega el usuario)")
	}
	in := data.LocalUser{FirstNames: *first, LastNames: *last, Email: *email, RUT: *rut, Phone: *phone, Type: data.UserType(*typ)}
	// Check the fields before touching the database: a typo is reported the
	// same way whatever the database holds.
	clean, err := in.Validate()
	if err != nil {
		return userError{err.Error()}
	}
	st, c, done, err := e.openCommunity(ctx, *comm, true)
	if err != nil {
		return err
	}
	defer done()
	u, err := unitByCode(ctx, st, c, *unit)
	if err != nil {
		return err
	}
	if _, err := st.AddLocalUser(ctx, u.ID, clean); err != nil {
		return err
	}
	d, err := st.UnitDetail(ctx, u.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Agregado %s <%s> a la unidad %s (%d de %d usuarios adicionales); su aviso de nuevo usuario quedó pendiente de envío.\n",
		clean.FirstNames+" "+clean.LastNames, clean.Email, u.Code, d.LocalCount(), data.MaxLocalUsers)
	return nil
}

func runUsersRemove(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("users remove")
	unit := fs.String("unit", "", "código de la unidad")
	email := fs.String("email", "", "correo a quitar: el de un usuario agregado o un correo secundario")
	comm := fs.String("community", "", "comunidad con la que trabajar (por omisión, la única que hay)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return errorf("users remove: argumento de más %q (vea comunidad users remove --help)", fs.Arg(0))
	}
	if strings.TrimSpace(*unit) == "" {
		return errorf("users remove: falta --unit CÓDIGO")
	}
	addr, err := data.ValidateEmail(*email)
	if err != nil {
		return userError{err.Error()}
	}
	st, c, done, err := e.openCommunity(ctx, *comm, true)
	if err != nil {
		return err
	}
	defer done()
	u, err := unitByCode(ctx, st, c, *unit)
	if err != nil {
		return err
	}
	d, err := st.UnitDetail(ctx, u.ID)
	if err != nil {
		return err
	}
	for _, m := range d.Members {
		if m.Email != addr {
			continue
		}
		if err := st.RemoveLocalUser(ctx, u.ID, m.ID); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Quitado %s <%s> de la unidad %s.\n", m.FullName(), m.Email, u.Code)
		return nil
	}
	for _, s := range d.SecondaryEmails {
		if s.Email != addr {
			continue
		}
		if err := st.RemoveSecondaryEmail(ctx, s.ID); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Quitado el correo secundario %s de la unidad %s.\n", s.Email, u.Code)
		return nil
	}
	return errorf("la unidad %s no tiene un usuario ni un correo secundario %s", u.Code, addr)
}
