"""The Reflection Guide export: one person's work as Markdown, as a Word document, and as files."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import datetime
from urllib.parse import quote

from bot.documents.model import (
    GuideRecord,
    GuideStep,
    GuideWords,
    GuideWork,
    Picture,
    ReflectionGuide,
)

# --- Markdown escaping ----------------------------------------------------------------------------
#
# User text is escaped so that CommonMark/GFM reads it as plain text, while staying readable:
# - anywhere: `*`, `` ` ``, `[` (links, images, footnotes, reference definitions), `<` (HTML,
#   autolinks), `|` (tables), `~` (GFM strikethrough), `_` unless inside a word (snake_case is
#   safe), `&` only where it would start an entity (`&amp;`, `&#38;`), `\` only before ASCII
#   punctuation or at the end of a line (elsewhere CommonMark prints it as it is);
# - at the start of a line: `#` (headings), `>` (quotes), `-`/`+` followed by a space or making a
#   rule/underline, `=` underlines, `1.`/`1)` (ordered lists);
# - in headings: every `#` (a trailing run would be read as the closing sequence);
# - in table cells: line breaks become `<br>`; in image alt text: `]` as well.
# Lines lose leading and trailing spaces (indented code, hard breaks); line breaks are kept as
# CommonMark hard breaks (a trailing backslash) and blank lines as paragraph breaks.

_INLINE = re.compile(
    r"""
    [*`\[<|~]                               # always special
    | (?<![^\W_])_ | _(?![^\W_])            # underscore not inside a word
    | &(?=\#?\w+;)                          # entity reference
    | \\(?=[!-/:-@\[-`{-~]|$)               # backslash before punctuation or at the end
    """,
    re.VERBOSE,
)
_LIST_NUMBER = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")
_BULLET = re.compile(r"^[-+](?=\s|$)")
_RULE_OR_UNDERLINE = re.compile(r"^(?:[-\s]+|=+\s*)$")
_BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)*")
_WHITESPACE = re.compile(r"\s+")
# Characters XML 1.0 cannot hold (C0 controls other than tab/newline/CR, lone surrogates).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _escape_inline(text: str) -> str:
    return _INLINE.sub(lambda match: "\\" + match.group(0), text)


def _escape_line(line: str) -> str:
    """One line of user text, read as plain text wherever it lands in a Markdown block."""
    text = _escape_inline(line.strip())
    if not text:
        return text
    if text[0] in "#>":
        return "\\" + text
    if _BULLET.match(text) or (text[0] in "-=" and _RULE_OR_UNDERLINE.match(text)):
        return "\\" + text
    return _LIST_NUMBER.sub(r"\1\\\2", text)


def _normalise(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _md_inline(text: str) -> str:
    """User text on one line (headings, list items, bold, italics): whitespace runs become one."""
    return _escape_line(_WHITESPACE.sub(" ", text))


def _md_heading(level: int, text: str) -> str:
    text = _escape_inline(_WHITESPACE.sub(" ", text).strip())
    return "#" * level + " " + text.replace("#", "\\#")


def _md_paragraphs(text: str) -> str:
    """User text as paragraphs, keeping its line breaks (hard breaks) and blank lines."""
    paragraphs = []
    for chunk in _BLANK_LINES.split(_normalise(text).strip()):
        lines = [_escape_line(line) for line in chunk.split("\n")]
        paragraphs.append("\\\n".join(line for line in lines if line))
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph)


def _md_cell(text: str) -> str:
    lines = [_escape_line(line) for line in _normalise(text).strip().split("\n")]
    return "<br>".join(lines) or " "


def _md_table(columns: list[str], rows: list[list[str]]) -> str:
    lines = [
        "| " + " | ".join(_md_cell(label) for label in columns) + " |",
        "|" + "|".join(" --- " for _ in columns) + "|",
    ]
    lines += ["| " + " | ".join(_md_cell(value) for value in row) + " |" for row in rows]
    return "\n".join(lines)


def _md_image(title: str, filename: str) -> str:
    alt = _md_inline(title).replace("]", "\\]")
    return f"![{alt}]({quote(filename)})"


# --- Shared layout ------------------------------------------------------------------------------


def _date(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d")


def _subtitle(guide: ReflectionGuide, words: GuideWords) -> str:
    return words.subtitle.format(name=guide.person, date=_date(guide.generated_at))


def _step_heading(step: GuideStep, words: GuideWords) -> str:
    return words.step_heading.format(number=step.number, question=step.guiding_question)


def _table(work: GuideWork) -> tuple[list[str], list[list[str]]]:
    """Columns are the first record's labels (then any label a later record adds), in order.

    A record without a label gets an empty cell; a label given twice in one record keeps both
    values, one per line.
    """
    columns: list[str] = []
    for record in work.records:
        for label, _ in record.fields:
            if label not in columns:
                columns.append(label)

    def row(record: GuideRecord) -> list[str]:
        return [
            "\n".join(value for label, value in record.fields if label == column)
            for column in columns
        ]

    return columns, [row(record) for record in work.records]


def _picture_names(guide: ReflectionGuide) -> dict[int, str]:
    """A file name for every picture (keyed by id): a name already taken by different bytes
    gets a numbered suffix, so no picture overwrites another next to the Markdown file."""
    names: dict[int, str] = {}
    taken: dict[str, bytes] = {}
    for picture in _pictures(guide):
        name = picture.filename
        stem, dot, suffix = name.rpartition(".")
        if not dot:
            stem, suffix = name, ""
        counter = 1
        while name in taken and taken[name] != picture.png:
            counter += 1
            name = f"{stem}-{counter}{dot}{suffix}"
        taken[name] = picture.png
        names[id(picture)] = name
    return names


def _pictures(guide: ReflectionGuide) -> Iterator[Picture]:
    for step in guide.steps:
        yield from step.pictures
    for assessment in guide.assessments:
        yield from assessment.pictures


# --- Markdown -----------------------------------------------------------------------------------


def guide_markdown(guide: ReflectionGuide, words: GuideWords) -> str:
    """The guide as a Markdown document; pictures are linked by file name, next to the file."""
    names = _picture_names(guide)
    blocks = [_md_heading(1, words.title), _md_inline(_subtitle(guide, words))]
    if words.data_note:
        blocks.append(f"*{_md_inline(words.data_note)}*")
    for step in guide.steps:
        blocks.append(_md_heading(2, _step_heading(step, words)))
        if step.checklist:
            blocks.append(_md_heading(3, words.checklist_heading))
            blocks.append(
                "\n".join(
                    f"- {words.ticked if ticked else words.unticked} {_md_inline(text)}"
                    for text, ticked in step.checklist
                )
            )
        if step.questions:
            blocks.append(_md_heading(3, words.questions_heading))
            for question in step.questions:
                blocks.append(f"**{_md_inline(question.question)}**")
                if question.answer is not None and question.answer.strip():
                    blocks.append(_md_paragraphs(question.answer))
                else:
                    blocks.append(f"*{_md_inline(words.not_answered)}*")
        if step.work:
            blocks.append(_md_heading(3, words.work_heading))
            for work in step.work:
                blocks.append(_md_heading(4, work.title))
                columns, rows = _table(work)
                if columns:
                    blocks.append(_md_table(columns, rows))
        if step.pictures:
            blocks.append(_md_heading(3, words.pictures_heading))
            for picture in step.pictures:
                blocks.append(_md_image(picture.title, names[id(picture)]))
                blocks.append(f"*{_md_inline(picture.title)}*")
    blocks.append(_md_heading(2, words.reflections_heading))
    if not guide.reflections:
        blocks.append(f"*{_md_inline(words.no_reflections)}*")
    for reflection in guide.reflections:
        blocks.append(_md_heading(3, _date(reflection.created_at)))
        if reflection.prompt and reflection.prompt.strip():
            blocks.append(f"*{_md_inline(reflection.prompt)}*")
        blocks.append(_md_paragraphs(reflection.text))
    if guide.assessments:
        blocks.append(_md_heading(2, words.assessments_heading))
    for assessment in guide.assessments:
        blocks.append(_md_heading(3, f"{assessment.title}, {_date(assessment.finished_at)}"))
        for picture in assessment.pictures:
            blocks.append(_md_image(picture.title, names[id(picture)]))
        if assessment.highlights:
            blocks.append("\n\n".join(_md_inline(line) for line in assessment.highlights))
        blocks.append(
            "\n".join(
                f"- **{_md_inline(label)}**: {_md_inline(answer)}"
                for label, answer in assessment.lines
            )
        )
    return "\n\n".join(block for block in blocks if block) + "\n"


# --- Word ---------------------------------------------------------------------------------------


def _xml(text: str) -> str:
    """Text Word can hold: CRs become line breaks, characters XML cannot carry are dropped."""
    return _NOT_XML.sub("", _normalise(text))


def guide_docx(guide: ReflectionGuide, words: GuideWords) -> bytes:
    """The guide as a Word document (.docx bytes), pictures embedded."""
    # Imported here: python-docx loads only when a guide is exported (or warmed before fork).
    import docx
    from docx.shared import Inches

    document = docx.Document()
    properties = document.core_properties
    properties.title = _xml(words.title)
    properties.author = properties.last_modified_by = _xml(guide.person)
    properties.comments = ""
    properties.created = properties.modified = guide.generated_at

    document.add_heading(_xml(words.title), level=0)
    document.add_paragraph(_xml(_subtitle(guide, words)), style="Subtitle")
    if words.data_note:
        document.add_paragraph().add_run(_xml(words.data_note)).italic = True
    for step in guide.steps:
        document.add_heading(_xml(_step_heading(step, words)), level=1)
        if step.checklist:
            document.add_heading(_xml(words.checklist_heading), level=2)
            for text, ticked in step.checklist:
                marker = words.ticked if ticked else words.unticked
                document.add_paragraph(_xml(f"{marker} {text}"))
        if step.questions:
            document.add_heading(_xml(words.questions_heading), level=2)
            for question in step.questions:
                document.add_paragraph().add_run(_xml(question.question)).bold = True
                if question.answer is not None and question.answer.strip():
                    document.add_paragraph(_xml(question.answer.strip("\r\n")))
                else:
                    document.add_paragraph().add_run(_xml(words.not_answered)).italic = True
        if step.work:
            document.add_heading(_xml(words.work_heading), level=2)
            for work in step.work:
                document.add_heading(_xml(work.title), level=3)
                columns, rows = _table(work)
                if not columns:
                    continue
                table = document.add_table(rows=1, cols=len(columns))
                table.style = "Table Grid"
                for cell, label in zip(table.rows[0].cells, columns, strict=True):
                    cell.paragraphs[0].add_run(_xml(label)).bold = True
                for row in rows:
                    for cell, value in zip(table.add_row().cells, row, strict=True):
                        cell.text = _xml(value)
        if step.pictures:
            document.add_heading(_xml(words.pictures_heading), level=2)
            for picture in step.pictures:
                document.add_picture(io.BytesIO(picture.png), width=Inches(6))
                document.add_paragraph(_xml(picture.title), style="Caption")
    document.add_heading(_xml(words.reflections_heading), level=1)
    if not guide.reflections:
        document.add_paragraph().add_run(_xml(words.no_reflections)).italic = True
    for reflection in guide.reflections:
        document.add_heading(_date(reflection.created_at), level=2)
        if reflection.prompt and reflection.prompt.strip():
            document.add_paragraph().add_run(_xml(reflection.prompt)).italic = True
        document.add_paragraph(_xml(reflection.text.strip("\r\n")))
    if guide.assessments:
        document.add_heading(_xml(words.assessments_heading), level=1)
    for assessment in guide.assessments:
        heading = f"{assessment.title}, {_date(assessment.finished_at)}"
        document.add_heading(_xml(heading), level=2)
        for picture in assessment.pictures:
            document.add_picture(io.BytesIO(picture.png), width=Inches(6))
            document.add_paragraph(_xml(picture.title), style="Caption")
        for line in assessment.highlights:
            document.add_paragraph(_xml(line))
        table = document.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for label, answer in assessment.lines:
            cells = table.add_row().cells
            cells[0].text = _xml(label)
            cells[1].text = _xml(answer)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --- Files --------------------------------------------------------------------------------------


def guide_files(guide: ReflectionGuide, words: GuideWords, stem: str) -> list[tuple[str, bytes]]:
    """Everything a person gets: the Markdown, the Word document and each picture, by file name.

    The pictures' names are the ones the Markdown links to (a clashing name is numbered).
    """
    files = [
        (f"{stem}.md", guide_markdown(guide, words).encode("utf-8", errors="replace")),
        (f"{stem}.docx", guide_docx(guide, words)),
    ]
    names = _picture_names(guide)
    written: set[str] = set()
    for picture in _pictures(guide):
        name = names[id(picture)]
        if name not in written:
            written.add(name)
            files.append((name, picture.png))
    return files
