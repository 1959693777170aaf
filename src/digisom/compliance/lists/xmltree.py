"""A tiny XML tree with line numbers, built on expat, for the UN consolidated list.

The standard ElementTree does not keep line numbers, and a rejection must name the line. Entity
declarations are refused outright: sanctions lists never need them, and refusing them closes the
door on entity-expansion attacks from a tampered download.
"""

import xml.parsers.expat
from dataclasses import dataclass, field
from pathlib import Path

from digisom.compliance.lists.errors import ListFormatError


@dataclass(slots=True)
class Node:
    """One element: tag, the line it starts on, its text and its child elements."""

    tag: str
    line: int
    text: str = ""
    children: list["Node"] = field(default_factory=list)

    def child(self, tag: str) -> "Node | None":
        """The first child with this tag, if any."""
        for node in self.children:
            if node.tag == tag:
                return node
        return None

    def all(self, tag: str) -> list["Node"]:
        """Every child with this tag, in document order."""
        return [node for node in self.children if node.tag == tag]

    def text_of(self, tag: str) -> str:
        """Stripped text of the first child with this tag, "" if absent."""
        node = self.child(tag)
        return node.text.strip() if node is not None else ""


class _EntityDeclared(Exception):
    pass


def parse_xml(path: Path, text: str) -> Node:
    """Parse a whole document into nodes, or raise `ListFormatError` with the failing line."""
    parser = xml.parsers.expat.ParserCreate()
    root = Node("", 0)
    stack: list[Node] = [root]

    def start(tag: str, _attributes: dict[str, str]) -> None:
        node = Node(tag, parser.CurrentLineNumber)
        stack[-1].children.append(node)
        stack.append(node)

    def end(_tag: str) -> None:
        stack.pop()

    def characters(data: str) -> None:
        stack[-1].text += data

    def entity(*_arguments: object) -> None:
        raise _EntityDeclared

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    parser.EntityDeclHandler = entity
    try:
        parser.Parse(text, True)
    except xml.parsers.expat.ExpatError as error:
        raise ListFormatError(path, error.lineno, f"broken XML: {error}") from error
    except _EntityDeclared as error:
        line = parser.CurrentLineNumber
        raise ListFormatError(path, line, "XML entity declarations are not allowed") from error
    if len(root.children) != 1:
        raise ListFormatError(path, 1, "expected exactly one root element")
    return root.children[0]
