"""The history of registry records now lives in `core.history`; this name stays for old imports."""

from core.history import (
    AuditedCreateAction,
    AuditedDeleteAction,
    AuditedEditAction,
    ChangeLine,
    audit_change,
    changed_fields,
    created_fields,
    describe_changes,
    field_values,
)

__all__ = [
    "AuditedCreateAction",
    "AuditedDeleteAction",
    "AuditedEditAction",
    "ChangeLine",
    "audit_change",
    "changed_fields",
    "created_fields",
    "describe_changes",
    "field_values",
]
