"""Read YAML into plain Python values while remembering where every key and item was.

PyYAML's `safe_load` forgets positions, so the text is composed into nodes once and walked
here: mappings become dicts (a duplicate key is an error, not last-wins), sequences lists,
scalars their YAML 1.1 values. `Document.at(path)` gives the position of a key path such as
`layers[1].weights` (indices counted from 1: the first layer), or of its nearest ancestor when
the key is missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from backcalc.errors import Location, SpecError

try:  # libyaml's composer is several times faster on large files, and keeps the marks
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


@dataclass(frozen=True)
class Document:
    """The data of a YAML file and the 1-based (line, column) of each key path in it."""

    file: str
    data: Any
    marks: dict[str, tuple[int, int]] = field(default_factory=dict)
    raw: dict[str, str] = field(default_factory=dict)  # scalars as written, by key path

    def at(self, path: str) -> Location:
        """The location of `path`, or of the closest enclosing key that has one (no line for
        data that was not read from text)."""
        if not self.marks:
            return Location(self.file, path=path)
        probe = path
        while probe:
            if probe in self.marks:
                line, column = self.marks[probe]
                return Location(self.file, line, column, path)
            probe = _parent(probe)
        line, column = self.marks.get("", (1, 1))
        return Location(self.file, line, column, path)

    def error(self, path: str, message: str) -> SpecError:
        return SpecError(message, self.at(path))


def _parent(path: str) -> str:
    cut = max(path.rfind("."), path.rfind("["))
    return path[:cut] if cut > 0 else ""


def child(path: str, key: str | int) -> str:
    """`layers` + 0 -> `layers[1]`; `layers[1]` + `bias` -> `layers[1].bias`. An index is
    Python's, from 0; the path counts from 1, as people (and "layer 1") do."""
    if isinstance(key, int):
        return f"{path}[{key + 1}]"
    return f"{path}.{key}" if path else key


def read_text(path: Path, name: str) -> str:
    """The UTF-8 text of the file at `path` (`name` in messages), or a SpecError."""
    if not path.exists():
        raise SpecError("no such file", Location(name))
    if not path.is_file():
        raise SpecError("not a file (a directory?)", Location(name))
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SpecError("not UTF-8 text", Location(name)) from None
    except OSError as error:
        raise SpecError(f"cannot read it: {error.strerror}", Location(name)) from None


def load(text: str, file: str) -> Document:
    """Compose `text` and return its data with positions; SpecError for invalid YAML."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file)
        problem = error.problem or error.context or "not valid YAML"
        raise SpecError(f"invalid YAML: {problem}", where) from None
    except yaml.YAMLError as error:  # the reader's: a control character, say; one line
        first = str(error).splitlines()[0] if str(error) else "not valid YAML"
        position = getattr(error, "position", None)  # a ReaderError: where, as a character
        where = Location(file)
        if isinstance(position, int) and 0 <= position <= len(text):
            line = text.count("\n", 0, position) + 1
            where = Location(file, line, position - (text.rfind("\n", 0, position) + 1) + 1)
        raise SpecError(f"invalid YAML: {first}", where) from None
    if root is None:
        raise SpecError("the file is empty: expected a mapping with `layers`", Location(file))
    walker = _Walker(file, {"": _position(root)})
    data = walker.value(root, "")
    return Document(file, data, walker.marks, walker.raw)


def from_data(data: Any, file: str) -> Document:
    """Python data (a dict from a notebook; numpy arrays and scalars allowed) as a Document
    with plain values, as if it had been read from YAML: mappings with str keys, lists, numbers."""
    return Document(file, _plain(data))


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if hasattr(value, "tolist") and callable(value.tolist):  # numpy arrays and scalars
        return _plain(value.tolist())
    return value


def _position(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


MAX_ALIAS_USES = 1000  # a YAML anchor used again this often is an expansion attack, not a spec


class _Walker:
    def __init__(self, file: str, marks: dict[str, tuple[int, int]]) -> None:
        self.file = file
        self.marks = marks
        self.walked: set[int] = set()  # the collections walked: one met again is an alias use
        self.open: set[int] = set()  # the collections being walked (this value is inside them)
        self.alias_uses = 0
        self.raw: dict[str, str] = {}
        self.constructor = yaml.constructor.SafeConstructor()

    def value(self, node: yaml.Node, path: str) -> Any:
        if isinstance(node, yaml.MappingNode | yaml.SequenceNode):
            if id(node) in self.walked:
                self.alias_uses += 1
                if self.alias_uses > MAX_ALIAS_USES:
                    raise SpecError(
                        f"too many uses of YAML anchors (more than {MAX_ALIAS_USES}): nested "
                        "aliases expand exponentially; write the values out",
                        self.location(node, path),
                    )
            if id(node) in self.open:  # `layers: &l [*l]`: a value inside itself, for ever
                raise SpecError(
                    "a YAML alias refers to the list or mapping it is in", self.location(node, path)
                )
            self.walked.add(id(node))
            self.open.add(id(node))
            try:
                if isinstance(node, yaml.MappingNode):
                    return self.mapping(node, path)
                items = []
                for index, item in enumerate(node.value):
                    self.marks[child(path, index)] = _position(item)
                    items.append(self.value(item, child(path, index)))
                return items
            finally:
                self.open.discard(id(node))
        self.raw[path] = str(node.value)
        try:
            return self.constructor.construct_object(node, deep=True)
        except yaml.MarkedYAMLError as error:  # an unknown tag, a merge key: one line, located
            problem = error.problem or "not a value YAML can read"
            raise SpecError(f"unreadable value: {problem}", self.location(node, path)) from None
        except (yaml.YAMLError, ValueError, TypeError, AttributeError, OverflowError):
            # a tag with content it cannot hold (!!float x, !!int 0xZZ, !!timestamp x), or an
            # integer beyond Python's 4,300-digit limit
            text = str(node.value)
            tag = node.tag.rsplit(":", 1)[-1]
            message = f"unreadable value {text!r} for its tag {tag}"
            if len(text) > 40:
                shown = f"{text[:20]}…"
                message = f"unreadable value {shown!r} ({len(text)} characters) for its tag {tag}"
            raise SpecError(message, self.location(node, path)) from None

    def mapping(self, node: yaml.MappingNode, path: str) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self.value(key_node, path)
            if not isinstance(key, str | int) or isinstance(key, bool):
                raise SpecError(
                    f"a key must be a name, found {key!r}", self.location(key_node, path)
                )
            name = child(path, str(key))
            if str(key) in result:
                first = self.marks[name][0]
                raise SpecError(
                    f"duplicate key '{key}' (first given on line {first})",
                    self.location(key_node, name),
                )
            self.marks[name] = _position(key_node)
            result[str(key)] = self.value(value_node, name)
        return result

    def location(self, node: yaml.Node, path: str) -> Location:
        line, column = _position(node)
        return Location(self.file, line, column, path)
