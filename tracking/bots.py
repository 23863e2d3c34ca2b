"""Recognising automated traffic so it costs nothing past the collector."""

from functools import lru_cache

from crawlerdetect import CrawlerDetect

_detector = CrawlerDetect()
_AUTOMATION_MARKERS = ("headlesschrome", "phantomjs", "electron/", "puppeteer", "playwright")


@lru_cache(maxsize=20_000)
def is_bot_user_agent(user_agent: str) -> bool:
    """Crawler lists plus headless browsers; an empty user agent counts as a bot."""
    if not user_agent.strip():
        return True
    lowered = user_agent.lower()
    if any(marker in lowered for marker in _AUTOMATION_MARKERS):
        return True
    return _detector.is_crawler(user_agent)


def is_prefetch(meta: dict) -> bool:
    """Browsers mark speculative loads; they are not visits."""
    purpose = (meta.get("HTTP_SEC_PURPOSE") or meta.get("HTTP_PURPOSE") or "").lower()
    return "prefetch" in purpose or "prerender" in purpose
