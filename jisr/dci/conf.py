"""DCI settings, set from the environment by `jisr.config.env` (which holds their defaults).

`JISR_DCI_RECEIVER_ID`: this registry's DCI id (`receiver_id` of requests, `sender_id` of answers).
`JISR_DCI_MAX_PAGE_SIZE`: the largest page a search may ask for (and the page of a search without
pagination; more records than that is `rjct.search.too_many_records_found`).
`JISR_DCI_MAX_BATCH`: the most search requests one message may hold (`total_count`).
`JISR_DCI_CALLBACK_TIMEOUT`: seconds to wait for a requester's callback endpoint.
`JISR_DCI_SIGNING_KEY_PEM` / `JISR_DCI_SIGNING_KEY_ID`: an Ed25519 private key (PEM) and its id;
when set, answers and callbacks are signed.
`JISR_DCI_SIGNATURE_MAX_AGE`: seconds a signature stays acceptable after its `created` time when it
names no `expires`; also the tolerated clock skew is a tenth of it.
"""

from __future__ import annotations

from django.conf import settings


def receiver_id() -> str:
    return str(settings.JISR_DCI_RECEIVER_ID)


def max_page_size() -> int:
    return int(settings.JISR_DCI_MAX_PAGE_SIZE)


def max_batch() -> int:
    return int(settings.JISR_DCI_MAX_BATCH)


def callback_timeout() -> float:
    return float(settings.JISR_DCI_CALLBACK_TIMEOUT)


def signing_key_pem() -> str:
    return str(settings.JISR_DCI_SIGNING_KEY_PEM)


def signing_key_id() -> str:
    return str(settings.JISR_DCI_SIGNING_KEY_ID)


def signature_max_age() -> int:
    return int(settings.JISR_DCI_SIGNATURE_MAX_AGE)
