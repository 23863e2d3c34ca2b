"""The browsable reference at /api/docs/: Swagger UI from the sidecar package, no CDN.

The split view sends its start-up script as a file of its own (`?script`),
so the page needs no inline script and the site's strict CSP applies as
everywhere else; this template also leaves out the stock inline style.
"""

from drf_spectacular.views import SpectacularSwaggerSplitView


class SwaggerView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"
    title = "API reference"
