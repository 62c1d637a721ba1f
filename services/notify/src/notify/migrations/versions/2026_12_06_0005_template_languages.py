"""Message templates only in the languages messages are worded in: en, sw and fr.

Any BCP 47 tag used to be accepted. Now a template names its language: a regional one (sw-KE)
becomes its language's (sw); where that leaves a clinic two for one kind and language, the one
already in the plain language is kept, else the latest changed. Templates in any other language
(de, zz-ZZZZ) are deleted: no patient can choose it any more. Each row changed or deleted is
reported as a warning (clinic, kind, language; never the text). The languages are written out
here, not imported, so this revision does the same whenever it runs. Downgrade restores nothing.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("notify.migrations")
BASE = "lower(split_part(language, '-', 1))"

UNSUPPORTED = f"""
DELETE FROM notify.message_templates WHERE {BASE} NOT IN ('en', 'sw', 'fr')
RETURNING clinic_id, kind, language
"""
# Per clinic, kind and language: the plain-language row first, then the latest changed.
SUPERSEDED = f"""
WITH ranked AS (
    SELECT clinic_id, kind, language, row_number() OVER (
        PARTITION BY clinic_id, kind, {BASE}
        ORDER BY language = {BASE} DESC, updated_at DESC, language
    ) AS rank
    FROM notify.message_templates
)
DELETE FROM notify.message_templates AS t USING ranked AS r
WHERE (t.clinic_id, t.kind, t.language) = (r.clinic_id, r.kind, r.language) AND r.rank > 1
RETURNING t.clinic_id, t.kind, t.language
"""
REGIONAL = f"""
UPDATE notify.message_templates AS t SET language = {BASE.replace("language", "old.language")}
FROM (SELECT clinic_id, kind, language FROM notify.message_templates
      WHERE language <> {BASE}) AS old
WHERE (t.clinic_id, t.kind, t.language) = (old.clinic_id, old.kind, old.language)
RETURNING t.clinic_id, t.kind, old.language
"""


def upgrade() -> None:
    for statement, outcome in (
        (UNSUPPORTED, "deleted: not a language messages are worded in"),
        (SUPERSEDED, "deleted: the clinic has one in its language"),
        (REGIONAL, "now stored under its language"),
    ):
        for clinic_id, kind, language in op.get_bind().execute(sa.text(statement)).all():
            log.warning("message template %s / %s / %s %s", clinic_id, kind, language, outcome)


def downgrade() -> None:
    pass  # deleted wording is gone; renamed rows are valid tags for the old code too
