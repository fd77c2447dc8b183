"""DCI commands: authenticate a sender, answer searches and status queries, now or by callback.

Every message received is stored as a transaction (one row per message, one per request of its
batch) in one durable transaction with its audit row, so that a refused message leaves nothing.
Asynchronous messages are acknowledged at once and processed by a background job, which sends
the answer to the sender's allow-listed callback URL.

One module per concern: `senders` (onboarding, authentication), `search`, `txn_status`; what they
share (stored transactions, signed answers, callback delivery) is in the private `_transactions`.
"""

from jisr.dci.services.search import search_accept, search_process, search_run, search_sync
from jisr.dci.services.senders import (
    callback_url_choose,
    sender_authenticate,
    sender_key_add,
    sender_register,
)
from jisr.dci.services.txn_status import txn_status_accept, txn_status_process, txn_status_sync

__all__ = [
    "callback_url_choose",
    "search_accept",
    "search_process",
    "search_run",
    "search_sync",
    "sender_authenticate",
    "sender_key_add",
    "sender_register",
    "txn_status_accept",
    "txn_status_process",
    "txn_status_sync",
]
