"""netlint.plumbing.paths gives the strings and answers pathlib gives, which the reports print.

`netlint check` holds paths as strings rather than importing pathlib (6% of a
one-file check); these compare each function with pathlib itself, on many
spellings, so that no report changes by a byte.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path, PurePath, PurePosixPath

import pytest

from netlint.plumbing import paths

PARTS = ["", ".", "..", "a", "b.yaml", ".hidden", "x.", ".toml", "c.d.toml", "é"]
SPELLINGS = sorted({
    lead + "/".join(combo) + tail
    for lead in ("", "/", "//", "///", "./", "../")
    for n in (1, 2, 3)
    for combo in itertools.product(PARTS, repeat=n)
    for tail in ("", "/", "//", "/.")
}) + ["", "/", "//", "///", ".", "./", "a//b//", "a/./b/../c"]


@pytest.mark.skipif(os.sep != "/", reason="POSIX spellings")
def test_spelling_name_suffix_and_parent_are_pathlibs():
    for spelled in SPELLINGS:
        pure = PurePosixPath(spelled)
        assert paths.spelling(spelled) == str(pure) == str(Path(spelled)), spelled
        assert paths.spelling(pure) == str(pure), spelled
        ours = paths.spelling(spelled)
        assert paths.name_of(ours) == pure.name, spelled
        assert paths.suffix_of(ours) == pure.suffix, spelled
        assert paths.parent_of(ours) == str(pure.parent), spelled
        assert str(PurePath(spelled).as_posix()).removeprefix("./") == \
            ours.removeprefix("./"), spelled


def test_resolved_relative_to_and_file_tests_are_pathlibs(tmp_path, monkeypatch):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "m.yaml").write_text("layers: []\n")
    (tmp_path / "link").symlink_to("sub")
    (tmp_path / "file-link.yaml").symlink_to(tmp_path / "sub" / "m.yaml")
    (tmp_path / "loop").symlink_to("loop")
    monkeypatch.chdir(tmp_path / "sub")
    names = ["m.yaml", "./m.yaml", "../sub//m.yaml", "../link/m.yaml", "../file-link.yaml",
             "..", ".", "missing", "../missing/x", str(tmp_path / "link") + "/", "/",
             "m.yaml/x", "../sub/m.yaml/."]
    for name in names:
        assert paths.resolved(name) == str(Path(name).resolve()), name
        spelled = paths.spelling(name)  # as every caller gives them
        assert paths.is_file(spelled) == Path(name).is_file(), name
        assert paths.is_dir(spelled) == Path(name).is_dir(), name
        assert (paths.status(spelled) is not None) == Path(name).exists(), name
        for folder in names + ["../..", str(tmp_path)]:
            try:
                expected = str(Path(name).resolve().relative_to(Path(folder).resolve()))
            except ValueError:
                expected = None
            assert paths.relative_to(paths.resolved(name), paths.resolved(folder)) == \
                expected, (name, folder)
    with pytest.raises(RuntimeError) as theirs:
        Path("../loop").resolve()
    with pytest.raises(RuntimeError) as ours:
        paths.resolved("../loop")
    assert str(ours.value) == str(theirs.value)
    assert paths.status("a\0b") is None and not Path("a\0b").exists()
