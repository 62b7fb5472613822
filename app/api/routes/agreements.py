"""`/v1/agreements`: what was signed or agreed."""

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from app.api.deps import ReaderDep, SettingsDep
from app.api.filters import AgreementFilters
from app.api.lists import detail_response, run_list
from app.api.query import ApiRoute, from_query
from app.api.responses import DETAIL_ERRORS, LIST_ERRORS
from app.models.agreement import AgreementDetail, AgreementPublic
from app.models.page import ItemList
from app.queries import agreements

router = APIRouter(prefix="/v1/agreements", tags=["agreements"], route_class=ApiRoute)


@router.get("", response_model=ItemList[AgreementPublic], responses=LIST_ERRORS)
async def list_agreements(
    request: Request,
    reader: ReaderDep,
    settings: SettingsDep,
    filters: Annotated[AgreementFilters, from_query(AgreementFilters)],
) -> Response:
    """List agreements, filtered, sorted and paged."""
    return await run_list(
        request,
        reader,
        settings,
        filters,
        agreements.list_agreements,
        agreements.SORT_COLUMNS,
        AgreementPublic,
    )


@router.get("/{agreement_id}", response_model=AgreementDetail, responses=DETAIL_ERRORS)
async def get_agreement(
    request: Request,
    agreement_id: Annotated[
        str,
        Path(
            description="Agreement id.",
            examples=["2023-06-15-iran-cuba-cooperation-documents"],
            max_length=200,
        ),
    ],
    reader: ReaderDep,
    settings: SettingsDep,
) -> Response:
    """One agreement with its parties, signatories and citations."""
    return detail_response(
        request,
        reader,
        settings,
        lambda: agreements.get_agreement(reader, agreement_id),
        "agreement",
        agreement_id,
    )
