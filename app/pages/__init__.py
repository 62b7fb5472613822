"""Pages for people: server-rendered HTML over the same queries and filters as the API."""
