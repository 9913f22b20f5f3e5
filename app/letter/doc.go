// Package letter owns the welcome letter ("carta de bienvenida"): templates
// written as a title and a small Markdown body (paragraphs, **bold**,
// *italic*, "- " bullets) with merge fields such as {nombre} or {portal};
// checking them (an unknown field or an unclosed brace is reported with its
// line and column, never printed); merging them with a user's data into a
// document model (Doc); and rendering that model as HTML, plain text and
// PDF (gopdf, with an embedded font parsed once per process).
//
// The same Doc feeds the PDF, the e-mail and the editor's preview, so what
// the administrator sees is what is printed and sent.
//
// The letter settings (community, administrator, signature, logo, portal,
// paper and margins) are kept in the data settings of each community under
// the "letter." keys; the templates themselves in the templates table.
package letter
