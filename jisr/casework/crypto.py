"""Case notes encrypted at rest: Fernet (AES-128-CBC + HMAC-SHA256) with the keys of
JISR_CASE_NOTES_KEY, newest first — a note is written with the first and read with any, so keys
can be rotated (`rotate` re-encrypts old notes with the newest)."""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


@lru_cache(maxsize=4)
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def cipher() -> MultiFernet:
    return _cipher(tuple(settings.JISR_CASE_NOTES_KEYS))


def seal(text: str) -> str:
    return cipher().encrypt(text.encode("utf-8")).decode("ascii")


def open_(token: str) -> str:
    """The note's text; a note sealed with a key no longer configured reads as unavailable."""
    try:
        return cipher().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken:
        return "[?]"


def rotate(token: str) -> str:
    return cipher().rotate(token.encode("ascii")).decode("ascii")
