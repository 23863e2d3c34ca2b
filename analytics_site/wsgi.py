import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "analytics_site.settings")
django_application = get_wsgi_application()

from analytics_site.collector_first import CollectorFirst  # noqa: E402  (needs Django set up)

# The collector's path skips Django's full handler (analytics_site/collector_first.py);
# its hits go to SQS through tracking/sqs_sender.py, so the web builds no Dramatiq broker.
application = CollectorFirst(django_application)
