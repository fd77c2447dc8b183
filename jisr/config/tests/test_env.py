from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jisr.config import env

NOTES_KEY = "dGVzdC1rZXktbm90LWZvci1wcm9kdWN0aW9uLTAwMDE="  # 32 bytes, url-safe base64
PROD = {
    "JISR_DATABASE_URL": "postgres://jisr@db.example:5432/jisr",
    "JISR_SECRET_KEY": "x" * 50,
    "JISR_CASE_NOTES_KEY": NOTES_KEY,
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


def ed25519_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return (
        Ed25519PrivateKey.generate()
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )


def test_dci_defaults_serve_an_unconfigured_registry(tmp_path: Path) -> None:
    dci = env.load({**PROD, "JISR_DATA_DIR": str(tmp_path)}).dci
    assert (dci.receiver_id, dci.max_page_size, dci.max_batch) == ("jisr", 1000, 100)
    assert (dci.callback_timeout, dci.signature_max_age) == (10.0, 3600)
    assert (dci.signing_key_pem, dci.signing_key_id) == ("", "1")  # answers are not signed


def test_dci_settings_are_read_from_the_environment(tmp_path: Path) -> None:
    pem = ed25519_pem()
    dci = env.load(
        {
            **PROD,
            "JISR_DATA_DIR": str(tmp_path),
            "JISR_DCI_RECEIVER_ID": " rsu.gov.ma ",
            "JISR_DCI_MAX_PAGE_SIZE": "250",
            "JISR_DCI_MAX_BATCH": "20",
            "JISR_DCI_CALLBACK_TIMEOUT": "2.5",
            "JISR_DCI_SIGNATURE_MAX_AGE": "600",
            "JISR_DCI_SIGNING_KEY_PEM": pem,
            "JISR_DCI_SIGNING_KEY_ID": "rsu-2025",
        }
    ).dci
    assert (dci.receiver_id, dci.max_page_size, dci.max_batch) == ("rsu.gov.ma", 250, 20)
    assert (dci.callback_timeout, dci.signature_max_age) == (2.5, 600)
    assert (dci.signing_key_pem, dci.signing_key_id) == (pem.strip(), "rsu-2025")
    assert "PRIVATE KEY" not in repr(dci)  # a logged configuration does not leak the key


@pytest.mark.parametrize(
    "name", ["JISR_DCI_MAX_PAGE_SIZE", "JISR_DCI_MAX_BATCH", "JISR_DCI_SIGNATURE_MAX_AGE"]
)
@pytest.mark.parametrize("raw", ["abc", "0", "-5", "1.5", "1e3", "+7", "٣"])
def test_a_bad_dci_number_names_the_variable(tmp_path: Path, name: str, raw: str) -> None:
    with pytest.raises(env.ConfigurationError, match=f"{name} must be a whole number"):
        env.load({**PROD, "JISR_DATA_DIR": str(tmp_path), name: raw})


@pytest.mark.parametrize("raw", ["soon", "0", "-1", "nan", "inf"])
def test_a_bad_callback_timeout_names_the_variable(tmp_path: Path, raw: str) -> None:
    with pytest.raises(env.ConfigurationError, match="JISR_DCI_CALLBACK_TIMEOUT"):
        env.load({**PROD, "JISR_DATA_DIR": str(tmp_path), "JISR_DCI_CALLBACK_TIMEOUT": raw})


@pytest.mark.parametrize("name", ["JISR_DCI_RECEIVER_ID", "JISR_DCI_SIGNING_KEY_ID"])
@pytest.mark.parametrize("raw", ["a|b", "two words", 'say"hi', "a,b"])
def test_a_dci_id_that_would_break_the_signature_header_is_refused(
    tmp_path: Path, name: str, raw: str
) -> None:
    with pytest.raises(env.ConfigurationError, match=name):
        env.load({**PROD, "JISR_DATA_DIR": str(tmp_path), name: raw})


def test_the_signing_key_may_come_from_a_file(tmp_path: Path) -> None:
    pem = ed25519_pem()
    key_file = tmp_path / "dci.pem"
    key_file.write_text(pem, encoding="utf-8")
    dci = env.load(
        {**PROD, "JISR_DATA_DIR": str(tmp_path), "JISR_DCI_SIGNING_KEY_FILE": str(key_file)}
    ).dci
    assert dci.signing_key_pem == pem.strip()


def test_the_signing_key_is_given_once(tmp_path: Path) -> None:
    key_file = tmp_path / "dci.pem"
    key_file.write_text(ed25519_pem(), encoding="utf-8")
    with pytest.raises(env.ConfigurationError, match="not both"):
        env.load(
            {
                **PROD,
                "JISR_DATA_DIR": str(tmp_path),
                "JISR_DCI_SIGNING_KEY_PEM": ed25519_pem(),
                "JISR_DCI_SIGNING_KEY_FILE": str(key_file),
            }
        )


def test_a_missing_key_file_names_the_variable(tmp_path: Path) -> None:
    with pytest.raises(env.ConfigurationError, match="JISR_DCI_SIGNING_KEY_FILE: cannot read"):
        env.load(
            {
                **PROD,
                "JISR_DATA_DIR": str(tmp_path),
                "JISR_DCI_SIGNING_KEY_FILE": str(tmp_path / "absent.pem"),
            }
        )


def test_a_signing_key_that_is_not_an_ed25519_private_key_is_refused(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1, generate_private_key

    public = (
        serialization.load_pem_private_key(ed25519_pem().encode(), password=None)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    ecdsa = (
        generate_private_key(SECP256R1())
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    base = {**PROD, "JISR_DATA_DIR": str(tmp_path)}
    for text, message in (
        ("not a key", "must be an unencrypted PEM private key"),
        (public, "must be an unencrypted PEM private key"),
        (ecdsa, "must be an Ed25519 key"),
    ):
        with pytest.raises(env.ConfigurationError, match=f"JISR_DCI_SIGNING_KEY_PEM {message}"):
            env.load({**base, "JISR_DCI_SIGNING_KEY_PEM": text})


def test_django_settings_use_the_parsed_config() -> None:
    from django.conf import settings

    assert settings.LANGUAGE_CODE == "ar"
    assert [code for code, _name in settings.LANGUAGES] == ["ar", "fr", "en"]
    assert settings.PASSWORD_HASHERS  # overridden in tests; production order checked in accounts
    assert "default-src 'self'" in settings.JISR_CONTENT_SECURITY_POLICY


def settings_probe(tmp_path: Path, probe: str, **variables: str) -> Any:
    """What `probe` prints (JSON) in a fresh process with production settings and `variables`."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("JISR_")}
    environment.update(
        PROD,
        JISR_DATA_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="jisr.config.settings",
        **variables,
    )
    output = subprocess.run(
        [sys.executable, "-c", probe], env=environment, capture_output=True, text=True, check=True
    ).stdout
    return json.loads(output)


def test_production_settings_module_sets_secure_cookies_and_hsts(tmp_path: Path) -> None:
    probe = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps([s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_HSTS_SECONDS, s.DATABASES['default']['ENGINE'], s.SECRET_KEY == 'x' * 50]))"
    )
    debug, session_secure, csrf_secure, hsts, engine, key_from_env = settings_probe(tmp_path, probe)
    assert (debug, session_secure, csrf_secure) == (False, True, True)
    assert hsts >= 31_536_000
    assert engine == "django.db.backends.postgresql"
    assert key_from_env


def test_dci_settings_reach_django_from_the_environment(tmp_path: Path) -> None:
    probe = (
        "import django, json; django.setup(); from jisr.dci import conf; "
        "print(json.dumps([conf.receiver_id(), conf.max_page_size(), conf.max_batch(), "
        "conf.callback_timeout(), conf.signature_max_age(), conf.signing_key_id()]))"
    )
    read = settings_probe(
        tmp_path,
        probe,
        JISR_DCI_RECEIVER_ID="rsu.gov.ma",
        JISR_DCI_MAX_PAGE_SIZE="250",
        JISR_DCI_MAX_BATCH="20",
        JISR_DCI_CALLBACK_TIMEOUT="2.5",
        JISR_DCI_SIGNATURE_MAX_AGE="600",
        JISR_DCI_SIGNING_KEY_ID="rsu-2025",
    )
    assert read == ["rsu.gov.ma", 250, 20, 2.5, 600, "rsu-2025"]


def test_case_notes_keys_required_in_production_and_kept_for_the_demo(tmp_path: Path) -> None:
    without = {k: v for k, v in PROD.items() if k != "JISR_CASE_NOTES_KEY"}
    with pytest.raises(env.ConfigurationError, match="JISR_CASE_NOTES_KEY is required"):
        env.load({**without, "JISR_DATA_DIR": str(tmp_path)})
    with pytest.raises(env.ConfigurationError, match="Fernet keys"):
        env.load({**PROD, "JISR_CASE_NOTES_KEY": "not-a-key", "JISR_DATA_DIR": str(tmp_path)})
    rotated = env.load({**PROD, "JISR_CASE_NOTES_KEY": f"{NOTES_KEY}, {NOTES_KEY[:-4]}MDI=",
                        "JISR_DATA_DIR": str(tmp_path)})  # fmt: skip
    assert len(rotated.case_notes_keys) == 2
    demo = env.load({"JISR_DATA_DIR": str(tmp_path)})
    assert demo.case_notes_keys == env.load({"JISR_DATA_DIR": str(tmp_path)}).case_notes_keys
    assert (tmp_path / env.CASE_NOTES_KEY_FILE).stat().st_mode & 0o777 == 0o600
