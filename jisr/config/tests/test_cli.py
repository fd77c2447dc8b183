from __future__ import annotations

import pytest

from jisr.cli import cli_language


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "en"),
        ({"LANG": "fr_MA.UTF-8"}, "fr"),
        ({"LANG": "ar_MA.UTF-8"}, "ar"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({"LANG": "fr_FR.UTF-8", "JISR_LANGUAGE": "ar"}, "ar"),
        ({"LANG": "C.UTF-8", "LC_ALL": "fr_FR.UTF-8"}, "fr"),
    ],
)
def test_cli_speaks_the_operator_language(environ: dict[str, str], expected: str) -> None:
    assert cli_language(environ) == expected
