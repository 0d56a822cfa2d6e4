"""Finding libmisterwebhooks.so, and the errors when it is missing."""

from __future__ import annotations

import ctypes.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import mister_webhooks
from conftest import BINDING_DIR, REPOSITORY_ROOT, subprocess_environment
from mister_webhooks import LibraryNotFoundError, _native


def test_missing_library_lists_tried_paths(tmp_path: Path) -> None:
    # A subprocess, because this process has the library loaded, and the
    # loader would return it for its soname libmisterwebhooks.so.0.
    if ctypes.util.find_library("misterwebhooks") is not None:
        pytest.skip("libmisterwebhooks is installed system-wide, so the loader finds it")
    package_dir = tmp_path / "site-packages" / "mister_webhooks"
    shutil.copytree(BINDING_DIR / "mister_webhooks", package_dir, ignore=shutil.ignore_patterns("__pycache__", "*.so*"))
    environment = subprocess_environment()
    del environment["MISTER_WEBHOOKS_LIBRARY"]
    environment["PYTHONPATH"] = str(package_dir.parent)

    result = subprocess.run(
        [sys.executable, "-c", "import mister_webhooks"],
        env=environment,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert "LibraryNotFoundError" in result.stderr
    assert f"{package_dir / 'libmisterwebhooks.so'} (not found)" in result.stderr
    assert "libmisterwebhooks.so.0 (" in result.stderr
    assert "Build it with `make`" in result.stderr
    assert "MISTER_WEBHOOKS_LIBRARY" in result.stderr


def test_environment_variable_is_only_candidate(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "libmisterwebhooks.so"
    with pytest.raises(LibraryNotFoundError) as raised:
        _native.load_library(environ={"MISTER_WEBHOOKS_LIBRARY": str(missing)})
    assert f"{missing} (not found)" in str(raised.value)


def test_source_tree_finds_swift_build_folder() -> None:
    library, path = _native.load_library(environ={})
    assert path == str(REPOSITORY_ROOT / "build" / "lib" / "libmisterwebhooks.so")


def test_import_fails_with_library_error(tmp_path: Path) -> None:
    environment = subprocess_environment()
    environment["MISTER_WEBHOOKS_LIBRARY"] = str(tmp_path / "missing.so")
    result = subprocess.run(
        [sys.executable, "-c", "import mister_webhooks"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "LibraryNotFoundError" in result.stderr
    assert str(tmp_path / "missing.so") in result.stderr


def test_library_version_matches_header() -> None:
    header = (REPOSITORY_ROOT / "include" / "misterwebhooks.h").read_text()
    assert "#define MW_VERSION_MAJOR 0" in header
    assert mister_webhooks.library_version.split(".")[0] == "0"


def test_package_marked_typed() -> None:
    assert (BINDING_DIR / "mister_webhooks" / "py.typed").is_file()
