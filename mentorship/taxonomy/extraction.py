"""Find the taxonomy skills that a free text (e.g. a job description) mentions.

Contract: ``SkillMatcher(vocabulary).extract(text)`` returns the sorted, unique slugs of the skills
whose names or aliases occur in ``text`` as whole words.

Rules:

* Names are compared in the form given by :func:`normalise_skill_name`: case-folded, with each run
  of spaces, hyphens or underscores, and a dot between two word characters, read as one space. So
  "Scikit-Learn", "scikit learn" and "scikit_learn" are the same name, as are "Node.js" and
  "node js".
* A mention must not touch a letter, digit or underscore on either side, nor a ``+`` or ``#`` after
  it: "Java" is not found in "JavaScript", "Spark" not in "sparkling", "C" not in "C++". Names
  may contain symbols ("C++", "C#", ".NET", "CI/CD", "A/B testing").
* The longest name starting at each word is a mention, unless it lies inside a longer mention.
  So "streaming data pipelines" mentions both "streaming data" and "data pipelines", but
  "SQL Server" does not mention "SQL", nor "Node.js" "JS".
* Ambiguous names, which are also an ordinary word or letter (``AMBIGUOUS_NAMES``: R, C, Go,
  Excel, Spark, ...), count only when written capitalised and not joined by ``&`` or ``-`` to
  the text around them (R&D, C-suite, Go-to-market), and then only when either

  - they are listed next to another mention, separated by nothing but commas, slashes, brackets,
    "and", "or" or "&" ("Python or R", "Go, Rust", "C/C++"), or
  - they follow a lowercase word of the same sentence ("experience in R", "we use Go"), so not
    at the start of a sentence or line ("Go beyond ...") nor after a label ("Series C"). Names
    longer than a letter may also follow a capitalised word that opens the sentence ("Advanced
    Excel"), and a single letter must not be followed by a full stop ("R. Smith").

  So "go to meetings", "excel at" and a lone "r" never count, while unambiguous spellings such as
  "Golang", "Microsoft Excel" or "PySpark" need no context.
"""

import difflib
import itertools
import re
from collections.abc import Iterable, Mapping

#: Normalised names that are also ordinary English words or letters; see the module docstring.
AMBIGUOUS_NAMES: frozenset[str] = frozenset(
    {"beam", "c", "excel", "go", "hive", "julia", "r", "react", "rust", "snowflake", "spark"}
)

_SEPARATORS = re.compile(r"[\s_-]+|(?<=\w)\.(?=\w)")
# What may stand between two words of a name in the text (the inverse of _SEPARATORS).
_WORD_GAP = r"(?:[\s_-]+|\.)"
# Characters that bind an ambiguous name into a larger token, as in "R&D" or "C-suite".
_JOINERS = frozenset("&-")
# Text allowed between two mentions for them to count as one list.
_LIST_GAP = re.compile(r"[\s,;/()]*(?:(?:and/or|and|or|&)[\s,;/()]+)?", re.IGNORECASE)
# Characters that end a sentence or a line, for the rule on ambiguous names.
_SENTENCE_ENDS = frozenset(".!?\n")
_SIMILARITY_CUTOFF = 0.6

_Trie = dict[str, "_Trie"]


def normalise_skill_name(name: str) -> str:
    """Return the lookup form of a skill name.

    Case-folded and trimmed, with each run of spaces, hyphens and underscores, and each dot
    between two word characters, replaced by one space: "Scikit-Learn" -> "scikit learn",
    "Node.js" -> "node js", ".NET" -> ".net".
    """
    return _SEPARATORS.sub(" ", name.casefold()).strip()


class SkillMatcher:
    """Recognise skills in free text, and resolve or suggest single skill names.

    Built once from a vocabulary, then safe to share: it holds no per-call state.
    """

    def __init__(
        self,
        vocabulary: Mapping[str, Iterable[str]],
        ambiguous: Iterable[str] = AMBIGUOUS_NAMES,
    ) -> None:
        """Compile a matcher for ``vocabulary``: skill slug -> names to recognise.

        ``ambiguous`` lists the names that need context to count (compared after normalisation).
        Raises ``ValueError`` if a name is blank or two slugs share a name after normalisation.
        """
        self._slug_by_name: dict[str, str] = {}
        self._spelling: dict[str, str] = {}  # Normalised name -> its first spelling in vocabulary.
        for slug, names in vocabulary.items():
            for name in names:
                key = normalise_skill_name(name)
                if not key:
                    raise ValueError(f"skill {slug!r} has a blank name")
                owner = self._slug_by_name.setdefault(key, slug)
                if owner != slug:
                    raise ValueError(f"{name!r} names both {owner!r} and {slug!r}")
                self._spelling.setdefault(key, name)
        self._ambiguous = frozenset(normalise_skill_name(name) for name in ambiguous)
        alternation = _trie_regex(_trie(sorted(self._slug_by_name)))
        # The lookahead consumes nothing, so the search resumes one character on and also finds
        # mentions that overlap; group 1 is the longest name starting at the current word.
        self._pattern = re.compile(rf"(?<!\w)(?=({alternation})(?![\w+#]))", re.IGNORECASE)

    def extract(self, text: str) -> list[str]:
        """Return the sorted, unique slugs of the skills mentioned in ``text``."""
        # Lowercase ambiguous names are plain words, so they cannot be list neighbours either.
        mentions = [
            (span, key)
            for span, key in self._maximal_mentions(text)
            if key not in self._ambiguous or text[span[0]].isupper()
        ]
        spans = [span for span, _ in mentions]
        return sorted(
            {
                self._slug_by_name[key]
                for index, (_, key) in enumerate(mentions)
                if key not in self._ambiguous or _has_skill_context(text, spans, index)
            }
        )

    def _maximal_mentions(self, text: str) -> list[tuple[tuple[int, int], str]]:
        """Return the (span, normalised name) of each mention not inside another, in text order."""
        mentions: list[tuple[tuple[int, int], str]] = []
        reach = 0  # The furthest end of a mention so far.
        for match in self._pattern.finditer(text):
            start, end = match.span(1)
            if end > reach:
                mentions.append(((start, end), normalise_skill_name(match[1])))
                reach = end
        return mentions

    def resolve(self, name: str) -> str | None:
        """Return the slug that ``name`` (a skill name or alias) denotes, or None if unknown.

        The lookup is exact after :func:`normalise_skill_name`, so "Scikit-Learn", "scikit learn"
        and "sklearn" all resolve to the same skill.
        """
        return self._slug_by_name.get(normalise_skill_name(name))

    def closest(self, name: str, limit: int = 3) -> list[str]:
        """Return up to ``limit`` known names most similar to ``name``, best first.

        Meant for "did you mean ...?" messages: at most one name per skill, spelled as in the
        vocabulary, and only names similar enough to be plausible (possibly none).
        """
        keys = difflib.get_close_matches(
            normalise_skill_name(name),
            self._spelling,
            n=len(self._spelling),
            cutoff=_SIMILARITY_CUTOFF,
        )
        best_by_slug: dict[str, str] = {}
        for key in keys:
            best_by_slug.setdefault(self._slug_by_name[key], self._spelling[key])
        return list(itertools.islice(best_by_slug.values(), limit))


def _trie(names: Iterable[str]) -> _Trie:
    """Merge ``names`` into a character trie; the key "" marks the end of a name."""
    root: _Trie = {}
    for name in names:
        node = root
        for char in name:
            node = node.setdefault(char, {})
        node[""] = {}
    return root


def _trie_regex(node: _Trie) -> str:
    """Compile a trie into a regex matching its names, preferring the longest one.

    Sharing prefixes lets the regex engine test each character once per position instead of
    once per name, which makes matching about ten times faster than a flat alternation.
    """
    branches = [
        (_WORD_GAP if char == " " else re.escape(char)) + _trie_regex(child)
        for char, child in node.items()
        if char
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
    return f"(?:{body})?" if "" in node else body


def _has_skill_context(text: str, spans: list[tuple[int, int]], index: int) -> bool:
    """Whether the ambiguous mention ``spans[index]`` reads as a skill (see module docstring)."""
    start, end = spans[index]
    if text[start - 1 : start] in _JOINERS or text[end : end + 1] in _JOINERS:
        return False
    return _is_listed(text, spans, index) or _is_mid_sentence(text, start, end)


def _is_listed(text: str, spans: list[tuple[int, int]], index: int) -> bool:
    """Whether only list glue separates ``spans[index]`` from the nearest mention on either side.

    ``spans`` increase in both start and end, as maximal mentions do; overlapping neighbours are
    skipped.
    """
    start, end = spans[index]
    before = index - 1
    while before >= 0 and spans[before][1] > start:
        before -= 1
    after = index + 1
    while after < len(spans) and spans[after][0] < end:
        after += 1
    return (before >= 0 and _LIST_GAP.fullmatch(text, spans[before][1], start) is not None) or (
        after < len(spans) and _LIST_GAP.fullmatch(text, end, spans[after][0]) is not None
    )


def _is_mid_sentence(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` follows a word of its sentence as a noun, not as a label."""
    previous = _previous_word_start(text, start)
    if previous is None:
        return False
    letter = end - start == 1
    if text[previous].isupper():  # "Advanced Excel" counts, "Section R" and "Series C" do not.
        return not letter and _previous_word_start(text, previous) is None
    return not (letter and text[end : end + 1] == ".")  # "R. Smith"


def _previous_word_start(text: str, end: int) -> int | None:
    """Return where the word before ``end`` starts, or None if a sentence starts in between."""
    word_end = end
    while word_end > 0 and not _is_word_char(text[word_end - 1]):
        if text[word_end - 1] in _SENTENCE_ENDS:
            return None
        word_end -= 1
    word_start = word_end
    while word_start > 0 and _is_word_char(text[word_start - 1]):
        word_start -= 1
    return word_start if word_start < word_end else None


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"
