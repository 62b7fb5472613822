"""`/v1/tours`: multi-country trips with their legs in order."""

from app.api.filters import TourCriteria, TourFilters
from app.api.resource import Detail, Resource
from app.models.tour import TourDetail, TourPublic
from app.queries import tours

TOURS = Resource(
    name="tours",
    singular="tour",
    about="Multi-country trips, each leg a visit.",
    filters=TourFilters,
    criteria=TourCriteria,
    listing=tours.list_tours,
    item=TourPublic,
    list_summary="List tours with their legs, filtered, sorted and paged.",
    detail=Detail(
        model=TourDetail,
        get=tours.get_tour,
        summary="One tour with its legs in order and its citations.",
        id_name="tour_id",
        id_description="Tour id.",
        id_example="2023-06-raisi-latin-america",
    ),
)
