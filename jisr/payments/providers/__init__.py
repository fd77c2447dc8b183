"""Payment providers' file formats: payment orders out, returns in (pure Python, no Django).

    from jisr.payments.providers import OrderHeader, provider

    summary = provider("bank_pain001").write_order(header, lines, out)
    outcome = provider("bank_pain001").read_return(data, expected=header)

Formats, fields and refusal codes: docs/payment-files.md. Messages for the codes: `reasons.py`
(the only module here that imports Django).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from jisr.payments.providers.bank_pain001 import BankPain001
from jisr.payments.providers.base import (
    METHODS,
    PENDING_SCHEMA,
    PROBLEM_SCHEMA,
    RETURN_SCHEMA,
    STATUSES,
    OrderHeader,
    OrderRefused,
    OrderSummary,
    Problem,
    Provider,
    ProviderFileError,
    ReturnFile,
    ReturnRefused,
    unknown_references,
)
from jisr.payments.providers.cash_wallet_csv import CashWalletCsv
from jisr.payments.providers.lines import LINE_SCHEMA
from jisr.payments.providers.outcomes import OUTCOME_SCHEMA

PROVIDERS: Mapping[str, Provider] = MappingProxyType(
    {implementation.name: implementation for implementation in (BankPain001(), CashWalletCsv())}
)


class UnknownProvider(LookupError):
    pass


def provider(name: str) -> Provider:
    try:
        return PROVIDERS[name]
    except KeyError:
        raise UnknownProvider(f"no payment provider {name!r}; known: {sorted(PROVIDERS)}") from None


__all__ = [
    "LINE_SCHEMA",
    "METHODS",
    "OUTCOME_SCHEMA",
    "PENDING_SCHEMA",
    "PROBLEM_SCHEMA",
    "PROVIDERS",
    "RETURN_SCHEMA",
    "STATUSES",
    "OrderHeader",
    "OrderRefused",
    "OrderSummary",
    "Problem",
    "Provider",
    "ProviderFileError",
    "ReturnFile",
    "ReturnRefused",
    "UnknownProvider",
    "provider",
    "unknown_references",
]
