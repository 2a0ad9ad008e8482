"""A small HTML tree for tests of the browsable API's pages (no third-party parser)."""

from html.parser import HTMLParser

VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)


class Element:
    def __init__(self, tag: str, attrs: dict, parent=None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Element | str] = []

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self):
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs) -> list["Element"]:
        """Elements of ``tag`` whose attributes have the given values (True: present at all)."""
        found = []
        for element in self.iter():
            if tag is not None and element.tag != tag:
                continue
            wanted = {key.rstrip("_").replace("_", "-"): value for key, value in attrs.items()}
            if all(
                (key in element.attrs) if value is True else element.attrs.get(key) == value
                for key, value in wanted.items()
            ):
                found.append(element)
        return found

    def find(self, tag: str | None = None, **attrs) -> "Element":
        found = self.find_all(tag, **attrs)
        assert len(found) == 1, f"{len(found)} elements match {tag} {attrs}"
        return found[0]


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: ("" if v is None else v) for k, v in attrs}, self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html: str | bytes) -> Element:
    builder = _Builder()
    builder.feed(html.decode() if isinstance(html, bytes) else html)
    return builder.root


def field_value(form: Element, name: str) -> str:
    """What the form shows for ``name``: an input's value, a textarea's text, a select's choice."""
    group = form.find(data_field=name)
    for control in group.iter():
        if control.attrs.get("name") != name:
            continue
        if control.tag == "textarea":
            return control.text()
        if control.tag == "select":
            chosen = [o for o in control.find_all("option") if "selected" in o.attrs]
            return chosen[0].attrs.get("value", "") if chosen else ""
        return control.attrs.get("value", "")
    raise AssertionError(f"no control named {name}")


def field_errors(form: Element, name: str) -> list[str]:
    return [e.text().strip() for e in form.find(data_field=name).find_all(data_field_error=name)]
