"""The Reflection Guide export: Markdown, Word and files carry all of a person's work, whole."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import datetime

import docx
import pytest
from docx.text.paragraph import Paragraph
from markdown_it import MarkdownIt
from markdown_it.token import Token
from matplotlib.figure import Figure

from bot.documents.guide import guide_docx, guide_files, guide_markdown
from bot.documents.model import (
    GuideAssessment,
    GuideQuestion,
    GuideRecord,
    GuideReflection,
    GuideStep,
    GuideWords,
    GuideWork,
    Picture,
    ReflectionGuide,
)

ENGLISH = GuideWords(
    title="Reflection Guide",
    subtitle="Prepared for {name} on {date}",
    step_heading="Step {number}: {question}",
    checklist_heading="Checklist",
    questions_heading="Questions",
    not_answered="Not answered yet",
    work_heading="Your work",
    pictures_heading="Pictures",
    reflections_heading="Reflections",
    no_reflections="No reflections yet",
    assessments_heading="Self-assessments",
    ticked="[x]",
    unticked="[ ]",
)

SPANISH = GuideWords(
    title="Guía de reflexión",
    subtitle="Preparada para {name} el {date}",
    step_heading="Paso {number} — {question}",
    checklist_heading="Lista de comprobación",
    questions_heading="Preguntas",
    not_answered="Sin respuesta",
    work_heading="Tu trabajo",
    pictures_heading="Imágenes",
    reflections_heading="Reflexiones",
    no_reflections="Todavía no hay reflexiones",
    assessments_heading="Autoevaluaciones",
    ticked="[x]",
    unticked="[ ]",
)

ENGLISH_PHRASES = (
    "Reflection Guide",
    "Prepared for",
    "Step ",
    "Checklist",
    "Questions",
    "Not answered yet",
    "Your work",
    "Pictures",
    "Reflections",
    "No reflections yet",
)

LONG_ANSWER = (
    " ".join(
        f"Week {week}: I met the grade {week % 5 + 3} team, co-planned a research unit, "
        f"pulled {week * 7} titles for the classroom carts and noted what worked."
        for week in range(1, 40)
    )[:2999]
    + "."
)

HASH_ANSWER = "# Not a heading\n- not a list item\n> not a quote\n1. not a numbered list"


def png(color: str) -> bytes:
    """A small, real PNG (python-docx must be able to read its size)."""
    figure = Figure(figsize=(2, 1), dpi=50)
    figure.add_subplot().bar(["a", "b"], [1, 2], color=color)
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


CONTINUUM = Picture("continuum.png", "Where my habits sit", png("tab:blue"))
MAP = Picture("collaboration-map.png", "Our collaboration map", png("tab:green"))


def library_guide() -> ReflectionGuide:
    steps = (
        GuideStep(
            1,
            "What's My Mindset?",
            (("Read the growth mindset article", True), ("Watch the mindset video", False)),
            (
                GuideQuestion(
                    "Which of your habits lean towards a fixed mindset?",
                    "I avoid weeding the 900s because I worry teachers will object.",
                ),
                GuideQuestion(
                    "How could this be managed?",
                    "Ask the history team first.\nShare the circulation figures with them.",
                ),
            ),
            pictures=(CONTINUUM,),
        ),
        GuideStep(
            2,
            "Where Is My Future Readiness?",
            (("Complete the Future Ready Librarians self-assessment", True),),
            (
                GuideQuestion("What are your current strengths?", LONG_ANSWER),
                GuideQuestion("Where would you like to grow?", None),
            ),
        ),
        GuideStep(
            3,
            "What More Do I Need to Know?",
            (("Read the district strategic plan", True), ("Read the building plan", True)),
            (
                GuideQuestion("What are the district's priorities this year?", HASH_ANSWER),
                GuideQuestion("Where does the library already support them?", None),
            ),
            work=(
                GuideWork(
                    "Priorities and where the library fits",
                    (
                        GuideRecord(
                            (
                                ("Priority", "Literacy across content areas"),
                                ("Library role", "Books | Media kits for every unit"),
                            )
                        ),
                        GuideRecord(
                            (
                                ("Priority", "Digital citizenship"),
                                ("Library role", "Lessons in grade 6\nand grade 7"),
                            )
                        ),
                    ),
                ),
            ),
        ),
        GuideStep(
            4,
            "What Are the Missing Pieces?",
            (("Email the principal for a meeting", False),),
            (
                GuideQuestion(
                    "What does your building leader need most from the library?",
                    "More support for new teachers.\n\nAnd a quieter space for testing.",
                ),
            ),
        ),
        GuideStep(
            5,
            "Where Do the Dots Connect?",
            (("Compare the interview notes with the self-assessment", False),),
            (GuideQuestion("Which strengths match the principal's priorities?", None),),
            pictures=(MAP,),
        ),
        GuideStep(
            6,
            "What Can We Do Together?",
            (("Draft the meeting outline", True),),
            (
                GuideQuestion(
                    "What will you propose first?",
                    "A co-taught research unit with the 8th grade science team.",
                ),
            ),
        ),
        GuideStep(
            7,
            "What Did I Learn?",
            (("Revisit the mindset continuum", False),),
            (
                GuideQuestion("What new insight do you have?", None),
                GuideQuestion("What will you do differently?", "Start with the principal's goals."),
            ),
        ),
    )
    reflections = (
        GuideReflection(
            datetime(2024, 3, 12, 15, 30),
            "What surprised you this week?",
            "The art teacher wants to collaborate too.",
        ),
        GuideReflection(datetime(2024, 4, 2, 8, 0), None, "Meeting went well, next step agreed."),
    )
    return ReflectionGuide("Maria Lopez", datetime(2024, 4, 5, 9, 15), steps, reflections)


def empty_guide() -> ReflectionGuide:
    guide = library_guide()
    steps = tuple(
        replace(
            step,
            checklist=tuple((text, False) for text, _ in step.checklist),
            questions=tuple(replace(question, answer=None) for question in step.questions),
            work=(),
            pictures=(),
        )
        for step in guide.steps
    )
    return replace(guide, steps=steps, reflections=())


def questions(guide: ReflectionGuide) -> list[GuideQuestion]:
    return [question for step in guide.steps for question in step.questions]


# --- Reading the outputs back ---------------------------------------------------------------------


def md_tokens(markdown: str) -> list[Token]:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(markdown)


def inline_text(token: Token) -> str:
    parts = []
    for child in token.children or []:
        if child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type in ("text", "code_inline"):
            parts.append(child.content)
    return "".join(parts)


def md_blocks(markdown: str) -> list[str]:
    """The text of every rendered block (heading, paragraph, list item, cell), unescaped."""
    return [inline_text(token) for token in md_tokens(markdown) if token.type == "inline"]


def md_headings(markdown: str) -> list[str]:
    tokens = md_tokens(markdown)
    return [
        inline_text(tokens[index + 1])
        for index, token in enumerate(tokens)
        if token.type == "heading_open"
    ]


def md_table_rows(markdown: str) -> list[list[str]]:
    rows: list[list[str]] = []
    for token in md_tokens(markdown):
        if token.type == "tr_open":
            rows.append([])
        elif token.type == "inline" and rows and token.level >= 4:
            rows[-1].append(inline_text(token))
    return rows


def style_name(paragraph: Paragraph) -> str | None:
    return paragraph.style.name if paragraph.style is not None else None


def docx_texts(data: bytes) -> list[str]:
    document = docx.Document(io.BytesIO(data))
    texts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        texts += [cell.text for row in table.rows for cell in row.cells]
    return texts


# --- Markdown -------------------------------------------------------------------------------------


def test_markdown_carries_every_question_answer_and_checklist_item() -> None:
    guide = library_guide()
    markdown = guide_markdown(guide, ENGLISH)
    blocks = md_blocks(markdown)
    for question in questions(guide):
        assert question.question in blocks
        if question.answer is not None:
            for paragraph in question.answer.split("\n\n"):
                assert paragraph in blocks
    for step in guide.steps:
        assert f"Step {step.number}: {step.guiding_question}" in md_headings(markdown)
        for text, _ in step.checklist:
            assert text in markdown
            assert any(block.endswith(text) for block in blocks)
    for reflection in guide.reflections:
        assert reflection.text in blocks
    assert "What surprised you this week?" in blocks
    assert "### 2024-03-12" in markdown.splitlines()


def test_markdown_layout() -> None:
    markdown = guide_markdown(library_guide(), ENGLISH)
    lines = markdown.splitlines()
    assert lines[0] == "# Reflection Guide"
    assert "Prepared for Maria Lopez on 2024-04-05" in lines
    assert "## Step 1: What's My Mindset?" in lines
    assert "- [x] Read the growth mindset article" in lines
    assert "- [ ] Watch the mindset video" in lines
    assert "**How could this be managed?**" in lines
    # A line break in an answer stays a line break (a CommonMark hard break).
    assert "Ask the history team first.\\\nShare the circulation figures with them." in markdown
    assert lines.count("*Not answered yet*") == 4
    assert "## Reflections" in lines
    assert "No reflections yet" not in markdown
    assert markdown.endswith("\n")
    assert not markdown.endswith("\n\n")


def test_markdown_keeps_a_long_answer_whole() -> None:
    assert len(LONG_ANSWER) == 3000
    assert LONG_ANSWER.strip() == LONG_ANSWER
    markdown = guide_markdown(library_guide(), ENGLISH)
    assert LONG_ANSWER in markdown
    assert LONG_ANSWER in md_blocks(markdown)


def test_markdown_reads_user_text_as_text() -> None:
    markdown = guide_markdown(library_guide(), ENGLISH)
    headings = md_headings(markdown)
    assert "Not a heading" not in headings
    assert not any("Not a heading" in heading for heading in headings)
    # The whole answer is one paragraph, line breaks kept, nothing turned into a list or quote.
    assert HASH_ANSWER in md_blocks(markdown)
    types = {token.type for token in md_tokens(markdown)}
    assert "blockquote_open" not in types
    assert "ordered_list_open" not in types
    # Only the checklists are bullet lists.
    checklist_items = sum(len(step.checklist) for step in library_guide().steps)
    items = [token for token in md_tokens(markdown) if token.type == "list_item_open"]
    assert len(items) == checklist_items


@pytest.mark.parametrize(
    "text",
    [
        "# heading?",
        "## also not",
        "- bullet",
        "+ plus",
        "* star",
        "> quote",
        "1. ordered",
        "12) ordered",
        "---",
        "===",
        "```python",
        "~~~",
        "<div>html</div>",
        "| a | b |",
        "**not bold** and *not italic* and _not either_",
        "[a link](https://example.org) and ![an image](x.png)",
        "[ref]: https://example.org",
        "`code` and ~~struck~~",
        "AT&amp;T and &#169; and C:\\Users\\library\\",
        "    indented like code",
        "snake_case_name stays readable",
    ],
)
def test_markdown_escapes_what_markdown_would_misread(text: str) -> None:
    step = GuideStep(1, "Q", (), (GuideQuestion("Question", f"Before\n{text}\nafter"),))
    guide = ReflectionGuide("Maria", datetime(2024, 1, 1), (step,))
    markdown = guide_markdown(guide, ENGLISH)
    assert f"Before\n{text.strip()}\nafter" in md_blocks(markdown)
    types = {token.type for token in md_tokens(markdown)}
    for misread in ("html_block", "html_inline", "fence", "code_block", "hr", "table_open"):
        assert misread not in types
    assert md_headings(markdown) == ["Reflection Guide", "Step 1: Q", "Questions", "Reflections"]


def test_markdown_does_not_over_escape_ordinary_punctuation() -> None:
    answer = "Yes! We met (twice), talked about 3-5 titles; it's 50% done: good."
    step = GuideStep(1, "Q", (), (GuideQuestion("Question", answer),))
    markdown = guide_markdown(ReflectionGuide("Maria", datetime(2024, 1, 1), (step,)), ENGLISH)
    assert answer in markdown.splitlines()
    assert "snake_case" in guide_markdown(
        ReflectionGuide(
            "Maria", datetime(2024, 1, 1), (replace(step, checklist=(("snake_case", True),)),)
        ),
        ENGLISH,
    )


def test_markdown_work_table_survives_pipes_and_line_breaks() -> None:
    markdown = guide_markdown(library_guide(), ENGLISH)
    rows = md_table_rows(markdown)
    assert rows == [
        ["Priority", "Library role"],
        ["Literacy across content areas", "Books | Media kits for every unit"],
        ["Digital citizenship", "Lessons in grade 6and grade 7"],  # <br> is an html_inline
    ]
    lines = markdown.splitlines()
    assert "| Priority | Library role |" in lines
    assert "| Literacy across content areas | Books \\| Media kits for every unit |" in lines
    assert "| Digital citizenship | Lessons in grade 6<br>and grade 7 |" in lines
    assert "#### Priorities and where the library fits" in lines


def test_work_columns_follow_the_first_record_and_keep_later_labels() -> None:
    work = GuideWork(
        "Notes",
        (
            GuideRecord((("Who", "Principal"), ("When", "Monday"))),
            GuideRecord((("When", "Friday"), ("Who", "Coach"), ("Where", "Library"))),
            GuideRecord((("Who", "Team"),)),
        ),
    )
    step = GuideStep(1, "Q", (), (), work=(work,))
    guide = ReflectionGuide("Maria", datetime(2024, 1, 1), (step,))
    assert md_table_rows(guide_markdown(guide, ENGLISH)) == [
        ["Who", "When", "Where"],
        ["Principal", "Monday", ""],
        ["Coach", "Friday", "Library"],
        ["Team", "", ""],
    ]
    table = docx.Document(io.BytesIO(guide_docx(guide, ENGLISH))).tables[0]
    assert [[cell.text for cell in row.cells] for row in table.rows] == [
        ["Who", "When", "Where"],
        ["Principal", "Monday", ""],
        ["Coach", "Friday", "Library"],
        ["Team", "", ""],
    ]


def test_markdown_links_pictures() -> None:
    markdown = guide_markdown(library_guide(), ENGLISH)
    assert "![Where my habits sit](continuum.png)" in markdown.splitlines()
    assert "![Our collaboration map](collaboration-map.png)" in markdown.splitlines()
    images = [
        child
        for token in md_tokens(markdown)
        if token.type == "inline"
        for child in token.children or []
        if child.type == "image"
    ]
    assert [image.attrs["src"] for image in images] == ["continuum.png", "collaboration-map.png"]


def test_markdown_escapes_person_headings_and_picture_titles() -> None:
    picture = Picture("my map (v2).png", "Map [draft] *one*", CONTINUUM.png)
    step = GuideStep(1, "Who is #1?  #", (), (), pictures=(picture,))
    guide = ReflectionGuide("<b>Maria</b> _x_", datetime(2024, 1, 1), (step,))
    markdown = guide_markdown(guide, ENGLISH)
    assert "Step 1: Who is #1? #" in md_headings(markdown)
    assert "Prepared for <b>Maria</b> _x_ on 2024-01-01" in md_blocks(markdown)
    images = [
        child
        for token in md_tokens(markdown)
        if token.type == "inline"
        for child in token.children or []
        if child.type == "image"
    ]
    assert len(images) == 1
    assert images[0].attrs["src"] == "my%20map%20%28v2%29.png"
    assert inline_text(images[0]) == "Map [draft] *one*"


# --- Word -----------------------------------------------------------------------------------------


def test_docx_carries_every_question_answer_and_checklist_item() -> None:
    guide = library_guide()
    data = guide_docx(guide, ENGLISH)
    texts = docx_texts(data)
    for question in questions(guide):
        assert question.question in texts
        if question.answer is not None:
            assert question.answer in texts  # line breaks kept inside the paragraph
    for step in guide.steps:
        assert f"Step {step.number}: {step.guiding_question}" in texts
        for text, ticked in step.checklist:
            assert f"{'[x]' if ticked else '[ ]'} {text}" in texts
    for reflection in guide.reflections:
        assert reflection.text in texts
    assert texts.count("Not answered yet") == 4
    assert "Prepared for Maria Lopez on 2024-04-05" in texts
    assert "2024-03-12" in texts
    assert "2024-04-02" in texts


def test_docx_styles_and_properties() -> None:
    document = docx.Document(io.BytesIO(guide_docx(library_guide(), ENGLISH)))
    paragraphs = document.paragraphs
    assert paragraphs[0].text == "Reflection Guide"
    assert style_name(paragraphs[0]) == "Title"
    by_text = {paragraph.text: paragraph for paragraph in paragraphs}
    assert style_name(by_text["Step 3: What More Do I Need to Know?"]) == "Heading 1"
    assert style_name(by_text["Questions"]) == "Heading 2"
    question = by_text["How could this be managed?"]
    assert all(run.bold for run in question.runs)
    answer = by_text["Ask the history team first.\nShare the circulation figures with them."]
    assert not any(run.bold for run in answer.runs)
    assert all(run.italic for run in by_text["Not answered yet"].runs)
    assert style_name(by_text["Where my habits sit"]) == "Caption"
    properties = document.core_properties
    assert properties.title == "Reflection Guide"
    assert properties.author == "Maria Lopez"
    assert "python-docx" not in (properties.comments + properties.author)


def test_docx_keeps_a_long_answer_whole() -> None:
    assert LONG_ANSWER in docx_texts(guide_docx(library_guide(), ENGLISH))


def test_docx_work_table_has_a_header_row_and_whole_cells() -> None:
    document = docx.Document(io.BytesIO(guide_docx(library_guide(), ENGLISH)))
    assert len(document.tables) == 1
    table = document.tables[0]
    cells = [[cell.text for cell in row.cells] for row in table.rows]
    assert cells == [
        ["Priority", "Library role"],
        ["Literacy across content areas", "Books | Media kits for every unit"],
        ["Digital citizenship", "Lessons in grade 6\nand grade 7"],
    ]
    assert all(run.bold for cell in table.rows[0].cells for run in cell.paragraphs[0].runs)


def test_docx_embeds_pictures() -> None:
    document = docx.Document(io.BytesIO(guide_docx(library_guide(), ENGLISH)))
    assert len(document.inline_shapes) == 2
    blobs = {part.blob for part in document.part.package.parts if part.content_type == "image/png"}
    assert blobs == {CONTINUUM.png, MAP.png}


def test_docx_survives_characters_xml_cannot_hold() -> None:
    step = GuideStep(1, "Q", (), (GuideQuestion("Question", "Bell\x07 and form\x0cfeed\r\nend"),))
    data = guide_docx(ReflectionGuide("Maria", datetime(2024, 1, 1), (step,)), ENGLISH)
    assert "Bell and formfeed\nend" in docx_texts(data)


# --- Words ----------------------------------------------------------------------------------------


def test_every_phrase_comes_from_the_words() -> None:
    guide = library_guide()
    guide = replace(guide, steps=(*guide.steps[:-1], replace(guide.steps[-1], work=())))
    no_reflections = replace(guide, reflections=())
    for words_guide in (guide, no_reflections):
        markdown = guide_markdown(words_guide, SPANISH)
        document_text = "\n".join(docx_texts(guide_docx(words_guide, SPANISH)))
        for phrase in ENGLISH_PHRASES:
            assert phrase not in markdown
            assert phrase not in document_text
    markdown = guide_markdown(no_reflections, SPANISH)
    texts = docx_texts(guide_docx(no_reflections, SPANISH))
    for expected in (
        "Guía de reflexión",
        "Preparada para Maria Lopez el 2024-04-05",
        "Paso 1 — What's My Mindset?",
        "Lista de comprobación",
        "Preguntas",
        "Sin respuesta",
        "Tu trabajo",
        "Imágenes",
        "Reflexiones",
        "Todavía no hay reflexiones",
    ):
        assert expected in md_blocks(markdown)
        assert expected in texts


def test_markers_come_from_the_words() -> None:
    words = replace(SPANISH, ticked="✅", unticked="⬜")
    guide = library_guide()
    markdown = guide_markdown(guide, words)
    texts = docx_texts(guide_docx(guide, words))
    assert "- ✅ Read the growth mindset article" in markdown.splitlines()
    assert "- ⬜ Watch the mindset video" in markdown.splitlines()
    assert "✅ Read the growth mindset article" in texts
    assert "⬜ Watch the mindset video" in texts
    assert "[x]" not in markdown
    assert "[ ]" not in markdown


# --- Empty guides and files -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "guide",
    [empty_guide(), ReflectionGuide("Maria Lopez", datetime(2024, 4, 5), ())],
    ids=["nothing-answered", "no-steps"],
)
def test_an_empty_guide_exports(guide: ReflectionGuide) -> None:
    markdown = guide_markdown(guide, ENGLISH)
    texts = docx_texts(guide_docx(guide, ENGLISH))
    assert "*No reflections yet*" in markdown.splitlines()
    assert "No reflections yet" in texts
    unanswered = len(questions(guide))
    assert markdown.splitlines().count("*Not answered yet*") == unanswered
    assert texts.count("Not answered yet") == unanswered
    assert "[x]" not in markdown
    files = guide_files(guide, ENGLISH, "guide")
    assert [name for name, _ in files] == ["guide.md", "guide.docx"]


def test_blank_answers_count_as_not_answered() -> None:
    step = GuideStep(1, "Q", (), (GuideQuestion("Question", "  \n "),))
    guide = ReflectionGuide("Maria", datetime(2024, 1, 1), (step,))
    assert "*Not answered yet*" in guide_markdown(guide, ENGLISH).splitlines()
    assert "Not answered yet" in docx_texts(guide_docx(guide, ENGLISH))


def test_files_hold_the_markdown_the_document_and_each_picture() -> None:
    guide = library_guide()
    files = guide_files(guide, ENGLISH, "reflection-guide-maria")
    assert [name for name, _ in files] == [
        "reflection-guide-maria.md",
        "reflection-guide-maria.docx",
        "continuum.png",
        "collaboration-map.png",
    ]
    contents = dict(files)
    assert contents["reflection-guide-maria.md"].decode("utf-8") == guide_markdown(guide, ENGLISH)
    document = docx.Document(io.BytesIO(contents["reflection-guide-maria.docx"]))
    assert len(document.inline_shapes) == 2
    assert contents["continuum.png"] == CONTINUUM.png
    assert contents["collaboration-map.png"] == MAP.png


def test_pictures_sharing_a_name_do_not_overwrite_each_other() -> None:
    first = Picture("map.png", "First map", CONTINUUM.png)
    second = Picture("map.png", "Second map", MAP.png)
    again = Picture("map.png", "First map again", CONTINUUM.png)
    steps = (
        GuideStep(1, "Q", (), (), pictures=(first,)),
        GuideStep(2, "Q", (), (), pictures=(second, again)),
    )
    guide = ReflectionGuide("Maria", datetime(2024, 1, 1), steps)
    files = guide_files(guide, ENGLISH, "g")
    assert [name for name, _ in files][2:] == ["map.png", "map-2.png"]
    assert dict(files)["map-2.png"] == MAP.png
    links = re.findall(r"!\[[^\]]*\]\(([^)]*)\)", guide_markdown(guide, ENGLISH))
    assert links == ["map.png", "map-2.png", "map.png"]


ASSESSED = GuideAssessment(
    title="Competencies",
    finished_at=datetime(2024, 5, 6, 10, 0),
    lines=(("Self-Awareness", "4 — Consistent"), ("Influence <b>|</b>", "Skipped")),
)


def test_finished_assessments_are_exported_in_both_documents() -> None:
    guide = replace(library_guide(), assessments=(ASSESSED,))
    markdown = guide_markdown(guide, ENGLISH)
    assert "## Self-assessments" in markdown
    assert "### Competencies, 2024-05-06" in markdown
    assert "- **Self-Awareness**: 4 — Consistent" in markdown
    assert "- **Influence \\<b>\\|\\</b>**: Skipped" in markdown  # text, never markup
    texts = docx_texts(guide_docx(guide, ENGLISH))
    assert "Self-assessments" in texts
    assert "Competencies, 2024-05-06" in texts
    document = docx.Document(io.BytesIO(guide_docx(guide, ENGLISH)))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert cells[-4:] == ["Self-Awareness", "4 — Consistent", "Influence <b>|</b>", "Skipped"]


def test_no_assessments_no_heading() -> None:
    assert "Self-assessments" not in guide_markdown(library_guide(), ENGLISH)
