"""`/v1/topics`: fields of cooperation."""

from app.api.filters import TopicCriteria, TopicFilters
from app.api.resource import Resource
from app.models.topic import TopicPublic
from app.queries import vocabularies

TOPICS = Resource(
    name="topics",
    singular="topic",
    about="Fields of cooperation.",
    filters=TopicFilters,
    criteria=TopicCriteria,
    listing=vocabularies.list_topics,
    item=TopicPublic,
    list_summary="List topics with how many visits, meetings and agreements carry each.",
)
