# Build, test and install libmisterwebhooks.
#
#   make            build the release library (build/lib) and tool (build/bin)
#   make demo       consume sample webhooks from a local broker, from C and Python
#   make test       run every test suite
#   make install    install the library, header and pkg-config file under PREFIX
#
# `make demo` and `make test` first install what is missing: Debian packages
# through apt-get (as root) and a Python virtual environment in .venv.

PREFIX ?= /usr/local
LIBDIR_INSTALL ?= $(PREFIX)/lib
INCLUDEDIR_INSTALL ?= $(PREFIX)/include
VERSION := 0.1.0
SOVERSION := 0

SWIFT ?= swift
PYTHON ?= python3
# -static-stdlib links the Swift runtime into the library, so users need no
# Swift toolchain; the version script exports only the mw_ symbols. lld is
# used because gold leaves local Swift symbols in the dynamic symbol table.
RELEASE_FLAGS := -c release -Xswiftc -static-stdlib -Xswiftc -use-ld=lld \
	-Xlinker --version-script=$(CURDIR)/Sources/MisterWebhooksExports/exports.map \
	-Xlinker -soname=libmisterwebhooks.so.$(SOVERSION)

BUILD := build
LIBDIR := $(BUILD)/lib
REAL_NAME := libmisterwebhooks.so.$(VERSION)
SONAME := libmisterwebhooks.so.$(SOVERSION)
LIBRARY := $(LIBDIR)/$(REAL_NAME)
VENV := .venv

# Debian packages the build and the tests need: librdkafka, the toolchains
# of the C, C++, Python, Go, Ruby and Java (JNA) bindings, openssl for the
# TLS tests and valgrind for the memory checks. Debian's cargo is installed
# only when no Rust toolchain is found, because one installed with rustup is
# newer.
DEBIAN_PACKAGES := librdkafka-dev pkg-config python3-venv openssl g++ golang-go ruby \
	openjdk-17-jdk-headless libjna-java valgrind

.PHONY: all lib tool deps venv demo test install uninstall clean
all: lib tool

# The library under its versioned name, with the SONAME and development
# symlinks that the linker and the dynamic loader look for. Files are
# replaced by rename, so running programs keep the copy they mapped.
lib: deps
	$(SWIFT) build $(RELEASE_FLAGS) --product misterwebhooks
	mkdir -p $(LIBDIR)
	cp .build/release/libmisterwebhooks.so $(LIBRARY).tmp && mv -f $(LIBRARY).tmp $(LIBRARY)
	ln -sf $(REAL_NAME) $(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(LIBDIR)/libmisterwebhooks.so

# The mister-webhooks command-line tool, including the development broker.
tool: deps
	$(SWIFT) build -c release --product mister-webhooks
	mkdir -p $(BUILD)/bin
	cp .build/release/mister-webhooks $(BUILD)/bin/mister-webhooks.tmp && mv -f $(BUILD)/bin/mister-webhooks.tmp $(BUILD)/bin/mister-webhooks

# Installs the missing Debian packages; needs root when any is missing.
deps:
	@missing=""; \
	for package in $(DEBIAN_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$package"; \
	done; \
	if ! command -v cargo >/dev/null && [ ! -x "$$HOME/.cargo/bin/cargo" ]; then missing="$$missing cargo"; fi; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:$$missing"; \
		if [ "$$(id -u)" -ne 0 ]; then \
			echo "run as root, or install them first: sudo apt-get install$$missing" >&2; exit 1; \
		fi; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

# A virtual environment with the Python binding and pytest.
venv: deps
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check pytest --editable ./bindings/python

demo: lib tool venv
	bash examples/demo.sh

test: lib tool venv
	bash tests/run_all.sh

# Installs what `make lib` built, building it first only when it is missing,
# so `sudo make install` after a build as a normal user runs no Swift build.
install:
	test -f $(LIBRARY) || $(MAKE) lib
	install -d $(DESTDIR)$(LIBDIR_INSTALL) $(DESTDIR)$(INCLUDEDIR_INSTALL) $(DESTDIR)$(LIBDIR_INSTALL)/pkgconfig
	install -m 755 $(LIBRARY) $(DESTDIR)$(LIBDIR_INSTALL)/$(REAL_NAME)
	ln -sf $(REAL_NAME) $(DESTDIR)$(LIBDIR_INSTALL)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR_INSTALL)/libmisterwebhooks.so
	install -m 644 include/misterwebhooks.h $(DESTDIR)$(INCLUDEDIR_INSTALL)/misterwebhooks.h
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR_INSTALL)|' \
		-e 's|@INCLUDEDIR@|$(INCLUDEDIR_INSTALL)|' -e 's|@VERSION@|$(VERSION)|' \
		misterwebhooks.pc.in > $(DESTDIR)$(LIBDIR_INSTALL)/pkgconfig/misterwebhooks.pc
	@if [ -z "$(DESTDIR)" ] && command -v ldconfig >/dev/null && [ "$$(id -u)" -eq 0 ]; then ldconfig; fi

uninstall:
	rm -f $(DESTDIR)$(LIBDIR_INSTALL)/$(REAL_NAME) $(DESTDIR)$(LIBDIR_INSTALL)/$(SONAME) \
		$(DESTDIR)$(LIBDIR_INSTALL)/libmisterwebhooks.so $(DESTDIR)$(INCLUDEDIR_INSTALL)/misterwebhooks.h \
		$(DESTDIR)$(LIBDIR_INSTALL)/pkgconfig/misterwebhooks.pc

clean:
	rm -rf $(BUILD) .build
