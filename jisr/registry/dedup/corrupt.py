"""A corruption model: inject probable duplicates into a population, with their ground truth.

Exact duplicates (same CNIE, same RNP id) cannot exist in the registry, which enforces both
as unique. What reaches it is the same person declared twice: by a second household (a child
declared by both separated parents, a grown-up son by his parents and by his own household),
after a move, or by a form filled in again. Each injected duplicate is a copy of a randomly
chosen original person (without replacement) with:

- a new RNP id (a fresh valid 12-digit Luhn id), always;
- `duplicate_of`: the original's `person_id`, the ground truth (null for originals);
- Latin first / family name variant, 0.40 each: one transliteration swap (ou↔u↔w, ch↔sh, e↔a,
  i↔y, a letter doubled or undoubled, k↔q, dj→j, gh→rh, an accent added), final e added or
  dropped, El added or dropped (family names), words split, hyphenated or glued;
- Latin typo, 0.10 each: one deletion, insertion, substitution or transposition (never of the
  first letter, which people rarely get wrong);
- Arabic first / family name variant, 0.30 each: hamza on alef added or dropped, ة→ه, ى↔ي,
  ؤ→و, ئ→ي, final ء dropped, harakat or tatweel added, ال added or dropped (family names),
  عبد split or glued;
- Arabic typo, 0.05 each: one letter dropped, swapped with its neighbour or replaced by a
  look-alike (ب/ت/ث/ن, ج/ح/خ, د/ذ, ر/ز, س/ش, ص/ض, ط/ظ, ع/غ, ف/ق);
- birth date, exclusive: day and month swapped 0.08 (only where that is another valid date:
  day ≤ 12, day ≠ month), year ± 1 0.07 (29 February becomes the 28th), one digit mistyped
  0.03 (still a valid date, not after the latest birth date of the population);
- household, exclusive: 0.40 moved to another commune (half of the moves within the province,
  a quarter within the region, a quarter anywhere, drawn like a random person), 0.50 another
  household of the same commune, 0.10 the same household (a form entered twice); commune and
  region follow the household;
- CNIE, if the original has one: 0.85 left empty, 0.15 one digit mistyped (left empty instead
  if that is another person's card).

Sex and the other columns are copied. The probabilities are assumptions, not measurements
(no public study of RSU duplicates exists), chosen so that every level of the model is
exercised; the rates seen in reviewed candidates should replace them. Near-miss non-duplicates
are not injected: the population already has them (two Mohammed El Idrissi born the same day,
twins in one household). Everything is a function of `seed`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt
import polars as pl

from jisr.core.identifiers import RNP_ID_LENGTH, luhn_ids

REQUIRED_COLUMNS = (
    "person_id",
    "household_id",
    "first_name_ar",
    "last_name_ar",
    "first_name_lat",
    "last_name_lat",
    "sex",
    "birth_date",
    "cnie",
    "commune_code",
    "region_code",
)


@dataclass(frozen=True)
class CorruptionModel:
    """Probabilities of each change made to an injected duplicate (see the module doc)."""

    latin_variant: float = 0.40
    latin_typo: float = 0.10
    arabic_variant: float = 0.30
    arabic_typo: float = 0.05
    swap_day_month: float = 0.08
    year_shift: float = 0.07
    date_typo: float = 0.03
    moved_commune: float = 0.40
    same_household: float = 0.10
    cnie_typo: float = 0.15


def inject_duplicates(
    persons: pl.DataFrame,
    *,
    rate: float = 0.02,
    seed: int = 1,
    model: CorruptionModel | None = None,
) -> pl.DataFrame:
    """`persons` with `rate * len(persons)` corrupted copies appended and a `duplicate_of` column.

    `persons` needs the columns of `REQUIRED_COLUMNS` (commune and region joined from the
    households); originals get `duplicate_of = null`, duplicates their original's `person_id`.
    """
    missing = [column for column in REQUIRED_COLUMNS if column not in persons.columns]
    if missing:
        raise ValueError(f"persons lacks columns {missing}")
    if not 0 <= rate <= 1:
        raise ValueError(f"rate must be between 0 and 1, not {rate}")
    model = model or CorruptionModel()
    originals = persons.with_columns(duplicate_of=pl.lit(None, dtype=pl.String))
    count = round(rate * persons.height)
    if count == 0:
        return originals
    generator = np.random.default_rng(seed)
    chosen = np.sort(generator.choice(persons.height, size=count, replace=False))
    copies = persons[chosen]
    homes = _households(persons, chosen, generator, model)
    rows = random.Random(seed)  # noqa: S311 - synthetic test data, not security
    latest = persons["birth_date"].max()
    if not isinstance(latest, date):
        raise TypeError("birth_date must be a Date column")
    taken_cards = set(persons["cnie"].drop_nulls().to_list())
    duplicates = copies.with_columns(
        person_id=pl.Series(_new_person_ids(persons, count, generator)),
        duplicate_of=pl.col("person_id"),
        household_id=pl.Series(homes["household_id"]),
        commune_code=pl.Series(homes["commune_code"]),
        region_code=pl.Series(homes["region_code"]),
        first_name_lat=pl.Series(
            [_latin(name, rows, model, family=False) for name in copies["first_name_lat"]]
        ),
        last_name_lat=pl.Series(
            [_latin(name, rows, model, family=True) for name in copies["last_name_lat"]]
        ),
        first_name_ar=pl.Series(
            [_arabic(name, rows, model, family=False) for name in copies["first_name_ar"]]
        ),
        last_name_ar=pl.Series(
            [_arabic(name, rows, model, family=True) for name in copies["last_name_ar"]]
        ),
        birth_date=pl.Series(
            [_birth_date(born, rows, model, latest) for born in copies["birth_date"]],
            dtype=pl.Date,
        ),
        cnie=pl.Series(
            [_cnie(card, rows, model, taken_cards) for card in copies["cnie"]], dtype=pl.String
        ),
    )
    return pl.concat([originals, duplicates.select(originals.columns)])


def _new_person_ids(persons: pl.DataFrame, count: int, generator: np.random.Generator) -> list[str]:
    taken = set(persons["person_id"].to_list())
    fresh: list[str] = []
    while len(fresh) < count:
        payloads = generator.integers(0, 10 ** (RNP_ID_LENGTH - 1), size=count - len(fresh))
        for value in luhn_ids(payloads, RNP_ID_LENGTH).tolist():
            if value not in taken:
                taken.add(value)
                fresh.append(value)
    return fresh


def _households(
    persons: pl.DataFrame,
    chosen: np.ndarray,
    generator: np.random.Generator,
    model: CorruptionModel,
) -> pl.DataFrame:
    """The household (and its commune, region) each duplicate is declared in.

    Moves follow the usual pattern of internal migration: mostly nearby. Half the moves stay in
    the province, a quarter in the region, a quarter go anywhere (drawn like a random person, so
    towards the populous regions).
    """
    commune = persons["commune_code"]
    draws = {
        "commune": _draw_within(commune, chosen, generator),
        "province": _draw_within(commune.str.slice(0, 5), chosen, generator),
        "region": _draw_within(persons["region_code"], chosen, generator),
        "anywhere": generator.integers(0, persons.height, size=chosen.size),
    }
    codes = commune.cast(pl.Categorical).to_physical().to_numpy()
    for scope in ("province", "region", "anywhere"):  # a move leaves the commune if it can
        for _ in range(8):
            stay = codes[draws[scope]] == codes[chosen]
            if not stay.any():
                break
            redrawn = {"province": commune.str.slice(0, 5), "region": persons["region_code"]}
            if scope == "anywhere":
                draws[scope][stay] = generator.integers(0, persons.height, size=int(stay.sum()))
            else:
                draws[scope][stay] = _draw_within(redrawn[scope], chosen[stay], generator)
    draw = generator.random(chosen.size)
    move = model.moved_commune
    source = np.select(
        [draw < move / 2, draw < move * 3 / 4, draw < move, draw < 1 - model.same_household],
        [draws["province"], draws["region"], draws["anywhere"], draws["commune"]],
        default=chosen,
    )
    return persons.select("household_id", "commune_code", "region_code")[source]


def _draw_within(
    group: pl.Series, chosen: np.ndarray, generator: np.random.Generator
) -> np.ndarray:
    """For each chosen row, a random row with the same `group` value (possibly itself)."""
    codes = group.cast(pl.Categorical).to_physical().to_numpy()
    order = np.argsort(codes, kind="stable")
    starts = np.searchsorted(codes[order], codes[chosen], side="left")
    ends = np.searchsorted(codes[order], codes[chosen], side="right")
    offsets = (generator.random(chosen.size) * (ends - starts)).astype(np.int64)
    drawn: npt.NDArray[np.int64] = order[starts + offsets]
    return drawn


# --- Latin names ---

_LATIN_SWAPS = (
    ("ou", "u"),
    ("u", "ou"),
    ("ou", "w"),
    ("w", "ou"),
    ("ch", "sh"),
    ("sh", "ch"),
    ("e", "a"),
    ("a", "e"),
    ("i", "y"),
    ("y", "i"),
    ("ss", "s"),
    ("s", "ss"),
    ("mm", "m"),
    ("m", "mm"),
    ("nn", "n"),
    ("ll", "l"),
    ("k", "q"),
    ("q", "k"),
    ("dj", "j"),
    ("gh", "rh"),
    ("i", "ï"),
    ("e", "é"),
)
_KEYBOARD = "azertyuiopqsdfghjklmwxcvbn"


def _latin(name: str, rows: random.Random, model: CorruptionModel, *, family: bool) -> str:
    if rows.random() < model.latin_variant:
        name = _latin_variant(name, rows, family=family)
    if rows.random() < model.latin_typo:
        name = _typo(name, rows, _KEYBOARD)
    return name


def _latin_variant(name: str, rows: random.Random, *, family: bool) -> str:
    choices: list[str] = []
    lower = name.lower()
    for old, new in _LATIN_SWAPS:
        position = lower.find(old)
        if position >= 0:
            replaced = (
                name[:position] + _same_case(name[position], new) + name[position + len(old) :]
            )
            choices.append(replaced)
    if family and lower.startswith("el "):
        choices += [name[3:], "El" + name[3:].lower(), "El-" + name[3:]]
    elif family:
        choices.append("El " + name)
    if " " in name:
        first, _, rest = name.partition(" ")
        choices += [first + "-" + rest, first + rest.lower()]
    if name.endswith("e"):
        choices.append(name[:-1])
    elif name[-1:] in "nd":
        choices.append(name + "e")
    return rows.choice(choices) if choices else name


def _same_case(model_char: str, text: str) -> str:
    return text[:1].upper() + text[1:] if model_char.isupper() else text


def _typo(name: str, rows: random.Random, alphabet: str) -> str:
    letters = [i for i, c in enumerate(name) if c != " "]
    if len(letters) < 3:
        return name
    position = rows.choice(letters[1:])  # keep the first letter: people rarely get it wrong
    kind = rows.randrange(4)
    if kind == 0:
        return name[:position] + name[position + 1 :]
    if kind == 1:
        return name[:position] + rows.choice(alphabet) + name[position:]
    if kind == 2:
        return name[:position] + rows.choice(alphabet) + name[position + 1 :]
    if position + 1 < len(name) and name[position + 1] != " ":
        return name[:position] + name[position + 1] + name[position] + name[position + 2 :]
    return name[:position] + name[position + 1 :]


# --- Arabic names ---

_ARABIC_SWAPS = (
    ("أ", "ا"),
    ("إ", "ا"),
    ("آ", "ا"),
    ("ا", "أ"),
    ("ة", "ه"),
    ("ى", "ي"),
    ("ي", "ى"),
    ("ؤ", "و"),
    ("ئ", "ي"),
    ("ء", ""),
    ("عبد ", "عبد"),
    ("عبدال", "عبد ال"),
)
_HARAKAT = "\u064e\u064f\u0650\u0651\u0652"
_LOOK_ALIKES = ("بتثن", "جحخ", "دذ", "رز", "سش", "صض", "طظ", "عغ", "فق")
_ARABIC_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"


def _arabic(name: str, rows: random.Random, model: CorruptionModel, *, family: bool) -> str:
    if rows.random() < model.arabic_variant:
        name = _arabic_variant(name, rows, family=family)
    if rows.random() < model.arabic_typo:
        name = _arabic_typo(name, rows)
    return name


def _arabic_variant(name: str, rows: random.Random, *, family: bool) -> str:
    choices = [name.replace(old, new, 1) for old, new in _ARABIC_SWAPS if old in name]
    if name.endswith("ة"):
        choices.append(name[:-1] + "ه")
    if family and name.startswith("ال"):
        choices.append(name[2:])
    elif family:
        choices.append("ال" + name)
    position = rows.randrange(1, len(name) + 1)
    choices.append(name[:position] + rows.choice(_HARAKAT) + name[position:])
    if len(name) > 2:
        choices.append(name[:2] + "ـ" + name[2:])
    return rows.choice(choices)


def _arabic_typo(name: str, rows: random.Random) -> str:
    letters = [i for i, c in enumerate(name) if c in _ARABIC_LETTERS]
    if len(letters) < 3:
        return name
    position = rows.choice(letters[1:])
    letter = name[position]
    similar = next((group for group in _LOOK_ALIKES if letter in group), "")
    kind = rows.randrange(3)
    if kind == 0 and len(similar) > 1:
        other = rows.choice([c for c in similar if c != letter])
        return name[:position] + other + name[position + 1 :]
    if kind == 1 and position + 1 < len(name) and name[position + 1] in _ARABIC_LETTERS:
        return name[:position] + name[position + 1] + letter + name[position + 2 :]
    return name[:position] + name[position + 1 :]


# --- birth date and CNIE ---


def _birth_date(born: date, rows: random.Random, model: CorruptionModel, latest: date) -> date:
    draw = rows.random()
    if draw < model.swap_day_month:
        if born.day <= 12 and born.day != born.month:
            return born.replace(month=born.day, day=born.month)
        return born
    draw -= model.swap_day_month
    if draw < model.year_shift:
        step = rows.choice((-1, 1))
        year = born.year + step if born.year + step <= latest.year else born.year - 1
        day = 28 if (born.month, born.day) == (2, 29) else born.day
        shifted = born.replace(year=year, day=day)
        return shifted if shifted <= latest else born.replace(year=born.year - 1, day=day)
    draw -= model.year_shift
    if draw < model.date_typo:
        for _ in range(10):
            text = born.isoformat()
            position = rows.choice((3, 6, 8, 9))  # last year digit, month, day digits
            candidate = text[:position] + str(rows.randrange(10)) + text[position + 1 :]
            try:
                typed = date.fromisoformat(candidate)
            except ValueError:
                continue
            if typed != born and typed <= latest:
                return typed
    return born


def _cnie(
    card: str | None, rows: random.Random, model: CorruptionModel, taken: set[str]
) -> str | None:
    if card is None or rows.random() >= model.cnie_typo:
        return None
    digits = [i for i, c in enumerate(card) if c.isdigit()]
    position = rows.choice(digits)
    typed = (
        card[:position]
        + str((int(card[position]) + rows.randrange(1, 10)) % 10)
        + card[position + 1 :]
    )
    if typed in taken:  # the registry would refuse another person's card number
        return None
    taken.add(typed)
    return typed
