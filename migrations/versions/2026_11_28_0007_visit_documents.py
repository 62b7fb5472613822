"""visit documents: every visit's list item stored as JSON

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 11:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The documents as app/queries/visits.py encoded them at this revision (loads rebuild them
# with the code of their day: app/documents.py).
DOCUMENTS = """
    SELECT v.rowid, json_object(
        'id', v.id, 'tour_id', v.tour_id, 'leg', v.leg,
        'visitor', json_object(
            'id', p.id, 'name', p.name, 'country', json(CASE WHEN p.country_code IS NULL THEN NULL ELSE json_object('code', p.country_code, 'name', coalesce(nullif(pc.name, ''), p.country_code)) END)),
        'visitor_country', json(CASE WHEN v.visitor_country_code IS NULL THEN NULL ELSE json_object('code', v.visitor_country_code, 'name', coalesce(nullif(vc.name, ''), v.visitor_country_code)) END),
        'host_country', json(CASE WHEN v.host_country_code IS NULL THEN NULL ELSE json_object('code', v.host_country_code, 'name', coalesce(nullif(hc.name, ''), v.host_country_code)) END),
        'city', v.city, 'latitude', v.latitude, 'longitude', v.longitude,
        'start_date', v.start_date, 'end_date', v.end_date, 'kind', v.kind, 'summary', v.summary,
        'topics', (SELECT json_group_array(json_object('id', t.id, 'name', t.name)) FROM (
            SELECT t.id, t.name FROM visit_topic l JOIN topic t ON t.id = l.topic_id
            WHERE l.visit_id = v.id ORDER BY t.name, t.id) t),
        'created_at', replace(substr(v.created_at, 1, 26), ' ', 'T') || 'Z',
        'updated_at', replace(substr(v.updated_at, 1, 26), ' ', 'T') || 'Z')
    FROM visit v
        JOIN participant p ON p.id = v.visitor_id
        LEFT JOIN country pc ON pc.code = p.country_code
        JOIN country vc ON vc.code = v.visitor_country_code
        JOIN country hc ON hc.code = v.host_country_code
"""


def upgrade() -> None:
    """Store every visit's list item as JSON, keyed by the visit's rowid (app/documents.py)."""
    op.execute(
        "CREATE TABLE visit_document ("
        "visit_rowid INTEGER PRIMARY KEY, "  # the visit's rowid
        "item TEXT NOT NULL)"
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"INSERT INTO visit_document (visit_rowid, item) {DOCUMENTS}")


def downgrade() -> None:
    """Revert this revision."""
    op.execute("DROP TABLE visit_document")
