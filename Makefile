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

LIBRARY := .build/release/libmisterwebhooks.so

.PHONY: all lib
all: lib

lib:
	$(SWIFT) build $(RELEASE_FLAGS) --product misterwebhooks
