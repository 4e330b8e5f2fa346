"""The narrative staff write on a draft donor report: the limited rich text of a work package's "work
done" (paragraphs, bold, italic and lists, edited with Draftail, `RICH_TEXT_FEATURES`), cleaned to a
small fixed set of tags before it is stored or frozen, and read back as blocks by the PDF.

`clean_rich_text(html)` keeps only <p>, <b>, <i>, <ul>, <ol>, <li> and <br/> (strong and em become b
and i), drops every attribute, link, image and embed (their text is kept), and escapes all text. The
result is what the report's data keeps, so the PDF never sees anything else. `blocks(html)` splits
cleaned text into paragraphs and list items for the PDF; `plain_text(html)` is its text alone (to
tell an empty editor, "<p></p>", from a written narrative).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser

# What the editor offers (Wagtail's Draftail feature names).
RICH_TEXT_FEATURES = ["bold", "italic", "ol", "ul"]

_INLINE = {"b": "b", "strong": "b", "i": "i", "em": "i"}
_BLOCK = {"p", "ul", "ol", "li"}


class _Cleaner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        elif tag in _INLINE:
            self.out.append(f"<{_INLINE[tag]}>")
            self.open.append(_INLINE[tag])
        elif tag in _BLOCK:
            self.out.append(f"<{tag}>")
            self.open.append(tag)
        elif tag == "br":
            self.out.append("<br/>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.out.append("<br/>")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
            return
        name = _INLINE.get(tag, tag if tag in _BLOCK else None)
        if name is None or name not in self.open:
            return
        # Close everything opened after it too, so the result is always well nested.
        while self.open:
            last = self.open.pop()
            self.out.append(f"</{last}>")
            if last == name:
                break

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.out.append(escape(data, quote=False))

    def result(self) -> str:
        while self.open:
            self.out.append(f"</{self.open.pop()}>")
        return "".join(self.out).strip()


def clean_rich_text(html: str) -> str:
    """`html` with only the narrative's tags, no attributes, text escaped."""
    cleaner = _Cleaner()
    cleaner.feed(html or "")
    cleaner.close()
    return cleaner.result()


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(html: str) -> str:
    parser = _Text()
    parser.feed(html or "")
    parser.close()
    return " ".join("".join(parser.parts).split())


@dataclass(frozen=True)
class Block:
    """A paragraph ("p") or a list item ("ul" or "ol", with its number in an ordered list); `html` is
    its inline content (<b>, <i>, <br/> and escaped text)."""

    kind: str
    html: str
    number: int = 0


class _Blocks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.blocks: list[Block] = []
        self.lists: list[list] = []  # [kind, counter]
        self.current: list[str] | None = None

    def _flush(self) -> None:
        if self.current is not None:
            text = "".join(self.current).strip()
            if text:
                if self.lists:
                    kind, counter = self.lists[-1]
                    self.blocks.append(Block(kind, text, counter))
                else:
                    self.blocks.append(Block("p", text))
        self.current = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("ul", "ol"):
            self._flush()
            self.lists.append([tag, 0])
        elif tag == "li":
            self._flush()
            if self.lists:
                self.lists[-1][1] += 1
            self.current = []
        elif tag == "p":
            self._flush()
            self.current = []
        elif tag in ("b", "i"):
            self._text(f"<{tag}>")
        elif tag == "br":
            self._text("<br/>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self._text("<br/>")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("b", "i"):
            self._text(f"</{tag}>")
        elif tag in ("p", "li"):
            self._flush()
        elif tag in ("ul", "ol"):
            self._flush()
            if self.lists:
                self.lists.pop()

    def _text(self, text: str) -> None:
        if self.current is None:
            self.current = []
        self.current.append(text)

    def handle_data(self, data: str) -> None:
        self._text(data)

    def handle_entityref(self, name: str) -> None:
        self._text(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self._text(f"&#{name};")

    def result(self) -> list[Block]:
        self._flush()
        return self.blocks


def blocks(html: str) -> list[Block]:
    """Cleaned narrative HTML as paragraphs and list items, in order."""
    parser = _Blocks()
    parser.feed(clean_rich_text(html))
    parser.close()
    return parser.result()
