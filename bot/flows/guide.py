"""The Reflection Guide export: everything a person wrote in the toolkit, as files they own."""

from __future__ import annotations

from bot.core.messages import FileAttachment, Reply
from bot.documents.guide import guide_files
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
from bot.flows import toolkit_work
from bot.flows.assess import assessment_exports
from bot.flows.base import StepResult, Turn, reply_only
from bot.flows.privacy import data_file, data_filename

EVERY_REFLECTION = 10_000


def guide_words(turn: Turn) -> GuideWords:
    words = turn.content.coach.toolkit
    data_note = turn.content.privacy.export.guide_note.format(filename=data_filename(turn))
    return GuideWords(
        title=words.guide_title,
        subtitle=words.guide_subtitle,
        step_heading=words.guide_step_heading,
        checklist_heading=words.guide_checklist,
        questions_heading=words.guide_questions,
        not_answered=words.guide_not_answered,
        work_heading=words.guide_work,
        pictures_heading=words.guide_pictures,
        reflections_heading=words.guide_reflections,
        no_reflections=words.guide_no_reflections,
        assessments_heading=words.guide_assessments,
        ticked=words.guide_ticked,
        unticked=words.guide_unticked,
        data_note=data_note,
    )


def build_guide(turn: Turn) -> ReflectionGuide:
    """Every step with its latest answers, checklist state, work and pictures; reflections."""
    steps: list[GuideStep] = []
    for step in turn.content.toolkit.steps:
        answers = turn.reads.answers(step_id=step.id)
        ticked = turn.reads.ticked(step_id=step.id)
        questions = [GuideQuestion(q.text, answers.get(q.id)) for q in step.reflection_questions]
        questions += [
            GuideQuestion(q.text, answers[q.id])
            for q in step.current_conversation.think_out_loud
            if answers.get(q.id)
        ]
        work: list[GuideWork] = []
        pictures: list[Picture] = []
        for section in turn.content.toolkit_work.for_step(step.id):
            records = turn.reads.work_records(section_id=section.id)
            if not records:
                continue
            work.append(
                GuideWork(
                    title=section.title,
                    records=tuple(
                        GuideRecord(
                            tuple(
                                (
                                    field.label,
                                    toolkit_work.display_value(field, r.data.get(field.name, "")),
                                )
                                for field in section.fields
                            )
                        )
                        for r in records
                    ),
                )
            )
            if section.picture is not None:  # a picture once, with the section that owns it
                pictures += toolkit_work.section_pictures(turn, section, [r.data for r in records])
        steps.append(
            GuideStep(
                number=step.number,
                guiding_question=step.guiding_question,
                checklist=tuple(
                    (f"{item.action} {item.text}", item.id in ticked) for item in step.checklist
                ),
                questions=tuple(questions),
                work=tuple(work),
                pictures=tuple(pictures),
            )
        )
    private = [
        GuideReflection(r.created_at, r.prompt, r.text)
        for r in reversed(turn.reads.recent_reflections(limit=EVERY_REFLECTION))
    ]
    # What the person said in team prompts' threads is theirs too: it joins, marked as such.
    team_words = turn.content.prompts.team
    in_threads = [
        GuideReflection(
            reply.created_at,
            team_words.export_prompt.format(
                channel=reply.channel, theme=reply.theme, questions=reply.questions
            ),
            reply.text,
        )
        for reply in turn.reads.team_replies()
    ]
    reflections = tuple(sorted(private + in_threads, key=lambda r: r.created_at))
    assessments = tuple(
        GuideAssessment(
            exported.title,
            exported.finished_at,
            exported.lines,
            exported.highlights,
            ()
            if exported.radar is None
            else (Picture(exported.radar.filename, exported.radar.title, exported.radar.data),),
        )
        for exported in assessment_exports(turn, turn.reads.assessments())
    )
    return ReflectionGuide(
        person="",  # the guide is the person's own; a platform user id is not a name
        generated_at=turn.now,
        steps=tuple(steps),
        reflections=reflections,
        assessments=assessments,
    )


def export_guide(turn: Turn) -> StepResult:
    """The guide as Markdown and Word with its pictures, and everything Lantern keeps about
    the person as a JSON file."""
    guide = build_guide(turn)
    stem = f"reflection-guide-{turn.today.isoformat()}"
    files = tuple(
        FileAttachment(filename=name, data=data, title=name)
        for name, data in guide_files(guide, guide_words(turn), stem)
    )
    data = data_file(turn)
    note = turn.content.privacy.export.ready.format(filename=data.filename)
    return reply_only(
        Reply(turn.content.coach.toolkit.export_ready, files=(*files, data), notes=(note,))
    )
