"""Errors of the storage layer.  Their messages are Chinese (with English)
because the CLI and the service show them to officials as they are."""

from __future__ import annotations

from scheduler.app.errors import UseCaseError


class StoreError(UseCaseError):
    """Something stored is missing, refused or damaged."""


class BlobCorrupted(StoreError):
    """A blob's content no longer matches the SHA-256 it is named by."""


class PlanPublished(StoreError):
    """A published plan is never overwritten (a re-plan is a new version)."""


class TokenRefused(StoreError):
    """An unknown, expired or revoked token."""
