"""The passages of the sources ranked against a person's own words (BM25, with bm25s)."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from content import Content

if TYPE_CHECKING:  # bm25s and numpy load only when the first free text is ranked
    from bm25s.tokenization import Tokenizer

# bm25s's own word pattern: runs of two or more word characters.
WORD = re.compile(r"(?u)\b\w\w+\b")


@dataclass(frozen=True)
class Passage:
    """One piece of the sources a message can be pointed to.

    `kind` says what it is (a toolkit `question`, `checklist` item, `tip`, `think` out loud
    question, `sidebar` or `step`; a leadership `ability`, `value` or `competency`; a
    `constituency`, `worksheet` prompt or learning-organization `characteristic` of the
    relationship worksheet; a `rubric` entry), `ident` is its id in content, `step_id` the toolkit
    step it belongs to, and `text` what is ranked."""

    kind: str
    ident: str
    text: str
    step_id: str | None = None


@dataclass(frozen=True)
class Ranked:
    passage: Passage
    score: float
    terms: int  # how many of the message's words (and their related words) the passage has


def _join(*parts: str | None) -> str:
    return " ".join(part for part in parts if part)


def passages(content: Content) -> list[Passage]:
    """Every passage worth pointing a person to, in the order of the sources."""
    return list(_toolkit(content)) + list(_leadership(content)) + list(_worksheet(content))


def _toolkit(content: Content) -> Iterator[Passage]:
    for step in content.toolkit.steps:
        yield Passage(
            "step",
            step.id,
            _join(step.name, step.guiding_question, step.intro, *step.key_competencies),
            step.id,
        )
        for item in step.checklist:
            examples = (example.text for example in item.examples)
            yield Passage(
                "checklist",
                item.id,
                _join(item.action, item.text, *item.details, *examples),
                step.id,
            )
        for question in step.reflection_questions:
            examples = (example.text for example in question.examples)
            text = _join(question.text, *examples, *question.follow_ups, question.note)
            yield Passage("question", question.id, text, step.id)
        for tip in step.tips:
            # A tip's title says what it is ("Sample email"): it counts twice.
            text = _join(tip.title, tip.title, tip.text, *tip.items)
            yield Passage("tip", tip.id, text, step.id)
        sidebar = step.current_conversation
        yield Passage("sidebar", f"{step.id}-sidebar", _join(sidebar.title, sidebar.text), step.id)
        for think in sidebar.think_out_loud:
            yield Passage("think", think.id, think.text, step.id)


def _prompts_about(content: Content, about: str, *, competencies: bool) -> list[str]:
    source = content.competencies if competencies else content.leadership
    return [prompt.text for prompt in source.prompts if prompt.about == about]


def _leadership(content: Content) -> Iterator[Passage]:
    for ability in content.leadership.how_we_lead.abilities:
        prompts = _prompts_about(content, ability.id, competencies=False)
        text = _join(ability.name, ability.definition, ability.detail, *prompts)
        yield Passage("ability", ability.id, text)
    for group in content.leadership.our_values.groups:
        for pair in group.pairs:
            terms = (_join(term.name, term.description) for term in pair.terms)
            prompts = _prompts_about(content, pair.id, competencies=False)
            yield Passage("value", pair.id, _join(pair.name, *terms, *prompts))
    for competency_set in content.competencies.competency_sets:
        for competency in competency_set.competencies:
            prompts = _prompts_about(content, competency.id, competencies=True)
            text = _join(competency.name, competency.definition, *prompts)
            yield Passage("competency", competency.id, text)


def _worksheet(content: Content) -> Iterator[Passage]:
    worksheet = content.worksheet
    readings = {reading.id: reading.title for reading in worksheet.key_constituencies.readings}
    for constituency in worksheet.key_constituencies.constituencies:
        titles = [readings[ident] for ident in constituency.readings if ident in readings]
        yield Passage("constituency", constituency.id, _join(constituency.name, *titles))
    for section in (worksheet.whats_working, worksheet.relationship_plan, worksheet.mind_map):
        for prompt in section.prompts:
            yield Passage("worksheet", prompt.id, _join(section.heading, prompt.text))
    for characteristic in worksheet.learning_organization.characteristics:
        yield Passage("characteristic", characteristic.id, characteristic.text)
    partners = {kind.id: kind.name for kind in content.rubric.partner_kinds}
    for stage in content.rubric.stages:
        for entry in stage.entries:
            indicators = (indicator.text for indicator in entry.indicators)
            partner = partners.get(entry.partner_kind)
            yield Passage("rubric", entry.id, _join(partner, entry.end_goal, *indicators))


class Index:
    """A BM25 index of the sources' passages, built once per content and shared by threads.

    bm25s's tokenizer lowercases, splits, drops English stopwords (and the chat's own filler
    words) and stems with the Snowball English stemmer (PyStemmer). A message is tokenized by
    a copy of it that may not grow its vocabulary, so nobody's words are kept in memory."""

    def __init__(self, content: Content) -> None:
        import bm25s
        import Stemmer
        from bm25s.stopwords import STOPWORDS_EN_PLUS

        words = content.coach.suggest
        self.passages = passages(content)
        self._stemmer = Stemmer.Stemmer("english")
        self._stopwords = sorted({*STOPWORDS_EN_PLUS, *(w.lower() for w in words.ignored_words)})
        tokenizer = bm25s.tokenization.Tokenizer(
            stopwords=self._stopwords, stemmer=self._stemmer.stemWord
        )
        corpus = tokenizer.tokenize(
            [passage.text for passage in self.passages], update_vocab=True, show_progress=False
        )
        # The corpus's vocabulary, which each message's tokenizer starts from (a copy).
        self._word_to_stem: dict[str, str] = dict(tokenizer.word_to_stem)
        self._stem_to_sid: dict[str, int] = dict(tokenizer.stem_to_sid)
        self._word_to_id: dict[str, int] = dict(tokenizer.word_to_id)
        self._retriever = bm25s.BM25()
        self._retriever.index(corpus, show_progress=False)
        # A Snowball stemmer is not to be used by two threads at once (PyStemmer's note), and
        # Slack's turns of different people run side by side: one message is ranked at a time.
        self._lock = threading.Lock()
        self._related = {
            self._stemmer.stemWord(word.lower()): related
            for word, related in words.related_words.items()
        }

    def _query_tokenizer(self) -> Tokenizer:
        from bm25s.tokenization import Tokenizer

        copy = Tokenizer(stopwords=self._stopwords, stemmer=self._stemmer.stemWord)
        copy.word_to_stem = dict(self._word_to_stem)
        copy.stem_to_sid = dict(self._stem_to_sid)
        copy.word_to_id = dict(self._word_to_id)
        return copy

    def words(self, text: str) -> list[str]:
        """The words of a message that say something: no stopwords, no filler."""
        stop = set(self._stopwords)
        return [word for word in WORD.findall(text.lower()) if word not in stop]

    def _expanded(self, text: str) -> str:
        """The message with the sources' words for what it says ("nervous": "fear")."""
        extra = [
            related
            for word in self.words(text)
            if (related := self._related.get(self._stemmer.stemWord(word))) is not None
        ]
        return " ".join([text, *extra])

    def rank(self, text: str, *, limit: int = 3) -> list[Ranked]:
        """The passages closest to a message, best first; only those sharing a word with it."""
        with self._lock:
            return self._rank(text, limit)

    def _rank(self, text: str, limit: int) -> list[Ranked]:
        query = self._expanded(text)
        ids = self._query_tokenizer().tokenize(
            [query], update_vocab=False, show_progress=False, allow_empty=False
        )[0]
        ids = [token for token in ids if token is not None]
        if not ids:
            return []
        scores = self._retriever.get_scores(ids)
        message = set(ids)
        best = sorted(range(len(scores)), key=lambda i: -float(scores[i]))[:limit]
        ranked = []
        for i in best:
            if scores[i] <= 0:
                break
            shared = self._shared(i, message)
            ranked.append(Ranked(self.passages[i], float(scores[i]), shared))
        return ranked

    def _shared(self, index: int, message: set[int]) -> int:
        """How many of the message's distinct tokens the passage has."""
        return sum(1 for token in message if self._has(index, token))

    def _has(self, index: int, token: int) -> bool:
        scores = self._retriever.scores
        start, end = scores["indptr"][token], scores["indptr"][token + 1]
        return bool((scores["indices"][start:end] == index).any())


_lock = threading.Lock()
_built: dict[int, tuple[Content, Index]] = {}


def index_for(content: Content) -> Index:
    """The index of this content, built the first time it is asked for (about 0.1 s) and kept."""
    with _lock:
        kept = _built.get(id(content))
        if kept is None or kept[0] is not content:
            kept = (content, Index(content))
            _built.clear()  # one content at a time: a reload replaces the index
            _built[id(content)] = kept
        return kept[1]
