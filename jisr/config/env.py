"""Every setting Jisr reads from the environment, parsed in one place.

`load()` is pure (it takes the environment as a mapping) so that it can be tested without Django.

| variable | meaning | default |
|---|---|---|
| JISR_DATABASE_URL | postgres://user@host:port/name or sqlite:///path | embedded SQLite |
| JISR_SECRET_KEY | Django secret key | required, except on the embedded demo (kept in data dir) |
| JISR_DEBUG | debug pages (never in production) | false |
| JISR_ALLOWED_HOSTS | comma-separated host names | none (localhost on the embedded demo) |
| JISR_DATA_DIR | where the embedded database, the demo's key and generated files live | ./var |
| JISR_INSECURE_HTTP | plain HTTP: no secure cookies, no HSTS (local demo) | false (true on demo) |
| JISR_LOG_LEVEL | root log level | INFO |
| JISR_DCI_RECEIVER_ID | this registry's DCI id (no spaces, bars, quotes or commas) | jisr |
| JISR_DCI_MAX_PAGE_SIZE | largest page of a DCI search (whole number ≥ 1) | 1000 |
| JISR_DCI_MAX_BATCH | most search requests in one DCI message (whole number ≥ 1) | 100 |
| JISR_DCI_CALLBACK_TIMEOUT | seconds to wait for a partner's callback endpoint (> 0) | 10 |
| JISR_DCI_SIGNATURE_MAX_AGE | seconds a DCI signature without `expires` stays valid (≥ 1) | 3600 |
| JISR_DCI_SIGNING_KEY_PEM | Ed25519 private key (PEM) signing DCI answers | unset: unsigned |
| JISR_DCI_SIGNING_KEY_FILE | path of that key, instead of the PEM itself (not both) | unset |
| JISR_DCI_SIGNING_KEY_ID | the signing key's id | 1 |
"""

from __future__ import annotations

import math
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", ""})
SECRET_KEY_FILE = "secret_key"  # noqa: S105  (a file name)
CASE_NOTES_KEY_FILE = "case_notes_key"


class ConfigurationError(ValueError):
    """An environment variable is missing or malformed; the message names it."""


@dataclass(frozen=True, slots=True)
class DciConfig:
    """Settings of the DCI interface (docs/dci.md); the defaults serve an unconfigured registry."""

    receiver_id: str = "jisr"
    max_page_size: int = 1000
    max_batch: int = 100
    callback_timeout: float = 10.0
    signature_max_age: int = 3600
    signing_key_pem: str = field(default="", repr=False)
    signing_key_id: str = "1"


@dataclass(frozen=True, slots=True)
class PaymentDebtor:
    """The account payment orders are drawn on (JISR_PAYMENT_DEBTOR_NAME, _RIB, _BIC). The
    defaults are illustrative, for the demo and tests; a deployment sets its own."""

    name: str = "Tresorerie Generale du Royaume - ASD"
    rib: str = "310810000100000000000123"
    bic: str = "TGRMMAMR"


def load_debtor(environ: Mapping[str, str]) -> PaymentDebtor:
    default = PaymentDebtor()
    name = environ.get("JISR_PAYMENT_DEBTOR_NAME", "").strip() or default.name
    rib = "".join(environ.get("JISR_PAYMENT_DEBTOR_RIB", "").split()) or default.rib
    bic = environ.get("JISR_PAYMENT_DEBTOR_BIC", "").strip().upper() or default.bic
    if not (len(rib) == 24 and rib.isdigit() and int(rib) % 97 == 0):
        raise ConfigurationError("JISR_PAYMENT_DEBTOR_RIB must be a 24-digit RIB whose key checks")
    if not re.fullmatch(r"[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?", bic):
        raise ConfigurationError("JISR_PAYMENT_DEBTOR_BIC must be a BIC (8 or 11 characters)")
    if not 0 < len(name) <= 140:
        raise ConfigurationError("JISR_PAYMENT_DEBTOR_NAME must be 1 to 140 characters")
    return PaymentDebtor(name=name, rib=rib, bic=bic)


@dataclass(frozen=True, slots=True)
class Config:
    database_url: str
    embedded: bool
    secret_key: str
    debug: bool
    allowed_hosts: tuple[str, ...]
    data_dir: Path
    insecure_http: bool
    log_level: str
    dci: DciConfig = field(default_factory=DciConfig)
    payment_debtor: PaymentDebtor = field(default_factory=PaymentDebtor)
    # Fernet keys for case notes at rest, newest first (older ones still decrypt: rotation).
    case_notes_keys: tuple[str, ...] = field(default=(), repr=False)


def parse_bool(name: str, raw: str | None, *, default: bool) -> bool:
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigurationError(f"{name} must be true or false (1/0, yes/no, on/off), not {raw!r}")


def parse_hosts(raw: str | None) -> tuple[str, ...]:
    if not raw:
        return ()
    return tuple(host.strip() for host in raw.split(",") if host.strip())


def parse_int(name: str, raw: str | None, *, default: int, minimum: int = 1) -> int:
    if raw is None or not raw.strip():
        return default
    text = raw.strip()
    if not text.isascii() or not text.isdigit() or int(text) < minimum:
        raise ConfigurationError(
            f"{name} must be a whole number of at least {minimum}, not {raw!r}"
        )
    return int(text)


def parse_seconds(name: str, raw: str | None, *, default: float) -> float:
    if raw is None or not raw.strip():
        return default
    try:
        seconds = float(raw.strip())
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds <= 0:
        raise ConfigurationError(f"{name} must be a number of seconds above 0, not {raw!r}")
    return seconds


def parse_dci_id(name: str, raw: str | None, *, default: str) -> str:
    """An id that goes into a signature's `kidId="sender|key|ed25519"`: no separators in it."""
    if raw is None or not raw.strip():
        return default
    text = raw.strip()
    if any(char.isspace() or char in '|",' for char in text):
        raise ConfigurationError(f"{name} must not contain spaces, '|', '\"' or ',', not {raw!r}")
    return text


def signing_key(environ: Mapping[str, str]) -> str:
    """The DCI signing key, inline or from a file; checked at start-up, not at the first answer."""
    inline = environ.get("JISR_DCI_SIGNING_KEY_PEM", "").strip()
    path = environ.get("JISR_DCI_SIGNING_KEY_FILE", "").strip()
    if inline and path:
        raise ConfigurationError(
            "Set JISR_DCI_SIGNING_KEY_PEM or JISR_DCI_SIGNING_KEY_FILE, not both"
        )
    name = "JISR_DCI_SIGNING_KEY_FILE" if path else "JISR_DCI_SIGNING_KEY_PEM"
    if path:
        try:
            inline = Path(path).expanduser().read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigurationError(f"{name}: cannot read {path!r} ({error})") from error
    if not inline:
        return ""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    try:
        key = serialization.load_pem_private_key(inline.encode(), password=None)
    except (ValueError, TypeError) as error:
        raise ConfigurationError(
            f"{name} must be an unencrypted PEM private key (openssl genpkey -algorithm ed25519)"
        ) from error
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigurationError(f"{name} must be an Ed25519 key, not {type(key).__name__}")
    return inline


def load_dci(environ: Mapping[str, str]) -> DciConfig:
    default = DciConfig()
    return DciConfig(
        receiver_id=parse_dci_id(
            "JISR_DCI_RECEIVER_ID", environ.get("JISR_DCI_RECEIVER_ID"), default=default.receiver_id
        ),
        max_page_size=parse_int(
            "JISR_DCI_MAX_PAGE_SIZE",
            environ.get("JISR_DCI_MAX_PAGE_SIZE"),
            default=default.max_page_size,
        ),
        max_batch=parse_int(
            "JISR_DCI_MAX_BATCH", environ.get("JISR_DCI_MAX_BATCH"), default=default.max_batch
        ),
        callback_timeout=parse_seconds(
            "JISR_DCI_CALLBACK_TIMEOUT",
            environ.get("JISR_DCI_CALLBACK_TIMEOUT"),
            default=default.callback_timeout,
        ),
        signature_max_age=parse_int(
            "JISR_DCI_SIGNATURE_MAX_AGE",
            environ.get("JISR_DCI_SIGNATURE_MAX_AGE"),
            default=default.signature_max_age,
        ),
        signing_key_pem=signing_key(environ),
        signing_key_id=parse_dci_id(
            "JISR_DCI_SIGNING_KEY_ID",
            environ.get("JISR_DCI_SIGNING_KEY_ID"),
            default=default.signing_key_id,
        ),
    )


def embedded_secret_key(data_dir: Path) -> str:
    """The demo's own secret key: generated once, kept in the data dir (never in the repository)."""
    path = data_dir / SECRET_KEY_FILE
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    # Create with owner-only permissions; O_EXCL makes two processes racing here keep a single key.
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(key)
    return key


def parse_fernet_keys(raw: str) -> tuple[str, ...]:
    """`JISR_CASE_NOTES_KEY`: one or more Fernet keys (comma-separated, newest first)."""
    from cryptography.fernet import Fernet

    keys = tuple(key.strip() for key in raw.split(",") if key.strip())
    for key in keys:
        try:
            Fernet(key)
        except (ValueError, TypeError):
            raise ConfigurationError(
                "JISR_CASE_NOTES_KEY must hold Fernet keys (32 url-safe base64-encoded bytes); "
                "generate one with: python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'"
            ) from None
    return keys


def embedded_case_notes_key(data_dir: Path) -> str:
    """The demo's own case-notes key, generated once beside its secret key (owner-only file)."""
    from cryptography.fernet import Fernet

    path = data_dir / CASE_NOTES_KEY_FILE
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()
    key = Fernet.generate_key().decode()
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(key)
    return key


def load(environ: Mapping[str, str], *, cwd: Path | None = None) -> Config:
    data_dir = Path(environ.get("JISR_DATA_DIR") or (cwd or Path.cwd()) / "var").resolve()
    database_url = environ.get("JISR_DATABASE_URL", "").strip()
    embedded = not database_url
    if embedded:
        database_url = f"sqlite:///{data_dir / 'jisr.sqlite3'}"
    elif not database_url.startswith(("postgres://", "postgresql://", "sqlite://")):
        raise ConfigurationError(
            "JISR_DATABASE_URL must be a postgres:// or sqlite:// URL, "
            f"not {database_url.split('://')[0]!r}"
        )
    secret_key = environ.get("JISR_SECRET_KEY", "").strip()
    if not secret_key:
        if not embedded:
            raise ConfigurationError(
                "JISR_SECRET_KEY is required when JISR_DATABASE_URL is set (production); "
                "generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
            )
        secret_key = embedded_secret_key(data_dir)
    elif len(secret_key) < 32:
        raise ConfigurationError("JISR_SECRET_KEY must be at least 32 characters long")
    debug = parse_bool("JISR_DEBUG", environ.get("JISR_DEBUG"), default=False)
    hosts = parse_hosts(environ.get("JISR_ALLOWED_HOSTS"))
    if embedded and not hosts:
        hosts = ("127.0.0.1", "localhost")
    insecure_http = parse_bool(
        "JISR_INSECURE_HTTP", environ.get("JISR_INSECURE_HTTP"), default=embedded
    )
    notes_keys = parse_fernet_keys(environ.get("JISR_CASE_NOTES_KEY", ""))
    if not notes_keys:
        if not embedded:
            raise ConfigurationError(
                "JISR_CASE_NOTES_KEY is required when JISR_DATABASE_URL is set (production): case "
                "notes are encrypted with it; generate one with: python -c 'from "
                "cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
            )
        notes_keys = (embedded_case_notes_key(data_dir),)
    log_level = environ.get("JISR_LOG_LEVEL", "INFO").strip().upper()
    if log_level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
        raise ConfigurationError(f"JISR_LOG_LEVEL must be a log level name, not {log_level!r}")
    return Config(
        database_url=database_url,
        embedded=embedded,
        secret_key=secret_key,
        debug=debug,
        allowed_hosts=hosts,
        data_dir=data_dir,
        insecure_http=insecure_http,
        log_level=log_level,
        dci=load_dci(environ),
        payment_debtor=load_debtor(environ),
        case_notes_keys=notes_keys,
    )
