import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "analytics_site.settings")
application = get_wsgi_application()

from analytics_site.broker import setup_broker  # noqa: E402  (needs Django set up)

setup_broker()  # the collector sends hits through it
