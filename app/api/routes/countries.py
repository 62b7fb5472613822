"""`/v1/countries`: ISO 3166-1 countries with counts of visits made and hosted."""

from app.api.filters import CountryCriteria, CountryFilters
from app.api.resource import Detail, Resource
from app.countries import lookup_country
from app.models.country import CountryDetail, CountryPublic
from app.queries import vocabularies
from app.queries.common import Gzipped
from app.storage import Reader


def get_country(reader: Reader, code: str) -> Gzipped | None:
    """One country by its alpha-2 or alpha-3 code, in any case."""
    known = lookup_country(code)
    return None if known is None else vocabularies.get_country(reader, known.code)


COUNTRIES = Resource(
    name="countries",
    singular="country",
    about="ISO 3166-1 countries with counts of visits made and hosted.",
    filters=CountryFilters,
    criteria=CountryCriteria,
    listing=vocabularies.list_countries,
    item=CountryPublic,
    list_summary="List countries with how many visits each made and hosted.",
    detail=Detail(
        model=CountryDetail,
        get=get_country,
        summary="One country with how many visits it made and hosted.",
        id_name="code",
        id_description="ISO 3166-1 alpha-2 or alpha-3 code, any case.",
        id_example="CU",
        id_max_length=3,
    ),
)
