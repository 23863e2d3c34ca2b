"""The cheapest WSGI app: read the body, answer 204. The collector's ceiling.

Run under the project's gunicorn settings by bench/ingest_collector.py:
    gunicorn -c analytics_site/gunicorn.conf.py bench.bare_wsgi:application
"""

HEADERS = [("Content-Length", "0"), ("Access-Control-Allow-Origin", "*")]


def application(environ, start_response):
    length = int(environ.get("CONTENT_LENGTH") or 0)
    if length:
        environ["wsgi.input"].read(length)
    start_response("204 No Content", HEADERS)
    return [b""]
