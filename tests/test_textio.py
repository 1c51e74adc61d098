"""One decoding rule for every text the toolkit reads (valuechain.textio)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from valuechain.errors import InputError
from valuechain.textio import decode, load_yaml_file, read_decoded, split_front_matter

LATIN = "Licence accordée à Zoë — use permitted."
CHINESE = "国务院关于印发新一代人工智能发展规划的通知"


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [
        (LATIN.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + LATIN.encode("utf-8"), "utf-8-sig"),
        (LATIN.encode("utf-16"), "utf-16"),
        (LATIN.encode("utf-32"), "utf-32"),
        ("Permission is hereby granted to use.".encode("utf-16-le"), "utf-16-le"),
        ("Permission is hereby granted to use.".encode("utf-16-be"), "utf-16-be"),
        (LATIN.encode("cp1252"), "cp1252"),
        ("Licence accordée à Zoë.".encode("latin-1"), "cp1252"),  # charset-normalizer alone says cp1250
        (CHINESE.encode("gb18030"), "gb18030"),
        ("人工智能发展规划".encode("gb18030"), "gb18030"),  # charset-normalizer alone says cp949
    ],
)
def test_each_encoding_is_read_and_named(raw, encoding):
    decoded = decode(raw)
    assert decoded.encoding == encoding
    expected = raw.decode(encoding)
    assert decoded.text == expected.lstrip("\ufeff")


def test_read_decoded_names_the_encoding_and_the_file(tmp_path):
    path = tmp_path / "licence.txt"
    path.write_bytes(LATIN.encode("cp1252"))
    assert read_decoded(path, what="licence file").encoding == "cp1252"
    assert read_decoded("inline text\nwith two lines").encoding is None
    with pytest.raises(InputError, match=r"^The licence file .*missing\.txt does not exist\.$"):
        read_decoded(tmp_path / "missing.txt", what="licence file")


@pytest.mark.parametrize(
    "raw", [b"", b"  \n ", bytes(range(256)) * 4, b"\xff\xfe" + b"\x01\x00\x02\x00" * 400]
)
def test_empty_and_binary_input_is_one_sentence(raw):
    with pytest.raises(InputError) as info:
        decode(raw, where="The file x.txt")
    message = str(info.value)
    assert message.startswith("The file x.txt is ") and message.endswith(".") and "\n" not in message


@settings(max_examples=80, deadline=None)
@given(st.binary(max_size=3000))
def test_decode_never_crashes_and_always_names_its_encoding(raw):
    try:
        decoded = decode(raw)
    except InputError as exc:
        assert str(exc).endswith(".") and "\n" not in str(exc)
    else:
        known = {
            "utf-8",
            "utf-8-sig",
            "utf-16",
            "utf-32",
            "utf-16-le",
            "utf-16-be",
            "cp1252",
            "gb18030",
            "latin-1",
        }
        assert isinstance(decoded.text, str) and decoded.encoding in known


def test_front_matter_is_split_and_the_body_kept_verbatim():
    meta, body = split_front_matter("---\nkey: mit\nshort_name: MIT\n---\n\nPermission is granted.\n")
    assert meta == {"key": "mit", "short_name": "MIT"}
    assert body == "\nPermission is granted.\n"
    assert split_front_matter("no front matter\n---\n") == ({}, "no front matter\n---\n")
    assert split_front_matter("---\n: [unclosed\n---\nbody") == ({}, "---\n: [unclosed\n---\nbody")


def test_yaml_errors_name_the_file_and_line(tmp_path):
    path = tmp_path / "rules.yml"
    path.write_text("a: 1\nb: [2\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"^The rules file .*rules\.yml is not valid YAML at line \d+\.$"):
        load_yaml_file(path, "rules file")
