"""One declaration per resource, and its routes generated from it.

A resource is a few facts: its name (and so its path), its filters and sorts, how to list it,
its list and detail models, how to read one record, and the lists of a record's parts.
`Resource.router()` makes its FastAPI routes from them (`GET /v1/<name>`,
`GET /v1/<name>/{id}` and each part, `GET /v1/visits/{visit_id}/meetings`); the fast path
(app/api/fast_path.py) calls the same `answer_list` and `answer_detail`.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response
from pydantic import BaseModel

from app.api.deps import ReaderDep, SettingsDep
from app.api.fields import chosen, with_fields
from app.api.filters import NoParams, OnePageParams, VisitPartParams
from app.api.formats import negotiate
from app.api.lists import LIST_FORMATS, detail_response, kept_or_made, page_response, run_list
from app.api.offload import run_read, where_it_reads
from app.api.query import documented, from_query, parse_query
from app.api.responses import DETAIL_ERRORS, LIST_ERRORS
from app.config import Settings
from app.errors import not_found
from app.models.page import ItemList
from app.queries.common import Gzipped
from app.queries.listing import Listing
from app.storage import Reader

API_PREFIX = "/v1"


@dataclass(frozen=True)
class Detail:
    """How one record is read: `GET /v1/<resource>/{<id_name>}`."""

    model: type[BaseModel]
    get: Callable[[Reader, str], dict[str, Any] | Gzipped | None]
    summary: str
    id_name: str
    id_description: str
    id_example: str
    id_max_length: int = 200


@dataclass(frozen=True)
class PagedPart:
    """A record's parts as a list of another resource filtered by the record, in one order
    (`GET /v1/visits/{visit_id}/meetings`), paged."""

    name: str
    resource: "Resource"
    by: str  # the filter of `resource` that names the record
    summary: str
    sort: str | None = None  # None: the resource's default order


@dataclass(frozen=True)
class WholePart:
    """A record's parts that always fit on one page (`GET /v1/visits/{visit_id}/participants`)."""

    name: str
    model: type[BaseModel]
    read: Callable[[Reader, str], list[dict[str, Any]]]
    summary: str


@dataclass(frozen=True)
class Resource:
    """What differs from one resource to the next (see above)."""

    name: str  # plural: the path, the OpenAPI tag, the export's file name
    singular: str  # named in a 404 and in operation ids
    about: str  # the tag's description
    filters: type[BaseModel]  # the list's query parameters (app/api/filters.py)
    criteria: type[BaseModel]  # the filters alone (an export takes them)
    listing: Listing  # with its sorts and facets (app/queries/listing.py)
    item: type[BaseModel]
    list_summary: str
    detail: Detail | None = None
    exists: Callable[[Reader, str], bool] | None = None  # needed by parts
    parts: tuple[PagedPart | WholePart, ...] = ()

    @property
    def sorts(self) -> Mapping[str, str]:
        """The list's sort names and their columns, as its listing declares them."""
        return self.listing.sort_columns

    @property
    def facets(self) -> tuple[str, ...]:
        """What `facet=` counts, as the listing declares it."""
        return self.listing.facets

    @property
    def path(self) -> str:
        """Where the resource's list is."""
        return f"{API_PREFIX}/{self.name}"

    @property
    def list_params(self) -> type[BaseModel]:
        """The list's query parameters: its filters and `fields` (app/api/fields.py)."""
        return with_fields(self.filters, self.item)

    @property
    def export_params(self) -> type[BaseModel]:
        """The export's query parameters: the filters alone and `fields`."""
        return with_fields(self.criteria, self.item)

    @property
    def detail_params(self) -> type[BaseModel]:
        """A record's query parameters: `fields` alone."""
        assert self.detail is not None, f"{self.name} have no detail"
        return with_fields(NoParams, self.detail.model)

    def router(self) -> APIRouter:
        """The routes of this resource."""
        router = APIRouter(prefix=self.path, tags=[self.name])
        self._add_list(router)
        if self.detail is not None:
            self._add_detail(router, self.detail)
            for part in self.parts:
                self._add_part(router, self.detail, part)
        return router

    async def answer_list(
        self, request: Request, reader: Reader, settings: Settings, filters: Any = None
    ) -> Response:
        """One page of the list for the request's query string (`filters`: parsed already,
        as the FastAPI route's dependency does)."""
        if filters is None:
            filters = await parse_query(self.list_params, request)
        return await run_list(
            request, reader, settings, filters, self.listing, self.sorts, self.item
        )

    async def answer_detail(
        self,
        request: Request,
        reader: Reader,
        settings: Settings,
        record_id: str,
        params: Any = None,
    ) -> Response:
        """One record as JSON, revalidated by ETag; 404 when there is none (`params`: parsed
        already, as the FastAPI route's dependency does)."""
        assert self.detail is not None, f"{self.name} have no detail"
        if params is None and request.scope["query_string"]:  # none: every field, as stored
            params = await parse_query(self.detail_params, request)
        get = self.detail.get

        def answer() -> Response:
            return detail_response(
                request,
                reader,
                settings,
                lambda: get(reader, record_id),
                self.singular,
                record_id,
                chosen(params),
            )

        return await where_it_reads(request, reader, answer)

    def _add_list(self, router: APIRouter) -> None:
        async def list_records(
            request: Request,
            reader: ReaderDep,
            settings: SettingsDep,
            filters: Annotated[Any, from_query(self.list_params)],
        ) -> Response:
            return await self.answer_list(request, reader, settings, filters)

        router.add_api_route(
            "",
            list_records,
            methods=["GET"],
            name=f"list_{self.name}",
            description=self.list_summary,
            response_model=ItemList[self.item],  # type: ignore[name-defined]
            responses=LIST_ERRORS,
            openapi_extra=documented(self.list_params),
        )

    def _add_detail(self, router: APIRouter, detail: Detail) -> None:
        async def get_record(
            request: Request,
            record_id: Annotated[str, _id_parameter(detail)],
            reader: ReaderDep,
            settings: SettingsDep,
            params: Annotated[Any, from_query(self.detail_params)],
        ) -> Response:
            return await self.answer_detail(request, reader, settings, record_id, params)

        router.add_api_route(
            f"/{{{detail.id_name}}}",
            get_record,
            methods=["GET"],
            name=f"get_{self.singular}",
            description=detail.summary,
            response_model=detail.model,
            responses=DETAIL_ERRORS,
            openapi_extra=documented(self.detail_params),
        )

    def _add_part(self, router: APIRouter, detail: Detail, part: PagedPart | WholePart) -> None:
        exists = self.exists
        assert exists is not None, f"{self.name} have parts: say how a record is found"

        def require(reader: Reader, record_id: str) -> None:
            if not exists(reader, record_id):
                raise not_found(self.singular, record_id)

        if isinstance(part, PagedPart):
            listed = part.resource
            paged_params = with_fields(VisitPartParams, listed.item)

            async def list_paged(
                request: Request,
                record_id: Annotated[str, _id_parameter(detail)],
                reader: ReaderDep,
                settings: SettingsDep,
                params: Annotated[Any, from_query(paged_params)],
            ) -> Response:
                await where_it_reads(request, reader, lambda: require(reader, record_id))
                order = {"sort": part.sort} if part.sort else {}
                filters: Any = listed.list_params(
                    limit=params.limit,
                    cursor=params.cursor,
                    format=params.format,
                    fields=params.fields,
                    **{part.by: record_id},
                    **order,
                )
                return await run_list(
                    request, reader, settings, filters, listed.listing, listed.sorts, listed.item
                )

            endpoint: Callable[..., Any] = list_paged
            model: type[BaseModel] = listed.item
            parameters: type[BaseModel] = paged_params
        else:
            read = part.read
            whole_params = with_fields(OnePageParams, part.model)

            async def list_whole(
                request: Request,
                record_id: Annotated[str, _id_parameter(detail)],
                reader: ReaderDep,
                settings: SettingsDep,
                params: Annotated[Any, from_query(whole_params)],
            ) -> Response:
                answer_in = negotiate(request, params.format, LIST_FORMATS)
                fields = chosen(params)

                def respond() -> Response:
                    require(reader, record_id)
                    items = read(reader, record_id)
                    return page_response(
                        request, answer_in, part.model, items, len(items), None, fields=fields
                    )

                return await run_read(
                    request, reader, lambda: kept_or_made(request, reader, settings, respond)
                )

            endpoint, model, parameters = list_whole, part.model, whole_params
        router.add_api_route(
            f"/{{{detail.id_name}}}/{part.name}",
            endpoint,
            methods=["GET"],
            name=f"list_{self.singular}_{part.name}",
            description=part.summary,
            response_model=ItemList[model],  # type: ignore[valid-type]
            responses=DETAIL_ERRORS,
            openapi_extra=documented(parameters),
        )


def _id_parameter(detail: Detail) -> Any:
    """The path parameter naming a record (`visit_id`)."""
    return Path(
        alias=detail.id_name,
        description=detail.id_description,
        examples=[detail.id_example],
        max_length=detail.id_max_length,
    )
