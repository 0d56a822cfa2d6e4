# Build, test and install libmisterwebhooks.
#
#   make            build the release library, build/lib/libmisterwebhooks.so
#   make test       run every test suite
#   make install    install the library, header and pkg-config file under PREFIX

PREFIX ?= /usr/local
VERSION := 0.1.0
SOVERSION := 0

SWIFT ?= swift
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

.PHONY: all lib tool
all: lib tool

# The library under its versioned name, with the SONAME and development
# symlinks that the linker and the dynamic loader look for.
lib:
	$(SWIFT) build $(RELEASE_FLAGS) --product misterwebhooks
	mkdir -p $(LIBDIR)
	cp .build/release/libmisterwebhooks.so $(LIBRARY)
	ln -sf $(REAL_NAME) $(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(LIBDIR)/libmisterwebhooks.so

# The mister-webhooks command-line tool, including the development broker.
tool:
	$(SWIFT) build -c release --product mister-webhooks
	mkdir -p $(BUILD)/bin
	cp .build/release/mister-webhooks $(BUILD)/bin/mister-webhooks
