# Sourced by test-windows.sh: a go build -overlay file for the test binaries
# run under Wine. Go 1.26's os.RemoveAll deletes each file with
# NtSetInformationFile(FileDispositionInformationEx) and falls back to the
# older call when Windows answers STATUS_INVALID_INFO_CLASS (Windows before
# 10 1607). Wine 8 has no FileDispositionInformationEx either but answers
# STATUS_NOT_IMPLEMENTED, which Go does not fall back from, so every
# t.TempDir() cleanup fails there with "unlinkat ...: Invalid function."
# The overlay adds that answer to the fallback's list, in a copy of the one
# file, for the test binaries only: the product never calls os.RemoveAll
# (test-windows.sh checks) and the packaged exe is built without it.
# Expects $go, $wine_tmp and fail().
overlay_src=$($go env GOROOT)/src/internal/syscall/windows/at_windows.go
overlay_dir=$wine_tmp/overlay
mkdir -p "$overlay_dir"
grep -q '	case STATUS_INVALID_INFO_CLASS, // the operating system' "$overlay_src" \
	|| fail "$overlay_src cambió: revise scripts/windows/overlay.sh"
sed 's|	case STATUS_INVALID_INFO_CLASS, // the operating system|	case STATUS_INVALID_INFO_CLASS, NTStatus(0xC0000002) /* STATUS_NOT_IMPLEMENTED: Wine 8 */, // the operating system|' \
	"$overlay_src" >"$overlay_dir/at_windows.go"
printf '{"Replace": {"%s": "%s"}}\n' "$overlay_src" "$overlay_dir/at_windows.go" >"$overlay_dir/overlay.json"
