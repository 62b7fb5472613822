"""One module per resource, holding its declaration (app/api/resource.py makes its routes), and
the routes that are no resource's: the dataset, the search, the exports, the health check."""
