"""HTTP layer: routes, parameters, paging and response formats."""
