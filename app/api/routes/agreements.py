"""`/v1/agreements`: what was signed or agreed."""

from app.api.filters import AgreementCriteria, AgreementFilters
from app.api.resource import Detail, Resource
from app.models.agreement import AgreementDetail, AgreementPublic
from app.queries import agreements

AGREEMENTS = Resource(
    name="agreements",
    singular="agreement",
    about="What was signed or agreed, with parties and signatories.",
    filters=AgreementFilters,
    criteria=AgreementCriteria,
    listing=agreements.list_agreements,
    item=AgreementPublic,
    list_summary="List agreements, filtered, sorted and paged.",
    detail=Detail(
        model=AgreementDetail,
        get=agreements.get_agreement,
        summary="One agreement with its parties, signatories and citations.",
        id_name="agreement_id",
        id_description="Agreement id.",
        id_example="2023-06-15-iran-cuba-cooperation-documents",
    ),
)
