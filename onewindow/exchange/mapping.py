"""Turning an outbox payload (our meanings) into a platform row (its codes and sync metadata)."""

from django.utils.translation import gettext as _

from onewindow.core.errors import ValidationFailed

from .models import CodeMapping, OutboxRow, PlatformProfile

# Payload fields whose values are meanings that each platform codes differently.
MAPPED_FIELDS = ("item_type", "case_type", "apply_channel", "applyer_type", "applyer_page_type",
                 "result_type", "special_type", "satisfaction", "rating_channel", "handle_action")


class MappingMissing(ValidationFailed):
    code = "mapping_missing"


def load_mappings(profile: PlatformProfile) -> dict[tuple[str, str], str]:
    return {(m.field, m.meaning): m.code for m in CodeMapping.objects.filter(profile=profile)}


def platform_row(row: OutboxRow, mappings: dict[tuple[str, str], str], *, batch_no: str, sync_time: str,
                 data_source: str) -> dict:
    """The row as the platform receives it. Raises MappingMissing naming every unmapped value."""
    out = {}
    missing = []
    for key, value in row.payload.items():
        if key in MAPPED_FIELDS and value not in (None, ""):
            code = mappings.get((key, str(value)))
            if code is None:
                missing.append(f"{key}={value}")
            out[key] = code
        else:
            out[key] = value
    if missing:
        raise MappingMissing(_("Missing code mapping: %(values)s") % {"values": ", ".join(missing)},
                             details={"missing": missing})
    out.update({"row_guid": str(row.guid), "batch_no": batch_no, "operation": row.operation,
                "sync_time": sync_time, "data_source": data_source, "event_kind": row.kind})
    return out
