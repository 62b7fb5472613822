"""A typed httpx client of the Diplomatic Visits API, sync and async.

```python
from app.client import DiplomaticVisitsClient

with DiplomaticVisitsClient("http://127.0.0.1:8000") as client:
    for visit in client.visits.iter(host_country="CU"):
        print(visit.id, visit.visitor.name, visit.start_date)
```

It imports nothing from the server but the public response models (`app.models`) and the
problem document (`app.errors.Problem`).
"""

from app.client._core import DEFAULT_BASE_URL
from app.client.aio import AsyncDiplomaticVisitsClient
from app.client.cache import ETagCache
from app.client.errors import (
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
from app.client.retry import RetryPolicy
from app.client.sync import DiplomaticVisitsClient

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
]
