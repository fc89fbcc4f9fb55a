"""The web dashboard and the REST API (`evramp serve`): FastAPI, served by uvicorn, on the
application layer (`evramp.app`) and the workspace. Every page and every asset is served by the
app itself (plotly.js from the plotly package, the API docs' Swagger UI from swagger-ui-bundle),
so it works with the network off."""

from evramp.api.server import create_app

__all__ = ["create_app"]
