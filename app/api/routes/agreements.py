"""`/v1/agreements`: what was signed or agreed."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from app.api.deps import ReaderDep, SettingsDep
from app.api.filters import AgreementFilters
from app.api.lists import run_list
from app.api.responses import DETAIL_ERRORS, LIST_ERRORS, JSONBytes
from app.errors import not_found
from app.models.agreement import AgreementDetail, AgreementPublic
from app.models.page import ItemList
from app.queries import agreements

router = APIRouter(prefix="/v1/agreements", tags=["agreements"])


@router.get("", response_model=ItemList[AgreementPublic], responses=LIST_ERRORS)
def list_agreements(
    request: Request,
    reader: ReaderDep,
    settings: SettingsDep,
    filters: Annotated[AgreementFilters, Query()],
) -> JSONBytes:
    """List agreements, filtered, sorted and paged."""
    return run_list(
        request, reader, settings, filters, agreements.list_agreements, agreements.SORT_COLUMNS
    )


@router.get("/{agreement_id}", response_model=AgreementDetail, responses=DETAIL_ERRORS)
def get_agreement(
    agreement_id: Annotated[
        str,
        Path(
            description="Agreement id.",
            examples=["2023-06-15-iran-cuba-cooperation-documents"],
            max_length=200,
        ),
    ],
    reader: ReaderDep,
) -> JSONBytes:
    """One agreement with its parties, signatories and citations."""
    agreement = agreements.get_agreement(reader, agreement_id)
    if agreement is None:
        raise not_found("agreement", agreement_id)
    return JSONBytes(agreement)
