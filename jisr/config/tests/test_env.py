from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jisr.config import env

PROD = {
    "JISR_DATABASE_URL": "postgres://jisr@db.example:5432/jisr",
    "JISR_SECRET_KEY": "x" * 50,
}


def test_embedded_default_is_sqlite_in_data_dir_with_a_kept_secret_key(tmp_path: Path) -> None:
    first = env.load({"JISR_DATA_DIR": str(tmp_path)})
    second = env.load({"JISR_DATA_DIR": str(tmp_path)})
    assert first.embedded
    assert first.database_url == f"sqlite:///{tmp_path / 'jisr.sqlite3'}"
    assert len(first.secret_key) >= 50
    assert second.secret_key == first.secret_key  # generated once, kept
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0  # owner-only
    assert first.allowed_hosts == ("127.0.0.1", "localhost")
    assert first.insecure_http  # the local demo serves plain HTTP
    assert not first.debug


def test_production_defaults_are_safe(tmp_path: Path) -> None:
    config = env.load({**PROD, "JISR_DATA_DIR": str(tmp_path)})
    assert not config.embedded
    assert not config.debug
    assert not config.insecure_http  # secure cookies and HSTS
    assert config.allowed_hosts == ()
    assert not (tmp_path / "secret_key").exists()  # never generated outside the demo


def test_production_requires_a_secret_key(tmp_path: Path) -> None:
    with pytest.raises(env.ConfigurationError, match="JISR_SECRET_KEY is required"):
        env.load({"JISR_DATABASE_URL": PROD["JISR_DATABASE_URL"], "JISR_DATA_DIR": str(tmp_path)})


def test_short_secret_key_is_refused(tmp_path: Path) -> None:
    with pytest.raises(env.ConfigurationError, match="at least 32"):
        env.load({**PROD, "JISR_SECRET_KEY": "short", "JISR_DATA_DIR": str(tmp_path)})


def test_unknown_database_scheme_is_refused(tmp_path: Path) -> None:
    with pytest.raises(env.ConfigurationError, match="'mysql'"):
        env.load({**PROD, "JISR_DATABASE_URL": "mysql://x/y", "JISR_DATA_DIR": str(tmp_path)})


def test_hosts_debug_and_log_level_are_parsed(tmp_path: Path) -> None:
    config = env.load(
        {
            **PROD,
            "JISR_DATA_DIR": str(tmp_path),
            "JISR_ALLOWED_HOSTS": " jisr.gov.ma, ,api.jisr.gov.ma ",
            "JISR_DEBUG": "yes",
            "JISR_LOG_LEVEL": "warning",
        }
    )
    assert config.allowed_hosts == ("jisr.gov.ma", "api.jisr.gov.ma")
    assert config.debug
    assert config.log_level == "WARNING"


def test_malformed_boolean_names_the_variable(tmp_path: Path) -> None:
    with pytest.raises(env.ConfigurationError, match="JISR_DEBUG"):
        env.load({**PROD, "JISR_DEBUG": "maybe", "JISR_DATA_DIR": str(tmp_path)})


@given(st.text(max_size=8))
def test_parse_bool_accepts_exactly_the_documented_words(raw: str) -> None:
    word = raw.strip().lower()
    if word in env.TRUE_WORDS | env.FALSE_WORDS:
        assert env.parse_bool("X", raw, default=False) is (word in env.TRUE_WORDS)
    else:
        with pytest.raises(env.ConfigurationError):
            env.parse_bool("X", raw, default=False)


def test_django_settings_use_the_parsed_config() -> None:
    from django.conf import settings

    assert settings.LANGUAGE_CODE == "ar"
    assert [code for code, _name in settings.LANGUAGES] == ["ar", "fr", "en"]
    assert settings.PASSWORD_HASHERS  # overridden in tests; production order checked in accounts
    assert "default-src 'self'" in settings.JISR_CONTENT_SECURITY_POLICY


def test_production_settings_module_sets_secure_cookies_and_hsts(tmp_path: Path) -> None:
    import json
    import os
    import subprocess
    import sys

    probe = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps([s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_HSTS_SECONDS, s.DATABASES['default']['ENGINE'], s.SECRET_KEY == 'x' * 50]))"
    )
    environment = {key: value for key, value in os.environ.items() if not key.startswith("JISR_")}
    environment.update(
        PROD, JISR_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="jisr.config.settings"
    )
    output = subprocess.run(
        [sys.executable, "-c", probe], env=environment, capture_output=True, text=True, check=True
    ).stdout
    debug, session_secure, csrf_secure, hsts, engine, key_from_env = json.loads(output)
    assert (debug, session_secure, csrf_secure) == (False, True, True)
    assert hsts >= 31_536_000
    assert engine == "django.db.backends.postgresql"
    assert key_from_env
