"""The checker's engine: guide entries compiled into surface-form patterns, matched on normalised text.

No Django here (the CLI, the API, the page and the benchmark share it). The approach (timed in
bench/language_check.py; no lemmatiser or multi-pattern library was needed, see docs/narrative.md):

- the text is normalised with one ``str.translate`` table that lowers case and strips accents from
  Latin letters *one character for one character*, so offsets in the normalised text are offsets in
  the original (the text is put in NFC first, as every browser sends it);
- each entry's patterns are written as words with alternatives (``ola|oleada``), optional words
  (``de?``) and a gender-and-number mark (``invasor~`` → invasor, invasora, invasores, invasoras),
  expanded per language when the guide is compiled, not per token at check time;
- words are found with one C-level ``re.finditer``; only a word that can start a pattern (a set
  lookup) tries that pattern's anchored regular expression;
- context rules look at a few words either side of a match: ``require`` needs one of its words
  there, ``exclude`` refuses the match if one is ("pesca ilegal" is not about people).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field


def _fold_table() -> dict[int, str]:
    table = {}
    for code in range(0x00C0, 0x0250):
        char = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFKD", char.lower()) if not unicodedata.combining(c))
        if len(base) == 1 and base != char:
            table[code] = base
    for code in range(ord("A"), ord("Z") + 1):
        table[code] = chr(code + 32)
    # Typographic apostrophes and hyphens read as the plain ones.
    table.update({0x2019: "'", 0x2018: "'", 0x2010: "-", 0x2011: "-"})
    return table


FOLD = _fold_table()
WORD = re.compile(r"\w+")
# Between the words of a phrase: spaces, hyphens, apostrophes and quotes, never a sentence end.
SEPARATOR = r"[\s\-'\"«»“”]+"


FOLD_CHARS = {chr(code): base for code, base in FOLD.items()}
NON_ASCII = re.compile(r"[^\x00-\x7f]")


def fold(text: str) -> str:
    """Lower case without accents, the same length as ``text`` (offsets carry over).

    ``str.lower`` (C, fast) and then only the non-ASCII characters looked up: three times faster on Spanish
    than ``str.translate`` over every character (bench/language_check.py). Where lowering changes the
    length (a dotted capital I), every character is translated one for one instead.
    """
    lowered = text.lower()
    if len(lowered) != len(text):
        return text.translate(FOLD)
    return NON_ASCII.sub(lambda match: FOLD_CHARS.get(match.group(), match.group()), lowered)


def prepare(text: str) -> str:
    """The text findings refer to: NFC (composed accents) with Windows and old Mac line ends made plain."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


# --- Inflections: gender and number, per language ------------------------------------------

def inflect(word: str, language: str) -> set[str]:
    """The gender and number forms of ``word`` (already folded): generous, since a form nobody writes costs nothing."""
    forms = {word}
    if language == "en":
        forms.add(word[:-1] + "ies" if word.endswith("y") and word[-2:-1] not in "aeiou" else word + "s")
        if word.endswith(("s", "x", "ch", "sh")):
            forms.add(word + "es")
        return forms
    if language == "pt" and word.endswith("ao"):  # invasão → invasões, irmão → irmãos, alemão → alemães (folded)
        forms |= {word[:-2] + "oes", word + "s", word[:-2] + "aes"}
    elif word.endswith(("o", "a")):
        stem = word[:-1]
        forms |= {stem + "o", stem + "a", stem + "os", stem + "as"}
    elif word.endswith("e"):
        forms.add(word + "s")
    elif language == "pt" and word.endswith("l"):  # ilegal → ilegais, móvel → móveis
        forms.add(word[:-1] + "is")
    elif language == "pt" and word.endswith("m"):
        forms.add(word[:-1] + "ns")
    elif word.endswith("z"):
        forms |= {word[:-1] + "ces", word + "es"}
    else:
        forms.add(word + "es")
        if word.endswith(("or", "on", "es")):  # invasor → invasora(s); ladrón → ladrona(s)
            forms |= {word + "a", word + "as"}
        if language == "pt" and word.endswith("s"):
            forms.add(word)
    return forms


class PatternInvalid(ValueError):
    """A pattern or context word the engine cannot read; the message names it."""


TOKEN = re.compile(r"^[\w'\-]+~?(\|[\w'\-]+~?)*\??$")


def _token_forms(token: str, language: str) -> tuple[list[str], bool]:
    if not TOKEN.match(token):
        raise PatternInvalid(f"«{token}»: use words, a|b for alternatives, word? for optional, word~ for forms.")
    optional = token.endswith("?")
    token = token.rstrip("?")
    forms: set[str] = set()
    for alternative in token.split("|"):
        alternative = fold(alternative)
        if alternative.endswith("~"):
            forms |= inflect(alternative[:-1], language)
        else:
            forms.add(alternative)
    return sorted(forms, key=lambda form: (-len(form), form)), optional


def _word_regex(forms: list[str]) -> str:
    # A word of a phrase may itself hold a hyphen or a space ("bomba-relogio"): any separator matches there.
    return "(?:" + "|".join(re.escape(form).replace(r"\ ", SEPARATOR).replace(r"\-", SEPARATOR) for form in forms) + ")"


# --- Compiled guide ------------------------------------------------------------------------

MACRO = re.compile(r"\{([A-Z]+)\}")


def expand(text: str, macros: dict) -> str:
    """``{PEOPLE}`` → the language's list of people words (the guide file's shorthand)."""
    return MACRO.sub(lambda match: macros[match.group(1)], text)


def rule_from_row(language: str, row: list, macros: dict) -> tuple[Rule, dict]:
    """One row of the guide file (slug, term, patterns, category, severity, alternatives, explanation, source
    key, then optionally require, exclude and window) as a rule and its remaining fields."""
    slug, term, patterns, category, severity, alternatives, explanation, source = row[:8]
    require, exclude, window = (row[8:] + [[], [], 4][len(row) - 8:])[:3]
    rule = Rule(slug, tuple(expand(pattern, macros) for pattern in patterns),
                tuple(expand(word, macros) for word in require), tuple(expand(word, macros) for word in exclude), window)
    return rule, {"term": term, "category": category, "severity": severity, "alternatives": alternatives,
                  "explanation": explanation, "source": source}

@dataclass(frozen=True)
class Rule:
    """What the engine needs of a guide entry; ``key`` names the entry the finding points to."""

    key: str
    patterns: tuple[str, ...]
    require: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    window: int = 4


@dataclass
class _Compiled:
    rule: Rule
    regex: re.Pattern
    require: frozenset = field(default_factory=frozenset)
    exclude: frozenset = field(default_factory=frozenset)


@dataclass(frozen=True)
class Match:
    key: str
    start: int
    end: int


class Matcher:
    """All the rules of one language, indexed by the words their patterns can start with."""

    def __init__(self, rules, language: str):
        self.language = language
        self.by_first_word: dict[str, list[_Compiled]] = {}
        for rule in rules:
            require = frozenset().union(*(_token_forms(word, language)[0] for word in rule.require)) if rule.require else frozenset()
            exclude = frozenset().union(*(_token_forms(word, language)[0] for word in rule.exclude)) if rule.exclude else frozenset()
            for pattern in rule.patterns:
                tokens = pattern.split()
                if not tokens or tokens[0].endswith("?"):
                    raise PatternInvalid(f"«{pattern}»: a pattern starts with a word that is not optional.")
                first_forms, _ = _token_forms(tokens[0], language)
                regex = _word_regex(first_forms)
                for token in tokens[1:]:
                    forms, optional = _token_forms(token, language)
                    regex += f"(?:{SEPARATOR}{_word_regex(forms)})" + ("?" if optional else "")
                compiled = _Compiled(rule, re.compile(regex + r"(?!\w)"), require, exclude)
                for form in first_forms:
                    self.by_first_word.setdefault(form.split()[0].split("-")[0], []).append(compiled)
        # Longer patterns first, so "inmigrante ilegal" wins over a shorter pattern at the same word.
        for candidates in self.by_first_word.values():
            candidates.sort(key=lambda compiled: -len(compiled.regex.pattern))

    def find(self, text: str) -> list[Match]:
        """Matches in ``text`` (already prepared), left to right, never overlapping (the longest at a place wins)."""
        folded = fold(text)
        index = self.by_first_word
        found: list[Match] = []
        free_from = 0
        for word in WORD.finditer(folded):
            candidates = index.get(word.group())
            if candidates is None or word.start() < free_from:
                continue
            best = None
            for compiled in candidates:
                hit = compiled.regex.match(folded, word.start())
                if hit and (best is None or hit.end() > best[1].end()) and _context_allows(compiled, folded, hit):
                    best = (compiled, hit)
            if best:
                found.append(Match(best[0].rule.key, best[1].start(), best[1].end()))
                free_from = best[1].end()
        return found


def compile_rules(rules, language: str) -> Matcher:
    return Matcher(rules, language)


def _context_allows(compiled: _Compiled, folded: str, hit: re.Match) -> bool:
    if not compiled.require and not compiled.exclude:
        return True
    window = compiled.rule.window
    span = 16 * window  # words are rarely longer: the slice bounds the work, not the meaning
    before = WORD.findall(_clause(folded[max(0, hit.start() - span):hit.start()], last=True))[-window:]
    after = WORD.findall(_clause(folded[hit.end():hit.end() + span], last=False))[:window]
    around = set(before) | set(after) | set(WORD.findall(hit.group()))
    if compiled.exclude and around & compiled.exclude:
        return False
    return not compiled.require or bool(around & compiled.require)


SENTENCE_END = re.compile(r"[.!?;\n]")


def _clause(text: str, *, last: bool) -> str:
    """The part of ``text`` in the same sentence as the match (context does not cross a full stop)."""
    parts = SENTENCE_END.split(text)
    return parts[-1] if last else parts[0]


class Lines:
    """Line and column (both from 1) of an offset, by bisecting the line starts."""

    def __init__(self, text: str):
        self.starts = [0] + [match.end() for match in re.finditer("\n", text)]

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


# --- Language of a text ---------------------------------------------------------------------

# Frequent words that tell the three languages apart (shared ones such as "que", "a", "de" left out).
MARKERS = {
    "es": frozenset(["el", "los", "las", "del", "una", "y", "es", "son", "pero", "muy", "fue", "con", "esta", "este", "estos", "para", "por", "al", "lo", "le", "se", "su", "sus", "hay", "como", "mas", "tambien"]),
    "pt": frozenset(["os", "das", "dos", "da", "do", "uma", "um", "e", "nao", "sao", "com", "esta", "este", "para", "pelo", "pela", "ao", "seu", "sua", "mais", "tambem", "em", "no", "na", "foi", "ja"]),
    "en": frozenset(["the", "and", "of", "to", "is", "are", "in", "that", "with", "for", "was", "were", "this", "these", "on", "by", "be", "has", "have", "it", "not", "an", "from"]),
}
MARKERS = {
    "es": MARKERS["es"] - MARKERS["pt"] - MARKERS["en"],
    "pt": MARKERS["pt"] - MARKERS["es"] - MARKERS["en"],
    "en": MARKERS["en"] - MARKERS["es"] - MARKERS["pt"],
}


def detect_language(text: str, default: str = "es", sample: int = 20_000) -> str:
    """es, pt or en by counting marker words in the first ``sample`` characters; ``default`` when none is seen."""
    words = WORD.findall(fold(text[:sample]))
    scores = {language: sum(1 for word in words if word in markers) for language, markers in MARKERS.items()}
    best = max(scores, key=lambda language: (scores[language], language == default))
    return best if scores[best] else default
