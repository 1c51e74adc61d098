"""Reading text files: one decoding rule, front matter, YAML and its validation, shared by every domain.

The decoding rule (:func:`decode`), in order:

1. a byte-order mark (UTF-8, UTF-16, UTF-32) decides;
2. mostly-ASCII UTF-16 written without a BOM (NUL in every other byte) is read as UTF-16;
3. valid UTF-8 is UTF-8;
4. otherwise ``charset-normalizer`` chooses between the two legacy encodings our inputs come in:
   Windows-1252 (Western licence texts, a superset of Latin-1 for printable text) and GB18030 (Chinese
   policy documents, a superset of GBK and GB2312). Its choice is limited to these two because, left
   free, it reads short Latin-1 texts as Windows-1250 ("à" becomes "ŕ") and short GB18030 texts as
   Korean; if it finds neither plausible the bytes are read as Latin-1, which decodes every byte.

Bytes that are mostly control characters are refused as binary. Every result says which encoding was
used (:class:`DecodedText`), so a command can report it. Bad input raises
:class:`valuechain.errors.InputError` with one sentence.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import charset_normalizer
import yaml
from pydantic import BaseModel, ValidationError

from valuechain.errors import InputError

#: Largest text input accepted by default (a licence or model card is a few hundred kB at most).
MAX_TEXT_BYTES = 5 * 1024 * 1024

#: The legacy encodings charset-normalizer chooses between (see the module docstring).
LEGACY_ENCODINGS = ("cp1252", "gb18030")

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_HEAD = 8192
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
ModelT = TypeVar("ModelT", bound=BaseModel)
_FRONT_MATTER = re.compile(r"---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|$)", re.S)


@dataclass(frozen=True)
class DecodedText:
    """A decoded text and the encoding it was read in (None: the text was given as a string)."""

    text: str
    encoding: str | None


def decode(raw: bytes, where: str = "The input") -> DecodedText:
    """Decode ``raw`` by the module's rule; ``where`` starts the error sentence ("The licence file x")."""
    if not raw.strip():
        raise InputError(f"{where} is empty.")
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return DecodedText(_refuse_controls(raw.decode(encoding), where), encoding)
            except UnicodeDecodeError:
                raise InputError(
                    f"{where} starts with a {encoding} byte-order mark but is not valid {encoding}."
                ) from None
    head = raw[:_HEAD]
    if b"\x00" in head:
        utf16 = _utf16_without_bom(head)
        if utf16:
            try:
                return DecodedText(_refuse_controls(raw.decode(utf16), where), utf16)
            except UnicodeDecodeError:
                pass
        raise InputError(f"{where} is a binary file, not a text.")
    try:
        return DecodedText(raw.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    if controls > len(head) * 0.02:
        raise InputError(f"{where} is a binary file, not a text.")
    best = charset_normalizer.from_bytes(raw, cp_isolation=list(LEGACY_ENCODINGS)).best()
    if best is not None:
        return DecodedText(str(best), best.encoding)
    return DecodedText(raw.decode("latin-1"), "latin-1")


def decode_bytes(raw: bytes, where: str = "The input") -> str:
    """The text of ``raw`` decoded by :func:`decode` (without the encoding's name)."""
    return decode(raw, where).text


def _utf16_without_bom(head: bytes) -> str | None:
    """'utf-16-le' / 'utf-16-be' when the bytes look like mostly-ASCII UTF-16 written without a BOM."""
    if len(head) < 8:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) >= 0.9 * len(odd) and even.count(0) <= 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) >= 0.9 * len(even) and odd.count(0) <= 0.1 * len(odd):
        return "utf-16-be"
    return None


def _refuse_controls(text: str, where: str) -> str:
    """A decoded text full of control characters is a binary that happened to decode."""
    head = text[:_HEAD]
    controls = sum(1 for ch in head if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    if controls > len(head) * 0.02:
        raise InputError(f"{where} is a binary file, not a text.")
    return text


def _is_inline_text(path_or_text: str | Path) -> bool:
    """A str with a line break or longer than any path is the text itself, not a file name."""
    return isinstance(path_or_text, str) and ("\n" in path_or_text or len(path_or_text) > 4096)


def read_decoded(
    path_or_text: str | Path, what: str = "file", max_bytes: int = MAX_TEXT_BYTES
) -> DecodedText:
    """Read a text file by the decoding rule (or accept the text itself, see :func:`read_text`)."""
    if _is_inline_text(path_or_text):
        text = str(path_or_text)
        if len(text.encode("utf-8", "surrogatepass")) > max_bytes:
            raise InputError(f"The {what} text is larger than {max_bytes // (1024 * 1024)} MB.")
        if not text.strip():
            raise InputError(f"The {what} text is empty.")
        return DecodedText(text, None)
    path = Path(path_or_text)
    if not path.exists():
        raise InputError(f"The {what} {path} does not exist.")
    if path.is_dir():
        raise InputError(f"The {what} {path} is a directory, not a file.")
    if not path.is_file():  # a device, FIFO or socket (/dev/zero would never end)
        raise InputError(f"The {what} {path} is not a regular file.")
    size = path.stat().st_size
    if size > max_bytes:
        raise InputError(
            f"The {what} {path} is {size / 1024 / 1024:.0f} MB, larger than the "
            f"{max_bytes // (1024 * 1024)} MB limit for a text."
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise InputError(f"The {what} {path} cannot be read ({reason}).") from None
    return decode(raw, where=f"The {what} {path}")


def read_text(path_or_text: str | Path, what: str = "file", max_bytes: int = MAX_TEXT_BYTES) -> str:
    """Read a text file by the decoding rule; a str holding a line break (or longer than 4096
    characters) is taken as the text itself. ``what`` names the input in error sentences."""
    return read_decoded(path_or_text, what, max_bytes).text


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Split a ``---``-delimited YAML front matter (model card, ScanCode licence file) from the body.

    A text without front matter, or whose front matter is not valid YAML, comes back whole with empty
    metadata; the body is returned exactly as it follows the closing ``---`` line. (Hand-written rather
    than python-frontmatter, which strips the body: that changes a licence flag on the MIT reference
    text and the body of every YAML file that opens with a ``---`` document marker.)
    """
    stripped = text.lstrip("\ufeff")
    if not stripped.startswith("---"):
        return {}, text
    match = _FRONT_MATTER.match(stripped)
    if not match:
        return {}, text
    try:
        meta = yaml.load(match.group(1), Loader=_YAML_LOADER)
    except yaml.YAMLError:
        return {}, text
    return (meta if isinstance(meta, dict) else {}), stripped[match.end() :]


def load_yaml_text(text: str, where: str) -> Any:
    """Parse YAML (the C loader when available); invalid YAML is one sentence naming ``where``."""
    try:
        return yaml.load(text, Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark is not None else ""
        raise InputError(f"{where} is not valid YAML{line}.") from None


def load_yaml_file(path: str | Path, what: str) -> Any:
    """Read a YAML file by the decoding rule and parse it; errors name the file and ``what`` it is."""
    return load_yaml_text(read_text(path, what=what), f"The {what} {path}")


def validate_yaml(model: type[ModelT], data: Any, where: str) -> ModelT:
    """``data`` (parsed YAML) validated by the pydantic ``model``; the first problem as one sentence naming
    ``where`` (e.g. "The presets file x.yaml") and the place in the file, as an :class:`InputError`."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        place = ".".join(str(part) for part in error["loc"])
        message = (
            re.sub(r" or instance of \w+", "", str(error["msg"])).removeprefix("Value error, ").rstrip(".")
        )
        at = f" at {place}" if place else ""
        raise InputError(f"{where} is not valid{at}: {message}.") from None
