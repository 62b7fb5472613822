"""The API: resources and their routes, parameters, paging, formats, caching, errors."""
