"""A typed httpx client of the Diplomatic Visits API, sync and async.

```python
from diplomatic_visits_client import DiplomaticVisitsClient

with DiplomaticVisitsClient("http://127.0.0.1:8000") as client:
    for visit in client.visits.iter(host_country="CU"):
        print(visit.id, visit.visitor.name, visit.start_date)
```

It needs httpx and pydantic only: its response models (`models`) are generated from the API's
OpenAPI document.
"""

from diplomatic_visits_client._core import DEFAULT_BASE_URL
from diplomatic_visits_client._version import __version__
from diplomatic_visits_client.aio import AsyncDiplomaticVisitsClient
from diplomatic_visits_client.cache import ETagCache
from diplomatic_visits_client.errors import (
    ApiError,
    DiplomaticVisitsError,
    InvalidParameters,
    NotFound,
    RateLimited,
    ServerError,
    ServiceUnavailable,
    Timeout,
    TransportError,
    UnexpectedResponse,
)
from diplomatic_visits_client.retry import RetryPolicy
from diplomatic_visits_client.sync import DiplomaticVisitsClient

__all__ = [
    "DEFAULT_BASE_URL",
    "ApiError",
    "AsyncDiplomaticVisitsClient",
    "DiplomaticVisitsClient",
    "DiplomaticVisitsError",
    "ETagCache",
    "InvalidParameters",
    "NotFound",
    "RateLimited",
    "RetryPolicy",
    "ServerError",
    "ServiceUnavailable",
    "Timeout",
    "TransportError",
    "UnexpectedResponse",
    "__version__",
]
