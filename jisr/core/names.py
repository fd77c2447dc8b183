"""Matching keys for personal names in Arabic and in French-style Latin transliteration (pure).

The same person is written many ways: أحمد / احمد / أَحْمَد, فاطمة / فاطمه, الإدريسي / ادريسي in
Arabic; Mohamed / Mohammed / M'hamed, El Idrissi / Idrissi / Elidrissi, Chraibi / Shraibi in
Latin. `normalise_arabic` and `normalise_latin` fold such variants to one *key*, used to compare
and block records in deduplication (`jisr.registry.dedup`) and to search names in the registry.
A key is for matching, never for display: it is not a spelling anyone would write, and it may
join two different rare names (a comparison more, never a merge).

Both normalisers are a fixed chain of rules, listed below with the reason for each. Every rule is
a regular expression whose meaning is the same in Python's `re` and in the Rust `regex` crate
behind Polars (literal characters, classes, alternation, repetition; no look-around, no
back-reference, no `\\b`/`\\w`, whose Unicode tables differ), so the scalar functions and the
vectorised `arabic_key_expr` / `latin_key_expr` give the same result for any input, which the
tests check with hypothesis. Each chain is idempotent: a key normalises to itself.

Word rules work on a *padded* form in which every word is written ` word ` (one space before,
one after, so two between words): a rule then sees whole words without look-around and two
adjacent words never compete for the same space.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Literal

import polars as pl

NormalForm = Literal["NFKC", "NFKD"]


@dataclass(frozen=True)
class Rule:
    """Replace every match of `pattern` by `replacement` (`${n}`: the n-th group)."""

    pattern: str
    replacement: str
    why: str


@dataclass(frozen=True)
class Unicode:
    """Apply a Unicode normal form (both engines implement the same standard tables)."""

    form: NormalForm
    why: str


@dataclass(frozen=True)
class Lower:
    """Lower-case; only ever applied to ASCII text, where every engine agrees."""

    why: str = "case carries no information in a key"


@dataclass(frozen=True)
class Pad:
    """Switch to the padded form: ' ' + words joined by '  ' + ' '."""

    why: str = "word rules see every word as ' word '"


@dataclass(frozen=True)
class Unpad:
    """Leave the padded form: single spaces, none at the ends."""

    why: str = "a key has single spaces between words"


Step = Rule | Unicode | Lower | Pad | Unpad

_LETTERS = "abcdefghijklmnopqrstuvwxyz"
# One pass that collapses any run of a repeated letter without back-references (which Rust's
# regex lacks): one alternative per letter, the unmatched groups are empty in both engines.
_COLLAPSE_DOUBLES = Rule(
    "|".join(f"({c}){c}+" for c in _LETTERS),
    "".join(f"${{{i}}}" for i in range(1, len(_LETTERS) + 1)),
    "doubled letters are a transliteration habit (Mohammed/Mohamed, Bennani/Benani)",
)
_APOSTROPHES = "'’‘`´ʼ"
# Cyrillic and Greek letters drawn like Latin ones, which slip into names typed on a Russian or
# Greek keyboard layout or pasted from elsewhere (Bouchtа with a Cyrillic а looks like Bouchta).
_CONFUSABLES = {
    "a": "аα",
    "c": "сϲ",
    "d": "ԁ",
    "e": "еε",
    "h": "һ",
    "i": "іι",
    "j": "ј",
    "k": "κ",
    "l": "ӏ",
    "o": "оο",
    "p": "рρ",
    "q": "ԛ",
    "s": "ѕ",
    "v": "ν",
    "w": "ԝ",
    "x": "хχ",
    "y": "уγ",
    "A": "АΑ",
    "B": "ВΒ",
    "C": "С",
    "E": "ЕΕ",
    "H": "НΗ",
    "I": "ІΙ",
    "J": "Ј",
    "K": "КΚ",
    "M": "МΜ",
    "N": "Ν",
    "O": "ОΟ",
    "P": "РΡ",
    "S": "Ѕ",
    "T": "ТΤ",
    "X": "ХΧ",
    "Y": "УΥ",
    "Z": "Ζ",
}

LATIN_STEPS: tuple[Step, ...] = (
    # --- characters ---
    Rule(
        f"(^|[^A-Za-z])([LlDd])[{_APOSTROPHES}]",
        "${1}${2} ",
        "French elided article (L'Hassani, D'Ouezzane): a word of its own, removed below",
    ),
    Rule(
        f"[{_APOSTROPHES}]",
        "",
        "other apostrophes mark an ayn or a hamza (M'hamed, Ma'ati) and are often left out",
    ),
    *(
        Rule(f"[{chars}]", latin, "a look-alike Cyrillic or Greek letter")
        for latin, chars in _CONFUSABLES.items()
    ),
    Rule(
        r"[^\x00-\u024f\u1e00-\u1eff\uff21-\uff3a\uff41-\uff5a]",
        " ",
        "only Latin letters (and their full-width forms) spell a Latin name; keeping to these "
        "blocks also keeps the next step stable across Unicode versions (Python's and Polars' "
        "tables differ in age)",
    ),
    Unicode("NFKD", "split accented letters into a base letter and combining marks"),
    Rule(r"[\u0300-\u036f]", "", "accents are optional in IDs and forms (Aïcha/Aicha)"),
    Rule("[øØ]", "o", "letters without a decomposition"),
    Rule("[æÆ]", "ae", "letters without a decomposition"),
    Rule("[œŒ]", "oe", "letters without a decomposition"),
    Rule("ß", "ss", "letters without a decomposition"),
    Rule("[đĐð]", "d", "letters without a decomposition"),
    Rule("[łŁ]", "l", "letters without a decomposition"),
    Rule("ı", "i", "letters without a decomposition"),
    Rule("[^A-Za-z]+", " ", "hyphens, dots, digits: word separators (El-Idrissi, Fatima-Zahra)"),
    Lower(),
    Rule("^ +| +$", "", "no spaces at the ends"),
    Rule(" +", " ", "one space between words"),
    Pad(),
    # --- words, before the letters are folded (they need the original 'e') ---
    Rule(
        " (?:el)+([a-z]{4,})",
        " ${1}",
        "the article glued to a family name (Elidrissi = El Idrissi); only before 4+ letters "
        "so that Elias stays, and not 'al', which starts names of its own (Alaoui)",
    ),
    Rule(
        " e(ss|tt|dd|rr|zz|nn|chch|shsh)",
        " ${1}",
        "the article assimilated to a sun letter and glued (Essaidi, Ezzahra, Ennaji)",
    ),
    # --- letters ---
    _COLLAPSE_DOUBLES,
    Rule("ph", "f", "Mustapha/Mustafa"),
    Rule("dj", "j", "Djamila/Jamila, Tidjani/Tijani (Algerian-French spelling)"),
    Rule("sch|sh", "ch", "ش is 'ch' in French spelling, 'sh' in English (Chraibi/Shraibi)"),
    Rule("cc", "k", "Mecca/Meka"),
    Rule("c([eiy])", "s${1}", "soft c is s (Yacine/Yassine, Hocine/Houssine)"),
    Rule("c([^h])", "k${1}", "hard c is k (Cadi/Kadi); 'ch' is kept"),
    Rule("q", "k", "ق is 'q' or 'k' (Tariq/Tarik, Qassimi/Kassimi)"),
    Rule("x", "kh", "خ is sometimes 'x' (Amazigh and Spanish-influenced spellings)"),
    Rule("rh", "gh", "غ is 'gh' or 'rh' in French spelling (Rhita/Ghita, Rharbi/Gharbi)"),
    Rule("ee", "i", "long i written 'ee' (Ameen/Amine)"),
    Rule("([a-z]{2})e+ ", "${1} ", "silent final e of French spelling (Hassane, Amine, Asmae)"),
    Rule("ou|oo", "u", "ou is French for u (Youssef/Yusuf, Ouazzani/Wazzani)"),
    Rule("w", "u", "و is 'w' or 'ou' (Wafae/Ouafae, Jawad/Jaouad)"),
    Rule("y", "i", "ي is 'y' or 'i' (Yassine/Iassine, Aycha/Aicha, Meryem/Meriem)"),
    Rule("o", "u", "Arabic has no o/u contrast (Omar/Oumar, Mohamed/Muhamad)"),
    Rule("e", "a", "fatha is 'a' or 'e' (Ahmed/Ahmad, Mehdi/Mahdi, Abdellah/Abdallah)"),
    Rule("([aiu])h+ ", "${1} ", "final h after a vowel is silent (Fatimah/Fatima)"),
    _COLLAPSE_DOUBLES,
    # --- words, on folded letters ---
    Rule(
        " (?:mu?ha?ma?d|muhd|mhd|mad) ",
        " muhamad ",
        "the Mohammed family is one key (Mohamed, Mohammed, Muhammad, M'hamed, Mhamed, Med); "
        "امحمد is a distinct name in Arabic but its spellings overlap محمد's in Latin",
    ),
    Rule(
        " (?:(?:al|l|d|as|at|ad|ar|az|an|ach)  )+([a-z])",
        " ${1}",
        "the article as a word of its own (El Idrissi, L'Hassani, Es-Saidi, Ech-Chaoui) is "
        "often left out, so it is removed wherever another word follows",
    ),
    Rule(
        " (?:ban|bin|ibn|ibnu|bnu|bn)  ([a-z]{2})",
        " ban${1}",
        "'son of' is ben/bin/ibn and written apart or glued (Ben Ali/Benali); only before a "
        "word of 2+ letters, so that no join can make another particle",
    ),
    Rule(" ait  ([a-z]{2})", " ait${1}", "Amazigh 'sons of', apart or glued (Ait Ali/Aitali)"),
    Rule(
        " abd(?:al|ul|a|u)?  (?:al)?ala ",
        " abdala ",
        "Abd Allah, Abd El Allah: Abdellah (Allah ends up 'ala' once folded)",
    ),
    Rule(
        " abd(?:al|ul|a|u)?  ([a-z]{2})",
        " abdal${1}",
        "'servant of' compounds, apart or glued (Abdel Aziz/Abdelaziz, Abd Allah/Abdallah)",
    ),
    Rule(" abd(?:ul|al)", " abdal", "Abdulaziz/Abdelaziz, Abdullah/Abdellah"),
    Rule(
        " abd[au]?(r|s|n|t|z|d)",
        " abdal${1}",
        "the article assimilated after abd (Abderrahim/Abdelrahim, Abdessamad/Abdelsamad)",
    ),
    _COLLAPSE_DOUBLES,
    Unpad(),
)

# Arabic letters kept in a key once the variants are folded: the basic alphabet and the
# extended letters of other languages written in Arabic script.
_ARABIC_LETTER = "\u0620-\u063a\u0641-\u064a\u066e-\u06d3\u06fa-\u06ff\u0750-\u077f"

ARABIC_STEPS: tuple[Step, ...] = (
    Rule(
        r"[^ \u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]",
        " ",
        "only Arabic letters spell an Arabic name; keeping to these blocks also keeps the next "
        "step stable across Unicode versions",
    ),
    Unicode("NFKC", "presentation forms and ligatures (from PDFs: ﻣﺤﻤﺪ, ﷲ) to plain letters"),
    Rule(
        "[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u0640]",
        "",
        "harakat, Quranic marks and tatweel are optional (مُحَمَّد = محمد, مـحـمـد = محمد)",
    ),
    Rule("[أإآٱٲٳ]", "ا", "the hamza and madda on alef are often left out (أحمد/احمد)"),
    Rule("[ةۃ]", "ه", "ta marbuta is often written as ha (فاطمة/فاطمه)"),
    Rule("[ىیۍې]", "ي", "alef maqsura and Persian yeh are written as ya (مصطفى/مصطفي)"),
    Rule("ؤ", "و", "hamza on waw is often left out (فؤاد/فواد)"),
    Rule("ئ", "ي", "hamza on ya is often left out (عائشة/عايشة)"),
    Rule("ء", "", "a lone hamza is often left out (أسماء/أسما, زكرياء/زكريا)"),
    Rule("[کڭگ]", "ك", "Persian kaf and Moroccan gaf (ڭ for g) are also written ك"),
    Rule("[ھەۀ]", "ه", "other forms of ha"),
    Rule("ڤ", "ف", "ve (ڤ) in foreign names is also written ف"),
    Rule("پ", "ب", "pe (پ) in foreign names is also written ب"),
    Rule(f"[^ {_ARABIC_LETTER}]+", " ", "digits, punctuation and the rest separate words"),
    Rule("^ +| +$", "", "no spaces at the ends"),
    Rule(" +", " ", "one space between words"),
    Pad(),
    Rule(
        "([^ ])  الله ",
        "${1}الله ",
        "Allah ends a compound written apart or glued (عبد الله/عبدالله, فتح الله); joined "
        "first so that the article rule below does not strip its ال",
    ),
    Rule(
        " (?:ال)+([^ ]{2,})",
        " ${1}",
        "the article ال at the start of a word is part of many family names (الإدريسي) and "
        "first names (المهدي) but often left out, as in Latin (El Idrissi/Idrissi); only before "
        "2+ letters. Words that merely start with ال (إلياس, إلهام) lose it too: both sides of "
        "a comparison do, so they still match",
    ),
    Rule(" ا(بن|بو)", " ${1}", "ابن/بن and ابو/بو are the same particle (أبو بكر/بوبكر)"),
    Rule(
        " (بن|بو|عبد|ايت|اولاد|ولد)  ([^ ])",
        " ${1}${2}",
        "particles are written apart or glued to the next word (بن علي/بنعلي, آيت علي)",
    ),
    Rule(
        " عبد(?:ال)+([^ ]{3,}|[^ ل][^ ]|ل[^ ه]) ",
        " عبد${1} ",
        "the article glued after عبد (عبدالرحمن = عبد الرحمن, whose article went above); "
        "not in عبدالله",
    ),
    Unpad(),
)


def _python_replacement(replacement: str) -> str:
    return re.sub(r"\$\{(\d+)\}", r"\\g<\1>", replacement)


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _apply(steps: tuple[Step, ...], text: str) -> str:
    for step in steps:
        if isinstance(step, Rule):
            text = _compiled(step.pattern).sub(_python_replacement(step.replacement), text)
        elif isinstance(step, Unicode):
            text = unicodedata.normalize(step.form, text)
        elif isinstance(step, Lower):
            text = text.lower()
        elif isinstance(step, Pad):
            text = f" {text.replace(' ', '  ')} "
        else:
            text = re.sub(" +", " ", text).strip(" ")
    return text


def _apply_expr(steps: tuple[Step, ...], expr: pl.Expr) -> pl.Expr:
    for step in steps:
        if isinstance(step, Rule):
            expr = expr.str.replace_all(step.pattern, step.replacement)
        elif isinstance(step, Unicode):
            expr = expr.str.normalize(step.form)
        elif isinstance(step, Lower):
            expr = expr.str.to_lowercase()
        elif isinstance(step, Pad):
            spaced = expr.str.replace_all(" ", "  ", literal=True)
            expr = pl.concat_str(pl.lit(" "), spaced, pl.lit(" "))
        else:
            expr = expr.str.replace_all(" +", " ").str.strip_chars(" ")
    return expr


def normalise_latin(text: str) -> str:
    """The matching key of a name in Latin script: 'El-Idrissi' -> 'idrisi'."""
    return _apply(LATIN_STEPS, text)


def normalise_arabic(text: str) -> str:
    """The matching key of a name in Arabic script: 'الإدريسي' -> 'ادريسي'."""
    return _apply(ARABIC_STEPS, text)


def _column(col: str | pl.Expr) -> pl.Expr:
    return pl.col(col) if isinstance(col, str) else col


def latin_key_expr(col: str | pl.Expr) -> pl.Expr:
    """`normalise_latin` on a whole column (nulls stay null)."""
    return _apply_expr(LATIN_STEPS, _column(col))


def arabic_key_expr(col: str | pl.Expr) -> pl.Expr:
    """`normalise_arabic` on a whole column (nulls stay null)."""
    return _apply_expr(ARABIC_STEPS, _column(col))
