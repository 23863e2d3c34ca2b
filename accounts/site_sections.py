"""Sections that the apps after accounts add to a site's settings page.

accounts/site_settings.html shows, below the settings form, what each
registered renderer returns for the site (already escaped HTML: the
renderers use Django templates). Tracking registers its count of the hits
the site's shields dropped from its AppConfig.ready(), so accounts never
reads tracking's tables.
"""

from collections.abc import Callable

from django.utils.safestring import SafeString

from accounts.models import Site

Renderer = Callable[[Site], SafeString]
_renderers: list[Renderer] = []


def register_site_section(render: Renderer) -> None:
    """Add a section (in the order of registration); registering it again changes nothing."""
    if render not in _renderers:
        _renderers.append(render)


def site_sections(*, site: Site) -> list[SafeString]:
    """Each registered section rendered for `site`."""
    return [render(site) for render in _renderers]
