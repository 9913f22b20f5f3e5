package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2/lang"

	"comunidad/data"
)

// fieldErrorText is a form's validation problem (data.FieldError, whose
// facts are its fields) in the user's language. The Spanish texts are
// data's own sentences.
func fieldErrorText(e *data.FieldError) string {
	owner := e.Owner
	if strings.TrimSpace(owner) == "" {
		owner = lang.X("error.field.someone", "otra persona")
	}
	facts := map[string]any{
		"Value": e.Value, "Quoted": fmt.Sprintf("%q", e.Value), "Char": fmt.Sprintf("%q", e.Char), "Max": e.Max,
		"Owner": owner, "Kastor": e.Kastor, "Units": unitCodesText(e.Units), "Unit": e.Unit, "RUT": e.RUT,
	}
	last := e.Field == data.FieldLastNames
	switch e.Problem {
	case data.ProblemMissing:
		switch e.Field {
		case data.FieldEmail:
			return lang.X("error.field.missing.email", "Falta el correo: es obligatorio")
		case data.FieldLastNames:
			return lang.X("error.field.missing.last_names", "Faltan los apellidos: son obligatorios")
		}
		return lang.X("error.field.missing.first_names", "Faltan los nombres: son obligatorios")
	case data.ProblemChar:
		if last {
			return lang.X("error.field.char.last_names", "Los apellidos no pueden llevar {{.Char}}: revise lo escrito", facts)
		}
		return lang.X("error.field.char.first_names", "Los nombres no pueden llevar {{.Char}}: revise lo escrito", facts)
	case data.ProblemTooLong:
		switch e.Field {
		case data.FieldLabel:
			return lang.X("error.field.too_long.label", "La descripción es demasiado larga (máximo {{.Max}} caracteres)", facts)
		case data.FieldLastNames:
			return lang.X("error.field.too_long.last_names", "Los apellidos son demasiado largos (máximo {{.Max}} caracteres)", facts)
		}
		return lang.X("error.field.too_long.first_names", "Los nombres son demasiado largos (máximo {{.Max}} caracteres)", facts)
	case data.ProblemInvalid:
		switch e.Field {
		case data.FieldEmail:
			return lang.X("error.field.invalid.email", "Correo inválido {{.Quoted}}: escríbalo como nombre@dominio.cl", facts)
		case data.FieldRUT:
			return lang.X("error.field.invalid.rut", "RUT inválido {{.Quoted}}: revise los números y el dígito verificador", facts)
		case data.FieldPhone:
			return lang.X("error.field.invalid.phone", "Teléfono inválido {{.Quoted}}: use solo números, espacios y +", facts)
		case data.FieldType:
			return lang.X("error.field.invalid.type", "Tipo de usuario inválido {{.Quoted}}: use propietario, arrendatario, residente u otro", facts)
		}
	case data.ProblemDigits:
		return lang.X("error.field.digits.phone", "Teléfono inválido {{.Quoted}}: debe tener entre 8 y 15 dígitos", facts)
	case data.ProblemTaken:
		return lang.X("error.field.taken", "El correo {{.Value}} ya es de {{.Owner}}{{if .Kastor}}, que viene de Kastor{{end}} ({{.Units}}): cada correo es el acceso de una sola persona", facts)
	case data.ProblemSecondary:
		return lang.X("error.field.secondary", "El correo {{.Value}} ya está registrado como correo secundario de la unidad {{.Unit}}", facts)
	case data.ProblemMember:
		if strings.TrimSpace(e.Owner) == "" {
			facts["Owner"] = e.Value
		}
		return lang.X("error.field.member", "{{.Owner}} ({{.Value}}) ya es usuario de la unidad {{.Unit}}", facts)
	case data.ProblemKastor:
		return lang.X("error.field.kastor", "El correo {{.Value}} ya es de {{.Owner}}, que viene de Kastor ({{.Units}}): no se puede usar para otro usuario agregado", facts)
	case data.ProblemRUTConflict:
		facts["Owner"] = e.Owner
		return lang.X("error.field.rut_conflict", "{{.Owner}} ya está registrado con el RUT {{.RUT}} ({{.Units}}), no {{.Value}}", facts)
	}
	return e.Error()
}

// unitCodesText is "la unidad 101" or "las unidades 101, 102" in the user's
// language.
func unitCodesText(codes []string) string {
	switch len(codes) {
	case 0:
		return lang.X("error.units.none", "ninguna unidad")
	case 1:
		return lang.X("error.units.one", "la unidad {{.Code}}", map[string]any{"Code": codes[0]})
	}
	return lang.X("error.units.many", "las unidades {{.Codes}}", map[string]any{"Codes": strings.Join(codes, ", ")})
}

// limitText is the refusal of one additional user too many.
func limitText(e *data.LimitError) string {
	return lang.X("error.limit", "La unidad {{.Unit}} ya tiene {{.Max}} usuarios adicionales, el máximo: quite uno para agregar otro",
		map[string]any{"Unit": e.Unit, "Max": e.Max})
}
