"""A compiled renderer: each SDK ``*Writer.write_one`` translated once into a Python function.

``render.write_plain`` used to drive the SDK's generated writers (``ovirtsdk4.writers``)
through ``ovtui.xmlwriter.XmlWriter``: a dozen method calls per element. The generated writers
have a very regular shape, so here each one's source is read (``ast``) and, when every
statement is one of the shapes below, translated into a function that appends finished
strings to a list, with the indentation of its depth precomputed:

- ``if singular is None: singular = 'x'`` then ``writer.write_start(singular)`` (first),
  ``writer.write_end()`` (last);
- ``href = obj.href`` / ``if href is not None: writer.write_attribute('href', href)`` and
  ``if obj.a is not None: writer.write_attribute('a', obj.a)`` (or ``obj.a.value``,
  ``str(obj.a)``), before any element;
- ``if obj.a is not None:`` one of ``Writer.write_string|boolean|integer|decimal|date(writer,
  'tag', obj.a)``, ``Writer.write_string(writer, 'tag', obj.a.value)`` (an enum),
  ``XWriter.write_one(obj.a, writer, 'tag')``, ``XWriter.write_many(obj.a, writer, 'one',
  'many')`` (when ``XWriter.write_many`` is the standard one), or a list of strings/enums
  (``writer.write_start('many')``, ``for item in obj.a: if item is not None:
  Writer.write_string(writer, 'one', item[.value])``, ``writer.write_end()``).

A writer with any other statement (or whose ``write_one`` is not the one in the SDK's file)
is not guessed at: it is written by the SDK's own writer through ``ovtui.xmlwriter``, set up
at the depth it is nested at, so the output is the same, only slower.

The output is ``ovtui.xmlwriter``'s byte for byte (libxml2's formatting: two spaces a level,
a text element on one line, an element without children as ``<x/>``; its escaping, NUL ending
a value). Values of an unexpected type go through the SDK's ``Writer.render_*`` and
``ovtui.xmlwriter``'s escapes, so they fail (or not) as they did.
``tests/sim/test_fastxml.py`` compares both on the whole seeded world and on hostile strings.
"""

from __future__ import annotations

import datetime
import enum
import inspect
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ovirtsdk4
from ovirtsdk4 import types as sdk_types
from ovirtsdk4 import writer as sdk_writer
from ovirtsdk4 import writers

from ovtui.xmlwriter import XmlWriter, escape_attribute, escape_text

# (obj, parts, parts.append, depth, tag) -> None: appends the element, starting with its
# newline and indentation ("\n" at depth 0, which the caller drops)
WriteFn = Callable[[Any, list[str], Callable[[str], None], int, "str | None"], None]


class _Indent(dict[int, str]):
    """depth -> newline plus two spaces a level, made once per depth."""

    def __missing__(self, depth: int) -> str:
        text = self[depth] = "\n" + "  " * depth
        return text


NL = _Indent()
# a value holding none of these is written as it is (escape_text/escape_attribute otherwise)
_TEXT_SPECIAL = re.compile('[\x00&<>"\r]').search
_ATTR_SPECIAL = re.compile('[\x00&<>"\n\r\t\x80-\U0010ffff]').search


class _Nested(XmlWriter):
    """``ovtui.xmlwriter.XmlWriter`` as it stands inside ``depth`` open elements whose start
    tags are already closed: what the SDK writes through it nests at that depth."""

    def __init__(self, depth: int) -> None:
        super().__init__(None, indent=True)
        self._open_elements = [("", True)] * depth
        self._parts = [""]  # not the document's start: the first element gets its newline


def _fallback(sdk_write_one: Callable[..., None]) -> WriteFn:
    def write(obj: Any, p: list[str], a: Callable[[str], None], d: int, tag: str | None) -> None:
        xw = _Nested(d)
        sdk_write_one(obj, xw, tag)
        a("".join(xw._parts))  # noqa: SLF001 - set up by _Nested

    return write


_RE_DEFAULT = re.compile(r"if singular is None:\n    singular = '(\w+)'")
_RE_HREF = (
    "href = obj.href",
    "if href is not None:\n    writer.write_attribute('href', href)",
)
_RE_ATTR = re.compile(  # the value as it is, an enum's value, or str() of it
    r"if obj\.(\w+) is not None:\n"
    r"    writer\.write_attribute\('(\w+)', (obj\.\1|obj\.\1\.value|str\(obj\.\1\))\)"
)
_RE_SCALAR = re.compile(
    r"if obj\.(\w+) is not None:\n"
    r"    Writer\.write_(string|boolean|integer|decimal|date)\(writer, '(\w+)', obj\.\1(\.value)?\)"
)
_RE_ONE = re.compile(
    r"if obj\.(\w+) is not None:\n    (\w+)\.write_one\(obj\.\1, writer, '(\w+)'\)"
)
_RE_MANY = re.compile(
    r"if obj\.(\w+) is not None:\n    (\w+)\.write_many\(obj\.\1, writer, '(\w+)', '(\w+)'\)"
)
_RE_STRINGS = re.compile(
    r"if obj\.(\w+) is not None:\n"
    r"    writer\.write_start\('(\w+)'\)\n"
    r"    for item in obj\.\1:\n"
    r"        if item is not None:\n"
    r"            Writer\.write_string\(writer, '(\w+)', item(\.value)?\)\n"
    r"    writer\.write_end\(\)"
)
_STANDARD_MANY = """\
if singular is None:
    singular = '{one}'
if plural is None:
    plural = '{many}'
writer.write_start(plural)
if isinstance(objs, List):
    href = objs.href
    if href is not None:
        writer.write_attribute('href', href)
for obj in objs:
    {cls}.write_one(obj, writer, singular)
writer.write_end()"""


def _text(expr: str) -> str:
    """An f-string field writing str ``expr`` (a local name) as element text."""
    return f"{{{expr} if type({expr}) is str and not TX({expr}) else ET({expr})}}"


def _attr(expr: str) -> str:
    return f"{{{expr} if type({expr}) is str and not AX({expr}) else EA({expr})}}"


_SCALAR = {  # kind -> an f-string field writing local ``v`` as the SDK's Writer.write_<kind>
    "string": _text("v"),
    "boolean": '{"true" if v is True else "false" if v is False else RB(v)}',
    "integer": "{v if type(v) is int else ET(RI(v))}",
    "decimal": "{ET(RD(v))}",
    "date": "{v.isoformat() if type(v) is DT else ET(RT(v))}",
}


# the code of the SDK's getters: def x(self): return self._x
_TRIVIAL_GETTER = vars(ovirtsdk4.Struct)["href"].fget.__code__.co_code


def _direct_types(fields: list[str]) -> tuple[set[type], Callable[[type], bool]]:
    """``(ok, check)``: ``check(cls)`` tells whether reading ``obj._<f>`` of an instance of
    ``cls`` is reading ``obj.<f>`` for each of ``fields`` (the SDK's plain getters, nothing
    overriding attribute access), so the translation may skip the properties; it adds such a
    class to ``ok`` (which the translation tests first) and remembers the others."""
    ok: set[type] = set()
    refused: set[type] = set()

    def plain(cls: type) -> bool:
        if cls.__getattribute__ is not object.__getattribute__ or hasattr(cls, "__getattr__"):
            return False
        for field in fields:
            prop = inspect.getattr_static(cls, field, None)
            code = getattr(getattr(prop, "fget", None), "__code__", None)
            if type(prop) is not property or code is None:
                return False
            if code.co_code != _TRIVIAL_GETTER or code.co_names != ("_" + field,):
                return False
            if code.co_argcount != 1 or code.co_freevars or code.co_cellvars:
                return False
        return True

    def check(cls: type) -> bool:
        if cls in ok:
            return True
        if cls in refused:
            return False
        (ok if plain(cls) else refused).add(cls)
        return cls in ok

    return ok, check


def _enum_texts() -> dict[int, str]:
    """id of each member of the SDK's enums -> its value as element text."""
    out: dict[int, str] = {}
    for item in vars(sdk_types).values():
        if isinstance(item, type) and issubclass(item, enum.Enum):
            for member in item:
                if isinstance(member.value, str):
                    out[id(member)] = escape_text(member.value)
    return out


class Translator:
    """Translates the SDK's writers lazily: ``w_<Name>`` starts as a stub that translates
    (or falls back for) its writer on its first call and puts the result in its place."""

    def __init__(self) -> None:
        self.path = writers.__file__
        self.lines = Path(self.path).read_text(encoding="utf-8").splitlines()
        self.spans: dict[str, tuple[int, int]] = {}  # writer class -> its lines [start, end)
        name, start = "", 0
        for i, line in enumerate(self.lines):
            if line[:1] not in ("", " "):
                if name:
                    self.spans[name] = (start, i)
                m = re.fullmatch(r"class (\w+)\(Writer\):", line)
                name, start = (m.group(1), i) if m else ("", 0)
        if name:
            self.spans[name] = (start, len(self.lines))
        self.sdk_ok = writers.Writer is sdk_writer.Writer and writers.List is ovirtsdk4.List
        self.namespace: dict[str, Any] = {
            "NL": NL,
            "TX": _TEXT_SPECIAL,
            "AX": _ATTR_SPECIAL,
            "ET": escape_text,
            "EA": escape_attribute,
            "RB": sdk_writer.Writer.render_boolean,
            "RI": sdk_writer.Writer.render_integer,
            "RD": sdk_writer.Writer.render_decimal,
            "RT": sdk_writer.Writer.render_date,
            "DT": datetime.datetime,
            "List": ovirtsdk4.List,
            "EV": _enum_texts(),
        }
        for name in self.spans:
            self.namespace[f"w_{name}"] = self._stub(name)
        self.done: dict[str, WriteFn] = {}
        self.compiled: set[str] = set()  # writer classes translated (the others fall back)
        self.lock = threading.RLock()
        self.by_type: dict[type, WriteFn] = {}

    def _stub(self, name: str) -> WriteFn:
        def first_call(
            obj: Any, p: list[str], a: Callable[[str], None], d: int, tag: str | None
        ) -> None:
            self.function(name)(obj, p, a, d, tag)

        return first_call

    def function(self, name: str) -> WriteFn:
        """The function writing as ``writers.<name>.write_one`` does (made on first use)."""
        fn = self.done.get(name)
        if fn is not None:
            return fn
        with self.lock:
            fn = self.done.get(name)
            if fn is None:
                src = self.translate(name) if self.sdk_ok else None
                if src is None:
                    fn = _fallback(getattr(writers, name).write_one)
                else:
                    exec(compile(src, f"<fastxml {name}>", "exec"), self.namespace)  # noqa: S102 - our own translation of the SDK's code
                    fn = self.namespace[f"w_{name}"]
                    self.compiled.add(name)
                self.namespace[f"w_{name}"] = self.done[name] = fn
            return fn

    def translated(self, writer_name: str) -> bool:
        """Whether SDK writer ``writer_name`` is written by a translation (False when it
        falls back to the SDK's own writer)."""
        self.function(writer_name)
        return writer_name in self.compiled

    def writer_function(self, writer_cls: Any) -> WriteFn:
        """The function for SDK writer class ``writer_cls`` (the class's own ``write_one``
        through ``ovtui.xmlwriter`` when it is not the SDK's class of that name)."""
        name = writer_cls.__name__
        if name not in self.spans or getattr(writers, name, None) is not writer_cls:
            return _fallback(writer_cls.write_one)
        return self.function(name)

    def write(self, obj: Any, tag: str | None) -> str:
        """``obj`` written by the SDK writer of its type name (``writers.<Type>Writer``)
        as element ``tag``, with the final newline."""
        fn = self.by_type.get(type(obj))
        if fn is None:
            writer_cls = getattr(writers, type(obj).__name__ + "Writer")
            fn = self.by_type[type(obj)] = self.writer_function(writer_cls)
        parts: list[str] = []
        fn(obj, parts, parts.append, 0, tag)
        parts[0] = parts[0][1:]  # the document starts without a newline
        return "".join(parts) + "\n"

    def _method(self, name: str, method: str) -> list[str] | None:
        """The statements (each dedented to column 0) of ``writers.<name>.<method>``, when
        the running method is this static method of the SDK's file (not replaced since)."""
        span = self.spans.get(name)
        cls = getattr(writers, name, None)
        if span is None or cls is None:
            return None
        func = cls.__dict__.get(method)
        code = getattr(getattr(func, "__func__", None), "__code__", None)
        if not isinstance(func, staticmethod) or code is None or code.co_filename != self.path:
            return None
        deco = code.co_firstlineno - 1  # the decorator's line (0-based)
        lines = self.lines
        if not span[0] < deco < span[1] - 1 or lines[deco] != "    @staticmethod":
            return None
        if not lines[deco + 1].startswith(f"    def {method}("):
            return None
        stmts: list[list[str]] = []
        end = deco + 2
        while end < span[1] and lines[end].startswith("        "):
            end += 1
        after = next((line for line in lines[end : span[1]] if line.strip()), "")
        if after.startswith("     "):
            return None  # a blank line inside the method: not the usual shape
        for line in lines[deco + 2 : end]:
            if line[8] != " ":
                stmts.append([])
            if not stmts:
                return None
            stmts[-1].append(line[8:])
        return ["\n".join(s) for s in stmts]

    def _many_tags(self, name: str) -> tuple[str, str] | None:
        """The default tags of ``writers.<name>.write_many`` when it is the standard one."""
        body = self._method(name, "write_many")
        if not body or len(body) < 2:
            return None
        one = re.fullmatch(r"if singular is None:\n    singular = '(\w+)'", body[0])
        many = re.fullmatch(r"if plural is None:\n    plural = '(\w+)'", body[1])
        if one is None or many is None:
            return None
        tags = one.group(1), many.group(1)
        standard = _STANDARD_MANY.format(one=tags[0], many=tags[1], cls=name)
        return tags if "\n".join(body) == standard else None

    def translate(self, name: str) -> str | None:
        """The source of ``w_<name>``, or None when its write_one has a statement not known."""
        stmts = self._method(name, "write_one")
        if stmts is None or len(stmts) < 3:
            return None
        default = _RE_DEFAULT.fullmatch(stmts[0])
        if default is None or stmts[1] != "writer.write_start(singular)":
            return None
        if stmts[-1] != "writer.write_end()":
            return None
        out = [
            f"def s_{name}(obj, p, a, d, tag):",
            "    if tag is None:",
            f"        tag = '{default.group(1)}'",
            "    n1 = NL[d + 1]",
            "    d1 = d + 1",
            "    s = NL[d] + '<' + tag",
        ]
        rest = stmts[2:-1]
        if rest[:2] == list(_RE_HREF):
            out += [
                "    v = obj.href",
                "    if v is not None:",
                f"        s += f' href=\"{_attr('v')}\"'",
            ]
            rest = rest[2:]
        while rest and (m := _RE_ATTR.fullmatch(rest[0])):
            attr, xml, how = m.groups()
            out += [f"    v = obj.{attr}", "    if v is not None:"]
            if how.endswith(".value"):
                out.append("        v = v.value")
            elif how.startswith("str("):
                out.append("        v = str(v)")
            out.append(f"        s += f' {xml}=\"{_attr('v')}\"'")
            rest = rest[1:]
        out += ["    a(s + '>')", "    m = len(p)"]
        for stmt in rest:
            code = self._element(stmt)
            if code is None:
                return None
            out += code
        out += [
            "    if len(p) == m:",
            "        p[-1] = p[-1][:-1] + '/>'",
            "    else:",
            "        a(NL[d] + '</' + tag + '>')",
        ]
        slow = "\n".join(out)
        fields = sorted(set(re.findall(r"\bobj\.(\w+)", slow)))
        self.namespace[f"K_{name}"], self.namespace[f"F_{name}"] = _direct_types(fields)
        fast = re.sub(r"\bobj\.(\w+)", r"obj._\1", slow)
        fast = fast.replace(
            f"def s_{name}(obj, p, a, d, tag):",
            f"def w_{name}(obj, p, a, d, tag):\n"
            f"    if type(obj) not in K_{name} and not F_{name}(type(obj)):\n"
            f"        return s_{name}(obj, p, a, d, tag)",
            1,
        )
        return slow + "\n\n" + fast

    def _element(self, stmt: str) -> list[str] | None:
        if m := _RE_SCALAR.fullmatch(stmt):
            attr, kind, xml, enum = m.groups()
            if enum and kind != "string":
                return None
            head = [f"    v = obj.{attr}", "    if v is not None:"]
            if enum:  # (an SDK enum member's text is known; anything else as the SDK does)
                head.append("        v = EV.get(id(v)) or ET(v.value)")
                return [*head, f"        a(f'{{n1}}<{xml}>{{v}}</{xml}>')"]
            return [*head, f"        a(f'{{n1}}<{xml}>{_SCALAR[kind]}</{xml}>')"]
        if m := _RE_ONE.fullmatch(stmt):
            attr, cls, xml = m.groups()
            if cls not in self.spans:
                return None
            return [
                f"    v = obj.{attr}",
                "    if v is not None:",
                f"        w_{cls}(v, p, a, d1, '{xml}')",
            ]
        if m := _RE_MANY.fullmatch(stmt):
            attr, cls, one, many = m.groups()
            if cls not in self.spans or self._many_tags(cls) is None:
                return None
            return [
                f"    v = obj.{attr}",
                "    if v is not None:",
                f"        s = n1 + '<{many}'",
                "        if isinstance(v, List):",
                "            h = v.href",
                "            if h is not None:",
                f"                s += f' href=\"{_attr('h')}\"'",
                "        a(s + '>')",
                "        k = len(p)",
                "        d2 = d1 + 1",
                "        for o in v:",
                f"            w_{cls}(o, p, a, d2, '{one}')",
                "        if len(p) == k:",
                "            p[-1] = p[-1][:-1] + '/>'",
                "        else:",
                f"            a(n1 + '</{many}>')",
            ]
        if m := _RE_STRINGS.fullmatch(stmt):
            attr, many, one, enum = m.groups()
            return [
                f"    v = obj.{attr}",
                "    if v is not None:",
                f"        a(n1 + '<{many}>')",
                "        k = len(p)",
                "        n2 = NL[d1 + 1]",
                "        for it in v:",
                "            if it is not None:",
                *(
                    [
                        "                it = EV.get(id(it)) or ET(it.value)",
                        f"                a(f'{{n2}}<{one}>{{it}}</{one}>')",
                    ]
                    if enum
                    else [f"                a(f'{{n2}}<{one}>{_text('it')}</{one}>')"]
                ),
                "        if len(p) == k:",
                "            p[-1] = p[-1][:-1] + '/>'",
                "        else:",
                f"            a(n1 + '</{many}>')",
            ]
        return None


_TRANSLATOR: Translator | None = None
_MAKE_LOCK = threading.Lock()


def translator() -> Translator:
    """The process's translator (made on first use)."""
    global _TRANSLATOR
    if _TRANSLATOR is None:
        with _MAKE_LOCK:
            if _TRANSLATOR is None:
                _TRANSLATOR = Translator()
    return _TRANSLATOR


def write(obj: Any, tag: str | None) -> str:
    """``obj`` written by the SDK writer of its type name as element ``tag``, as the SDK
    writer through ``ovtui.xmlwriter`` writes it (with the final newline)."""
    return (_TRANSLATOR or translator()).write(obj, tag)
