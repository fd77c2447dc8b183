"""DCI interoperability: the systems allowed to query the registry, and the transactions they sent.

A transaction keeps only what `txn/status` needs to answer (who asked, when, the status of each
request in the batch); the records returned are never stored here.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DciSender(models.Model):
    """A system onboarded to query the registry (DCI `sender_id`), using one account's tokens.

    The account's role and scope decide which records the sender can receive; its keys verify the
    message signatures; callbacks go only to URLs under `callback_urls`.
    """

    sender_id = models.CharField(_("DCI sender id"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="dci_senders",
        verbose_name=_("account"),
        help_text=_("The service account whose API tokens this system uses."),
    )
    callback_urls = models.JSONField(
        _("allowed callback base URLs"),
        default=list,
        blank=True,
        help_text=_(
            "Callbacks may only go to URLs starting with one of these (scheme, host, port)."
        ),
    )
    default_callback_url = models.URLField(
        _("default callback URL"),
        blank=True,
        help_text=_("Used when a request names no sender_uri; must be allowed too."),
    )
    signature_required = models.BooleanField(_("signature required"), default=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("DCI sender")
        verbose_name_plural = _("DCI senders")

    def __str__(self) -> str:
        return self.sender_id


class DciSenderKey(models.Model):
    """A sender's public signing key; several may be active while a key is rotated."""

    sender = models.ForeignKey(DciSender, on_delete=models.CASCADE, related_name="keys")
    key_id = models.CharField(_("key id"), max_length=100)
    algorithm = models.CharField(_("algorithm"), max_length=20, default="ed25519")
    public_key_pem = models.TextField(_("public key (PEM)"))
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("DCI sender key")
        verbose_name_plural = _("DCI sender keys")
        constraints = (
            models.UniqueConstraint(fields=("sender", "key_id"), name="dci_key_unique_per_sender"),
        )

    def __str__(self) -> str:
        return f"{self.sender_id}|{self.key_id}|{self.algorithm}"


class RequestStatus(models.TextChoices):
    """The DCI `RequestStatus` codes."""

    RECEIVED = "rcvd", _("Received")
    PENDING = "pdng", _("Pending")
    SUCCEEDED = "succ", _("Succeeded")
    REJECTED = "rjct", _("Rejected")


class TransactionKind(models.TextChoices):
    SEARCH = "search", _("Search")
    TXN_STATUS = "txn-status", _("Transaction status")


class DeliveryStatus(models.TextChoices):
    NONE = "", _("Not applicable (synchronous)")
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")
    REFUSED = "refused", _("Refused (callback URL not allowed)")


class DciTransaction(models.Model):
    """One message received from a sender (a batch of search requests, or a status query)."""

    sender = models.ForeignKey(DciSender, on_delete=models.PROTECT, related_name="transactions")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=TransactionKind.choices)
    asynchronous = models.BooleanField(_("asynchronous"), default=False)
    message_id = models.CharField(_("message id"), max_length=100)
    transaction_id = models.CharField(_("transaction id"), max_length=99, blank=True)
    correlation_id = models.CharField(_("correlation id"), max_length=99, unique=True)
    status = models.CharField(_("status"), max_length=4, choices=RequestStatus.choices)
    # The parsed request, kept only until an asynchronous transaction has been processed.
    request = models.JSONField(_("request"), null=True, blank=True)
    callback_url = models.URLField(_("callback URL"), max_length=500, blank=True)
    delivery_status = models.CharField(
        _("callback delivery"), max_length=10, choices=DeliveryStatus.choices, blank=True
    )
    delivery_error = models.TextField(_("callback error"), blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    job = models.ForeignKey(
        "core.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        verbose_name = _("DCI transaction")
        verbose_name_plural = _("DCI transactions")
        constraints = (
            # A message id is used once per sender (replay protection, rjct.message_id.duplicate).
            models.UniqueConstraint(
                fields=("sender", "message_id"), name="dci_message_id_unique_per_sender"
            ),
        )
        indexes = (models.Index(fields=("sender", "transaction_id")),)

    def __str__(self) -> str:
        return f"{self.sender_id} {self.kind} {self.correlation_id} ({self.status})"


class DciRequestItem(models.Model):
    """The outcome of one request of a batch (`search_request[i]`): what txn/status reports."""

    transaction = models.ForeignKey(DciTransaction, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(_("position"))
    reference_id = models.CharField(_("reference id"), max_length=100, blank=True)
    timestamp = models.CharField(_("timestamp"), max_length=40, blank=True)
    status = models.CharField(_("status"), max_length=4, choices=RequestStatus.choices)
    reason_code = models.CharField(_("status reason code"), max_length=50, blank=True)
    reason_message = models.CharField(_("status reason message"), max_length=999, blank=True)
    page_size = models.PositiveIntegerField(_("page size"), null=True, blank=True)
    page_number = models.PositiveIntegerField(_("page number"), null=True, blank=True)
    total_count = models.PositiveIntegerField(_("records found"), null=True, blank=True)

    class Meta:
        verbose_name = _("DCI request item")
        verbose_name_plural = _("DCI request items")
        ordering = ("transaction", "position")
        constraints = (
            models.UniqueConstraint(
                fields=("transaction", "position"), name="dci_item_position_unique"
            ),
        )
        indexes = (models.Index(fields=("reference_id",)),)

    def __str__(self) -> str:
        return f"{self.transaction_id}#{self.position} {self.reference_id} ({self.status})"
