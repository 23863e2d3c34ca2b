"""What every API view shares: JSON whatever the client's Accept header says.

Scripts written for Fathom send all kinds of Accept headers (or none, or a
browser's `text/html`); refusing them with 406 would break them for nothing,
since the API has one representation.
"""

from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.views import APIView


class JsonAlways(DefaultContentNegotiation):
    """Bodies are parsed by their Content-Type as usual; answers are always JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ApiView(APIView):
    content_negotiation_class = JsonAlways
