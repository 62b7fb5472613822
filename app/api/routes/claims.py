"""`/v1/claims`: every source's version of a record's field, where sources disagree or add."""

from app.api.filters import ClaimCriteria, ClaimFilters
from app.api.resource import Detail, Resource
from app.models.claim import ClaimPublic
from app.queries import claims

CLAIMS = Resource(
    name="claims",
    singular="claim",
    about="Every source's version of one field of a record, with its rank, qualifiers and "
    "citations; the records' `disputed` fields say where versions differ.",
    filters=ClaimFilters,
    criteria=ClaimCriteria,
    listing=claims.list_claims,
    item=ClaimPublic,
    list_summary="List claims, filtered, sorted and paged.",
    detail=Detail(
        model=ClaimPublic,
        get=claims.get_claim,
        summary="One claim with its citations.",
        id_name="claim_id",
        id_description="Claim id.",
        id_example="participant:cuba-foreign-minister-2023:name:02f6565b5e",
    ),
)
