"""Reading the arguments of the imagekit tags.

The tags share one grammar::

    {% tag positional... name=value... [-- attr=value...] [as var] %}

``--`` starts the HTML attributes of the ``<img>`` the tag outputs; ``as var`` turns the tag into
an assignment (it outputs nothing), so the two cannot be combined. Every value is compiled as a
filter expression, so literals, variables and filters all work. Mistakes are reported when the
template is compiled, naming the tag and the offending bit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.template import Context, TemplateSyntaxError
from django.template.base import FilterExpression, Node, Parser, Token

from imagekit.templatetags._sizes import SizeError

HTML_ATTRS_MARKER = "--"
ASSIGNMENT_MARKER = "as"

_KEYWORD = re.compile(r"^([A-Za-z_]\w*)=(.+)$", re.DOTALL)
# HTML attribute names: letters, digits, "-", "_", ":" and "." (data-*, aria-*, xml:lang).
_ATTRIBUTE = re.compile(r"^([A-Za-z_:][-\w:.]*)=(.+)$", re.DOTALL)
_IDENTIFIER = re.compile(r"^[A-Za-z_]\w*$")


@dataclass
class TagArguments:
    """A tag's arguments, compiled; ``as_var`` is None unless the tag is an assignment."""

    tag_name: str
    positional: list[FilterExpression] = field(default_factory=list)
    keywords: dict[str, FilterExpression] = field(default_factory=dict)
    html_attrs: dict[str, FilterExpression] = field(default_factory=dict)
    as_var: str | None = None

    def error(self, message: str) -> TemplateSyntaxError:
        return TemplateSyntaxError(f"'{self.tag_name}' tag: {message}")

    def refuse_keywords(self, names: tuple[str, ...], reason: str) -> None:
        """Refuse keywords the tag fills in itself; ``reason`` says from what."""
        for name in names:
            if name in self.keywords:
                raise self.error(f"{name}= is set by {reason}; remove it")

    def check_literal(self, expression: FilterExpression, parse: Callable[[Any], object]) -> None:
        """Read a value written in the template now, so a typo fails when it is compiled."""
        value = literal(expression)
        if value is None:
            return
        try:
            parse(value)
        except SizeError as exc:
            raise self.error(str(exc)) from exc


def parse_tag(parser: Parser, token: Token) -> TagArguments:
    """Split ``token`` into positional and keyword arguments, HTML attributes and ``as var``."""
    tag_name, *bits = token.split_contents()
    args = TagArguments(tag_name)
    bits = _take_assignment(args, bits)
    bits, attr_bits = _take_html_attrs(args, bits)
    _read_arguments(args, parser, bits)
    _read_html_attrs(args, parser, attr_bits)
    return args


def _take_assignment(args: TagArguments, bits: list[str]) -> list[str]:
    """Remove a trailing ``as var`` and record ``var``."""
    if ASSIGNMENT_MARKER not in bits:
        return bits
    where = len(bits) - 1 - bits[::-1].index(ASSIGNMENT_MARKER)
    after = bits[where + 1 :]
    if not after:
        raise args.error("'as' must be followed by the name of a variable")
    if len(after) > 1:
        raise args.error(f"'as {after[0]}' must come last, but {after[1:]} follows it")
    if not _IDENTIFIER.match(after[0]):
        raise args.error(f"{after[0]!r} after 'as' is not a valid variable name")
    args.as_var = after[0]
    return bits[:where]


def _take_html_attrs(args: TagArguments, bits: list[str]) -> tuple[list[str], list[str]]:
    """Split the bits at ``--``: arguments before it, HTML attributes after it."""
    if HTML_ATTRS_MARKER not in bits:
        return bits, []
    where = bits.index(HTML_ATTRS_MARKER)
    attr_bits = bits[where + 1 :]
    if not attr_bits:
        raise args.error("'--' must be followed by HTML attributes, e.g. -- alt=\"...\"")
    if HTML_ATTRS_MARKER in attr_bits:
        raise args.error("'--' may appear only once")
    if args.as_var is not None:
        raise args.error(
            "HTML attributes (after '--') cannot be combined with 'as': the assignment form "
            "outputs no <img> to put them on"
        )
    return bits[:where], attr_bits


def _read_arguments(args: TagArguments, parser: Parser, bits: list[str]) -> None:
    for bit in bits:
        match = _KEYWORD.match(bit)
        if match is None:
            if args.keywords:
                raise args.error(f"positional argument {bit!r} follows a keyword argument")
            args.positional.append(parser.compile_filter(bit))
            continue
        name, value = match.groups()
        if name in args.keywords:
            raise args.error(f"keyword argument {name!r} is given twice")
        args.keywords[name] = parser.compile_filter(value)


def _read_html_attrs(args: TagArguments, parser: Parser, bits: list[str]) -> None:
    for bit in bits:
        match = _ATTRIBUTE.match(bit)
        if match is None:
            raise args.error(
                f'HTML attribute {bit!r} needs a value, written name=value (e.g. alt="...")'
            )
        name, value = match.groups()
        if name.lower() in {existing.lower() for existing in args.html_attrs}:
            raise args.error(f"HTML attribute {name!r} is given twice")
        args.html_attrs[name] = parser.compile_filter(value)


def resolve_all(expressions: Mapping[str, FilterExpression], context: Context) -> dict[str, Any]:
    return {name: expression.resolve(context) for name, expression in expressions.items()}


def literal(expression: FilterExpression) -> object | None:
    """The constant an expression stands for (a quoted string or a number), else None.

    Lets the tags check sizes and densities written in the template when it is compiled.
    """
    if expression.filters:
        return None
    var = expression.var
    if isinstance(var, str):  # Django keeps quoted strings as plain (safe) strings
        return str(var)
    return getattr(var, "literal", None)  # a number; None for a variable


class TagNode(Node):
    def __init__(self, args: TagArguments) -> None:
        self.keywords = args.keywords
        self.html_attrs = args.html_attrs
        self.as_var = args.as_var


class SourceSizeNode(TagNode):
    """A tag taking an optional generator id, a ``'WxH'`` size and a source, then keywords,
    ``--`` attributes and ``as var`` (``thumbnail``, ``picture``); ``usage`` shows the first
    two forms."""

    usage: str

    def __init__(self, args: TagArguments) -> None:
        if len(args.positional) not in (2, 3):
            raise args.error(
                "expects a size and a source, optionally preceded by a generator id: "
                f"{self.usage}; got {len(args.positional)} positional arguments"
            )
        super().__init__(args)
        self.generator_id = args.positional[0] if len(args.positional) == 3 else None
        self.size, self.source = args.positional[-2:]
