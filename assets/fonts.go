package assets

import _ "embed"

// The letters' fonts: Carlito (SIL Open Font License 1.1, fonts/OFL.txt), a
// sans-serif drawn for office documents, metric-compatible with Calibri,
// with a plain zero and every Spanish letter and sign.
var (
	//go:embed fonts/Carlito-Regular.ttf
	CarlitoRegular []byte
	//go:embed fonts/Carlito-Bold.ttf
	CarlitoBold []byte
	//go:embed fonts/Carlito-Italic.ttf
	CarlitoItalic []byte
	//go:embed fonts/Carlito-BoldItalic.ttf
	CarlitoBoldItalic []byte
	//go:embed fonts/OFL.txt
	FontLicence string
)
