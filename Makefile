# Comunidad. `make run` sets up a fresh Debian/Ubuntu machine and opens the
# app on the demo community; `make test` runs the tests. See README.md.

GO      ?= go
TAGS    := migrated_fynedo
VERSION := $(shell sed -n 's/^Version *= *"\(.*\)"/\1/p' FyneApp.toml)
DEB_ARCH = $(shell dpkg --print-architecture)
BIN     := build/comunidad
FYNE    := $(shell $(GO) env GOPATH)/bin/fyne
FYNE_VERSION := v1.7.4
STATICCHECK  := $(shell $(GO) env GOPATH)/bin/staticcheck
STATICCHECK_VERSION := v0.8.2
# What Fyne's cgo build needs (GLFW, OpenGL, X11), and what the tests use:
# Xvfb for the real window, poppler for reading PDFs back, CUPS with a PDF
# printer for printing, ImageMagick and xdotool for screenshots, PostgreSQL
# for the throwaway clusters the tests of the office database start
# (internal/pgtest).
BUILD_PKGS := gcc libc6-dev pkg-config libgl-dev libx11-dev libxcursor-dev libxrandr-dev \
              libxinerama-dev libxi-dev libxxf86vm-dev
TEST_PKGS  := iproute2 util-linux xvfb xauth imagemagick xdotool poppler-utils cups printer-driver-cups-pdf libreoffice-calc-nogui postgresql
# Packaging: xz for the Linux bundle, dpkg-dev for the .deb's dependencies,
# mingw-w64 to cross-build for Windows, NSIS and ImageMagick (the .ico) for
# its installer, Wine (and Xvfb) to run the Windows build in the tests.
PKG_PKGS   := xz-utils dpkg-dev
WIN_PKGS   := gcc-mingw-w64-x86-64 nsis imagemagick
WINE_PKGS  := wine64 xvfb xauth poppler-utils python3 locales
# Tests speak Spanish and Fyne complains under the C locale.
TEST_ENV   := LANG=es_CL.UTF-8 LC_ALL=

.PHONY: run build deps test-deps test race bench lint package package-windows installer-windows package-deb test-package test-deb test-windows screenshot screenshots screenshot-windows clean

run: build
	./$(BIN) --demo

build: deps
	$(GO) build -tags $(TAGS) -o $(BIN) ./cmd/comunidad

deps:
	@./scripts/install-deps.sh $(BUILD_PKGS)
	@$(GO) mod download

test-deps: deps
	@./scripts/install-deps.sh $(TEST_PKGS)

test: test-deps
	$(TEST_ENV) $(GO) test -tags $(TAGS) -count=1 ./...

# The packages that run goroutines, under the race detector.
race: test-deps
	$(TEST_ENV) $(GO) test -tags $(TAGS) -race -count=1 ./data/... ./app/... ./cmd/...

# Benchmarks each issue names its targets for; -benchmem gives allocations.
bench: test-deps
	$(TEST_ENV) $(GO) test -tags $(TAGS) -run '^$$' -bench . -benchmem -benchtime 3x ./...

lint: deps $(STATICCHECK)
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt:"; echo "$$out"; exit 1; fi
	$(GO) vet -tags $(TAGS) ./...
	$(STATICCHECK) -tags $(TAGS) ./...

$(STATICCHECK):
	$(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

# Desktop bundles with the fyne tool (scripts/package.sh), named, identified
# and versioned by the root FyneApp.toml alone. The tool works on a copy of
# the tree in build/pkgsrc-<os>, so nothing it writes lands in cmd/comunidad.
# Linux: build/Comunidad.tar.xz (binary, icon, desktop entry).
package: deps $(FYNE)
	@./scripts/install-deps.sh $(PKG_PKGS)
	FYNE=$(FYNE) GO=$(GO) ./scripts/package.sh linux

# Windows: build/Comunidad.exe with icon and version, no console window,
# cross-built with mingw-w64.
package-windows: deps $(FYNE)
	@./scripts/install-deps.sh $(WIN_PKGS)
	FYNE=$(FYNE) GO=$(GO) ./scripts/package.sh windows

# Windows installer: build/Comunidad-Setup-<version>.exe (NSIS), per user,
# shortcuts, an "Aplicaciones instaladas" entry, silent mode (/S).
installer-windows: package-windows
	./scripts/installer-windows.sh build/Comunidad.exe

# Debian/Ubuntu package: build/comunidad_<version>_amd64.deb.
package-deb: package
	./scripts/package-deb.sh build/Comunidad.tar.xz

# The .deb installed with apt-get, started (--smoke), removed.
test-deb: package-deb test-deps
	$(TEST_ENV) ./scripts/test-deb.sh build/comunidad_$(VERSION)_$(DEB_ARCH).deb

# Windows under Wine on a fresh prefix: the unit tests cross-built for
# Windows, the packaged exe end to end, the installer.
test-windows: installer-windows test-deps
	@./scripts/install-deps.sh $(WINE_PKGS)
	@./scripts/ensure-locale.sh es_CL.UTF-8
	$(TEST_ENV) ./scripts/test-windows.sh build/Comunidad.exe build/Comunidad-Setup-$(VERSION).exe

# The packaged Linux build, unpacked and started under Xvfb on a fresh data
# folder: its first window appears, it exits 0, a second instance on the same
# database is refused. Prints the sizes and the time to the first window.
test-package: package test-deps
	$(TEST_ENV) ./scripts/test-package.sh build/Comunidad.tar.xz

$(FYNE):
	$(GO) install fyne.io/tools/cmd/fyne@$(FYNE_VERSION)

# The real window under Xvfb, on the demo community, saved as PNG.
screenshot: build test-deps
	./scripts/screenshot.sh ./$(BIN) build/screenshot.png --demo

# The tab, the Herramientas modal and the send dialog at 1024x768 and
# 1366x768 in the light and the dark theme, in build/screenshots.
screenshots: build test-deps
	./scripts/screenshots.sh ./$(BIN) build/screenshots --demo

# The packaged Windows exe's window under Wine, on the demo community.
screenshot-windows: package-windows test-deps
	@./scripts/install-deps.sh $(WINE_PKGS)
	@./scripts/ensure-locale.sh es_CL.UTF-8
	./scripts/screenshot-windows.sh build/Comunidad.exe build/screenshot-windows.png

clean:
	rm -rf build
