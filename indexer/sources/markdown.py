"""Markdown → plain text, YAML front matter, and the layout junk of converted documents.

Bulletins reach us as Markdown written by people (Jekyll posts with front matter and HTML
carousels) and by converters (PDF/Word → Markdown, with logo blocks in bold and pandoc grid
tables). A CommonMark parser (markdown-it-py) gets escapes, nested emphasis and HTML blocks right
where regexes would not; we render its tokens back to lines, keeping the line structure the
extractor relies on (logo block, dateline, bulletin number each on their own line).
"""
from __future__ import annotations

import datetime as _dt
import html
import re

import yaml
from markdown_it import MarkdownIt

from ..document import Heading
from .tidy import one_line

_PARSER = (
    MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False})
    .enable(["table", "strikethrough"])
    # Indented code blocks do not occur in bulletins; indented prose (wrapped list items,
    # quoted paragraphs) must stay prose so its markup is parsed, not kept verbatim.
    .disable("code")
)

# --- front matter -------------------------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n?^(?:---|\.\.\.)[ \t]*$\n?", re.S | re.M)
_FRONT_MATTER_WINDOW = 1 << 16
_LOOSE_PAIR = re.compile(r"^([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*$")


def split_front_matter(text: str) -> tuple[dict, str, list[str]]:
    """(front matter, body, warnings). Bad YAML is a warning with a best-effort key: value read, never a failure."""
    if not text.startswith("---"):
        return {}, text, []
    match = _FRONT_MATTER.match(text[:_FRONT_MATTER_WINDOW])
    if not match:
        return {}, text, []
    block, body = match.group(1), text[match.end():]
    try:
        data = yaml.load(block, Loader=_FrontMatterLoader) if block.strip() else {}
        if isinstance(data, dict):
            data = {str(key): _plain(value) for key, value in data.items()}
    except (yaml.YAMLError, RecursionError) as exc:  # recursion: self-referencing or absurdly nested YAML
        loose = _loose_pairs(block)
        if not loose:  # not front matter at all, just a rule above the text
            return {}, text, []
        problem = getattr(exc, "problem", None) or str(exc)[:60] or type(exc).__name__
        return loose, body, [f"front matter YAML inválido ({problem}); leído como clave: valor"]
    if data is None:
        return {}, body, []
    if not isinstance(data, dict):
        return {}, text, []  # a '---' rule followed by prose, not metadata
    return data, body, []


class _FrontMatterLoader(yaml.SafeLoader):
    """SafeLoader that refuses alias-heavy YAML ('billion laughs'): shared references would
    explode when the values are copied or serialized later."""

    max_aliases = 50

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            self.aliases_seen = getattr(self, "aliases_seen", 0) + 1
            if self.aliases_seen > self.max_aliases:
                raise yaml.YAMLError("demasiados alias YAML")
        return super().compose_node(parent, index)


def _loose_pairs(block: str) -> dict:
    pairs = {}
    for line in block.splitlines():
        match = _LOOSE_PAIR.match(line)
        if match:
            pairs[match.group(1)] = match.group(2).strip("\"'")
    return pairs


def _plain(value):
    """YAML values made JSON-friendly: dates and datetimes become ISO strings."""
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


# --- detection and layout junk -------------------------------------------------------------

_MARKDOWN_SIGNAL = re.compile(
    r"""
      ^[ ]{0,3}\#{1,6}[ \t]+\S                       # ATX heading
    | \*\*[^\s*] | [^\s*]\*\*                        # **strong**
    | ^[ ]{0,3}\*{1,3}[ \t]+\S                       # '* item', stray '** ' openers
    | (?<![\w*])\*[^\s*][^*]{0,300}?[^\s*]\*(?![\w*])   # *emphasis*, maybe over a line end
    | (?<!\w)__?[^\s_][^_]{0,300}?[^\s_]__?(?!\w)  # _emphasis_
    | ^[ \t]*(?:[-+•][ \t]+)?__?[^\s_]              # a line opening with '_' (emphasis left unclosed)
    | \]\([^)\n]*\)                                  # [text](url)
    | !\[                                            # image
    | ^[ ]{0,3}<(?:div|img|p|br|span|a|b|i|strong|em|center|font|table|figure|iframe|section|script|style)\b
    | ^[ ]{0,3}>[ ]                                  # block quote
    | \\[\\`*_{}\[\]()#+.!|-]                        # backslash escape
    """,
    re.M | re.X | re.I,
)
_CHEAP_HINTS = ("*", "#", "](", "![", "<", ">", "_", "\\")


def looks_like_markdown(text: str) -> bool:
    """True when plain text carries Markdown markup worth parsing; cheap on plain prose."""
    if not any(hint in text for hint in _CHEAP_HINTS):
        return False
    return _MARKDOWN_SIGNAL.search(text) is not None


_LAYOUT_HINT = re.compile(r"^[ \t]*[+|\[]", re.M)
_GRID_BORDER = re.compile(r"^[ \t]*\+(?:[-=:]+\+)+[ \t]*$")
_PIPE_ROW = re.compile(r"^[ \t]*\|.*\|[ \t]*$")
_EMPTY_CELL = re.compile(r"^(?:\[\]|[-=:\s]*)$")
# '[C:\\Users\\...\\WhatsApp Image.jpeg]', '[]': what converters leave where an image was.
_IMAGE_PLACEHOLDER = re.compile(
    r"^[ \t]*\[(?:[^\]\n]*\.(?:jpe?g|png|gif|bmp|tiff?|webp|emf|wmf|svg))?\][ \t]*$", re.I
)


def strip_layout_junk(text: str) -> str:
    """Drop grid-table borders, empty/image-only table rows and image placeholders; keep rows with words as 'a | b'.

    Converters wrap logos in tables (`+----+--+` / `| [] |  |`) and leave `[photo.jpeg]` where a
    picture was; none of it is text.
    """
    if ("|" not in text and "+-" not in text and "+=" not in text and "[" not in text) or not _LAYOUT_HINT.search(text):
        return text
    lines = []
    for line in text.split("\n"):
        if _GRID_BORDER.match(line) or _IMAGE_PLACEHOLDER.match(line):
            continue
        if _PIPE_ROW.match(line):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            cells = [cell for cell in cells if not _EMPTY_CELL.match(cell)]
            if not any(re.search(r"\w", cell) for cell in cells):
                continue
            line = " | ".join(cells)
        lines.append(line)
    return "\n".join(lines)


# --- rendering -------------------------------------------------------------------------------

# '*' and '_' runs not closing or opening anything (next to a space or a line edge) are
# leftovers of broken emphasis, e.g. '** Con la participación ...*' or '_SEDE DEL DEBATE _'.
_WORD_STARS_WORD = re.compile(r"(?<=\w)\*{2,}(?=\w)")
_STRAY_MARKS = re.compile(r"(?<!\S)(?:\*{1,3}|_{1,3})|(?:\*{1,3}|_{1,3})(?!\S)")
_HTML_DROP = re.compile(r"<!--.*?-->|<(script|style|noscript|template)\b.*?</\1\s*>", re.S | re.I)
_HTML_BREAK = re.compile(r"<(?:br|/?p|/?div|/?li|/?tr|/?h[1-6]|/?table|/?section|/?figure|/?blockquote)\b[^>]*>", re.I)
_HTML_TAG = re.compile(r"<[^>]*>")


def html_fragment_text(fragment: str) -> str:
    """Text of an HTML block embedded in Markdown: tags, scripts and comments gone, block tags as line breaks."""
    fragment = _HTML_DROP.sub("", fragment)
    fragment = _HTML_BREAK.sub("\n", fragment)
    fragment = _HTML_TAG.sub("", fragment)
    return html.unescape(fragment)


# Backslashes left before punctuation: converters double-escape ('Oi\\\\_w' in the file for 'Oi_w').
_LEFTOVER_ESCAPE = re.compile(r"\\+(?=[!-/:-@\[-`{-~])")


def _unstar(text: str) -> str:
    """Clear what survives the parse of broken markup: stray '*'/'_' runs and doubled escapes."""
    if "**" in text:  # never prose; between two words it stood for a space
        text = _WORD_STARS_WORD.sub(" ", text).replace("**", "")
    if "*" in text or "_" in text:
        text = _STRAY_MARKS.sub("", text)
    if "\\" in text:
        text = _LEFTOVER_ESCAPE.sub("", text)
    return text


def _inline_text(children) -> str:
    parts = []
    for token in children or ():
        kind = token.type
        if kind == "image":
            continue
        if kind in ("text", "code_inline"):
            parts.append(token.content)
        elif kind in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif kind == "html_inline":
            if re.match(r"<br\b", token.content, re.I):
                parts.append("\n")
    return _unstar("".join(parts))


def markdown_to_plain(text: str) -> tuple[str, list[Heading]]:
    """Plain text (one block per paragraph, heading, list item, table) and the headings found."""
    out: list[str] = []
    headings: list[Heading] = []
    heading_level = 0
    row: list[str] | None = None
    item_prefix = ""
    for token in _PARSER.parse(text):
        kind = token.type
        if kind == "heading_open":
            heading_level = int(token.tag[1:])
        elif kind == "inline":
            content = _inline_text(token.children)
            if row is not None:
                row.append(one_line(content))
                continue
            if heading_level:
                heading = one_line(content)
                if heading:
                    headings.append(Heading(heading_level, heading))
                out.append(heading)
            else:
                out.append(item_prefix + content)
                item_prefix = ""
        elif kind == "heading_close":
            heading_level = 0
            out.append("\n\n")
        elif kind == "paragraph_close":
            out.append("\n" if token.hidden else "\n\n")
        elif kind == "list_item_open":
            item_prefix = f"{token.info}{token.markup} " if token.info else ""
        elif kind == "list_item_close":
            if out and not out[-1].endswith("\n"):
                out.append("\n")
        elif kind in ("bullet_list_close", "ordered_list_close"):
            out.append("\n")
        elif kind == "html_block":
            out.append(_unstar(html_fragment_text(token.content)) + "\n\n")
        elif kind == "fence":
            out.append(token.content + "\n\n")
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close":
            cells = [cell for cell in row or [] if cell]
            if cells:
                out.append(" | ".join(cells) + "\n")
            row = None
        elif kind == "table_close":
            out.append("\n")
    return "".join(out), headings
