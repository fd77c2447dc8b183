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
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", ""})
SECRET_KEY_FILE = "secret_key"  # noqa: S105  (a file name)


class ConfigurationError(ValueError):
    """An environment variable is missing or malformed; the message names it."""


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
    )
