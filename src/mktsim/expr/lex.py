"""First pass over expression text, before Python's parser sees it.

It enforces what the parser should never have to cope with (length, line
breaks, invisible characters, backslashes, bracket nesting) and rewrites
percent literals.

Percent rule: ``%`` right after a number, with no space in between, is a
percent sign when no value follows it: ``30%`` is ``0.3``, as are ``30%)``,
``30% and ...`` and ``30% - 5`` (that is 0.3 - 5).  Otherwise ``%`` is the
remainder operator: ``7 % 2``, ``7 %2``, ``7%2`` and ``x % 2`` are all 1.  To
take a remainder by a negative number write ``7 % (-2)``.

The rewrite keeps every character in place so error columns stay right: a
percent ``%`` becomes ``j``, turning ``30%`` into the imaginary literal
``30j``, which the compiler reads back as ``0.3`` only at the recorded places
(an imaginary number written by the user is refused).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mktsim.expr.errors import ExpressionError

#: Longest accepted expression, in characters.
MAX_LENGTH = 2000
#: Deepest accepted nesting of brackets (and of the parsed tree).
MAX_NESTING = 32

_NUMBER = re.compile(r"(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_OPERATOR_WORDS = frozenset({"and", "or", "not", "if", "else", "in", "is"})
_OPERAND_START = ".'\"([{"
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
_LOOKALIKES = {
    "≤": "<=", "≥": ">=", "≠": "!=", "×": "*", "÷": "/", "−": "-", "–": "-", "—": "-",
    "‘": "'", "’": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"',
}


@dataclass(frozen=True)
class Prepared:
    """Expression text ready for ``ast.parse``.

    Attributes:
        text: the original text.
        source: the text to parse: ``text`` without surrounding blanks, with
            percent signs rewritten (same length as the stripped text).
        offset: index in ``text`` of ``source[0]``.
        percents: indices in ``text`` where a number written with ``%`` starts.
    """

    text: str
    source: str
    offset: int
    percents: frozenset[int]

    def from_column(self, column: int) -> int:
        """Convert an ``ast`` column (a UTF-8 byte offset in ``source``) to a text index."""
        if self.source.isascii():
            index = column
        else:
            index = len(self.source.encode("utf-8")[:column].decode("utf-8", "ignore"))
        return self.offset + index

    def from_source(self, index: int) -> int:
        """Convert an index into ``source`` to an index into ``text`` (clamped)."""
        return max(0, min(self.offset + index, len(self.text)))


def prepare(text: object) -> Prepared:
    """Check the raw text and rewrite percent literals.

    Raises:
        ExpressionError: for non-text, empty or over-long input, line breaks,
            backslashes, invisible or non-ASCII characters outside quotes,
            ``;``, ``#``, triple or unclosed quotes and brackets nested more
            than :data:`MAX_NESTING` deep.
    """
    if not isinstance(text, str):
        raise ExpressionError(f"an expression must be text, got {type(text).__name__}; "
                              "put it in quotes")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"expression is too long: {len(text)} characters",
                              expected=f"at most {MAX_LENGTH} characters")
    source = text.strip()
    offset = len(text) - len(text.lstrip())
    if not source:
        raise ExpressionError("empty expression", expected="a condition or a value")
    _check_characters(source, offset)
    return _Scanner(text, source, offset).run()


def _check_characters(source: str, offset: int) -> None:
    """Refuse line breaks, backslashes and invisible characters anywhere."""
    backslash = source.find("\\")
    if backslash >= 0:
        raise ExpressionError("backslashes are not allowed", offset + backslash)
    if source.isprintable():
        return
    for index, char in enumerate(source):
        if char in _LINE_BREAKS:
            raise ExpressionError("an expression must be written on a single line",
                                  offset + index)
        if not (char.isprintable() or char.isspace()):
            raise ExpressionError(f"invisible character U+{ord(char):04X} is not allowed",
                                  offset + index)


class _Scanner:
    """Walks the source once, token by token, skipping over quoted text."""

    def __init__(self, text: str, source: str, offset: int) -> None:
        self.text = text
        self.source = source
        self.offset = offset
        self.chars = list(source)
        self.percents: set[int] = set()
        self.depth = 0

    def error(self, message: str, index: int, expected: str | None = None) -> ExpressionError:
        """An error located at ``index`` in the source."""
        return ExpressionError(message, self.offset + index, expected)

    def run(self) -> Prepared:
        """Scan everything and return the prepared text."""
        index, size, source = 0, len(self.source), self.source
        while index < size:
            char = source[index]
            if char in "'\"":
                index = self.quoted(index)
            elif char.isascii() and (char.isdigit() or (char == "." and
                                     source[index + 1:index + 2].isdigit())):
                index = self.number(index)
            elif char.isascii() and (char.isalpha() or char == "_"):
                match = _WORD.match(source, index)
                index = match.end() if match else index + 1
            else:
                self.symbol(char, index)
                index += 1
        return Prepared(self.text, "".join(self.chars), self.offset, frozenset(self.percents))

    def quoted(self, index: int) -> int:
        """Skip a quoted text; return the index after its closing quote."""
        quote = self.source[index]
        if self.source.startswith(quote * 3, index):
            raise self.error("triple quotes are not allowed", index)
        end = self.source.find(quote, index + 1)
        if end < 0:
            raise self.error("text is missing its closing quote", index,
                             expected=f"a closing {quote}")
        return end + 1

    def number(self, index: int) -> int:
        """Skip a number, turning a percent sign right after it into ``j``."""
        match = _NUMBER.match(self.source, index)
        end = match.end() if match else index + 1
        if self.source[end:end + 1] == "%" and self.percent_follows(end + 1):
            self.chars[end] = "j"
            self.percents.add(self.offset + index)
            return end + 1
        return end

    def percent_follows(self, index: int) -> bool:
        """Whether a ``%`` ending just before ``index`` is a percent sign (no operand follows)."""
        source = self.source
        glued = _WORD.match(source, index)
        if glued and glued.group() in _OPERATOR_WORDS:
            raise self.error(f"put a space between '%' and {glued.group()!r}", index)
        if index < len(source) and (source[index].isalnum() or source[index] in "_" +
                                    _OPERAND_START):
            return False
        while index < len(source) and source[index].isspace():
            index += 1
        if index == len(source):
            return True
        match = _WORD.match(source, index)
        if match:
            return match.group() in _OPERATOR_WORDS
        return not (source[index].isdigit() or source[index] in _OPERAND_START)

    def symbol(self, char: str, index: int) -> None:
        """Check a character that is not part of a name, number or quoted text."""
        if char in "([{":
            self.depth += 1
            if self.depth > MAX_NESTING:
                raise self.error("expression is nested too deeply", index,
                                 expected=f"at most {MAX_NESTING} levels of brackets")
        elif char in ")]}":
            self.depth = max(0, self.depth - 1)
        elif char == ";":
            raise self.error("only one expression is allowed: ';' cannot be used", index)
        elif char == "#":
            raise self.error("comments ('#') are not allowed", index)
        elif char.isspace():
            self.chars[index] = " "
        elif not char.isascii():
            hint = _LOOKALIKES.get(char)
            raise self.error(f"unexpected character {char!r}", index,
                             expected=repr(hint) if hint else "plain ASCII outside quotes")
