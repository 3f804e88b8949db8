"""HTTP API: routers, request and response schemas, presenters, pagination and read services."""
