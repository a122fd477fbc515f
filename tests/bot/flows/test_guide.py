"""/coach export: the Reflection Guide holds every step, answer, tick, work record and picture."""

from __future__ import annotations

import io

import docx

from content import Content
from tests.chat_script import ChatScript


def test_export_holds_everything_the_person_wrote(chat: ChatScript, content: Content) -> None:
    step = content.toolkit.steps[0]
    chat.command("coach", "toolkit 1")
    chat.say("I avoid feedback in front of groups.")
    chat.press(f"toolkit:tick:step-1/{step.checklist[0].id}")
    chat.press("toolkit:add:continuum")
    chat.submit({"label": "feedback from others", "position": "2"})
    chat.command("reflect", "A private thought & more")

    chat.command("coach", "export")

    [reply] = chat.replies
    assert reply.text == content.coach.toolkit.export_ready
    names = [f.filename for f in reply.files]
    assert names[:2] == ["reflection-guide-2026-11-23.md", "reflection-guide-2026-11-23.docx"]
    assert "continuum.png" in names
    markdown = reply.files[0].data.decode("utf-8")
    for other in content.toolkit.steps:
        assert other.guiding_question in markdown
    assert "I avoid feedback in front of groups." in markdown
    assert "feedback from others" in markdown
    assert "A private thought" in markdown
    assert f"{content.coach.toolkit.guide_ticked} {step.checklist[0].action}" in markdown
    document = docx.Document(io.BytesIO(reply.files[1].data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "I avoid feedback in front of groups." in text
    assert len(document.inline_shapes) == 1


def test_export_is_private_to_its_author(chat: ChatScript, content: Content) -> None:
    chat.command("coach", "toolkit 1")
    chat.say("Only mine.")
    other = ChatScript(chat.engine, user_id="U-ben")
    other.command("coach", "export")
    markdown = other.replies[0].files[0].data.decode("utf-8")
    assert "Only mine." not in markdown
