from django.contrib import admin

from jisr.dci.models import DciRequestItem, DciSender, DciSenderKey, DciTransaction


class DciSenderKeyInline(admin.TabularInline[DciSenderKey, DciSender]):
    model = DciSenderKey
    extra = 0
    fields = ("key_id", "algorithm", "public_key_pem", "active", "created_at")
    readonly_fields = ("created_at",)


@admin.register(DciSender)
class DciSenderAdmin(admin.ModelAdmin[DciSender]):
    list_display = ("sender_id", "name", "user", "signature_required", "active", "created_at")
    list_filter = ("active", "signature_required")
    search_fields = ("sender_id", "name")
    raw_id_fields = ("user",)
    inlines = (DciSenderKeyInline,)


class DciRequestItemInline(admin.TabularInline[DciRequestItem, DciTransaction]):
    model = DciRequestItem
    extra = 0
    can_delete = False
    readonly_fields = (
        "position",
        "reference_id",
        "timestamp",
        "status",
        "reason_code",
        "reason_message",
        "page_size",
        "page_number",
        "total_count",
    )

    def has_add_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(DciTransaction)
class DciTransactionAdmin(admin.ModelAdmin[DciTransaction]):
    """Read-only: transactions are the record of what other systems asked."""

    list_display = (
        "created_at",
        "sender",
        "kind",
        "asynchronous",
        "status",
        "delivery_status",
        "transaction_id",
        "correlation_id",
    )
    list_filter = ("kind", "status", "delivery_status", "asynchronous")
    search_fields = ("transaction_id", "correlation_id", "message_id")
    inlines = (DciRequestItemInline,)

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
