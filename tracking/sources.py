"""Naming where a visit came from: a source (Google, Reddit, ...) and a channel.

Our own table, matched on the referrer's host (and its parent domains), is
small and current (AI assistants included). UTM tags win over the referrer,
as site owners set them on purpose.
"""

from functools import lru_cache

SEARCH, SOCIAL, EMAIL, AI, REFERRAL, DIRECT, PAID = (
    "search", "social", "email", "ai", "referral", "direct", "paid",
)  # fmt: skip

# host (or parent domain) -> (source, channel)
KNOWN_HOSTS: dict[str, tuple[str, str]] = {
    "google.com": ("Google", SEARCH), "bing.com": ("Bing", SEARCH),
    "duckduckgo.com": ("DuckDuckGo", SEARCH), "search.yahoo.com": ("Yahoo", SEARCH),
    "yahoo.com": ("Yahoo", SEARCH), "ecosia.org": ("Ecosia", SEARCH),
    "search.brave.com": ("Brave Search", SEARCH), "yandex.ru": ("Yandex", SEARCH),
    "yandex.com": ("Yandex", SEARCH), "baidu.com": ("Baidu", SEARCH),
    "startpage.com": ("Startpage", SEARCH), "kagi.com": ("Kagi", SEARCH),
    "qwant.com": ("Qwant", SEARCH), "naver.com": ("Naver", SEARCH),
    "facebook.com": ("Facebook", SOCIAL), "fb.com": ("Facebook", SOCIAL),
    "instagram.com": ("Instagram", SOCIAL), "t.co": ("X", SOCIAL), "x.com": ("X", SOCIAL),
    "twitter.com": ("X", SOCIAL), "linkedin.com": ("LinkedIn", SOCIAL),
    "lnkd.in": ("LinkedIn", SOCIAL), "reddit.com": ("Reddit", SOCIAL),
    "news.ycombinator.com": ("Hacker News", SOCIAL), "youtube.com": ("YouTube", SOCIAL),
    "pinterest.com": ("Pinterest", SOCIAL), "tiktok.com": ("TikTok", SOCIAL),
    "bsky.app": ("Bluesky", SOCIAL), "threads.net": ("Threads", SOCIAL),
    "mastodon.social": ("Mastodon", SOCIAL), "lobste.rs": ("Lobsters", SOCIAL),
    "producthunt.com": ("Product Hunt", SOCIAL), "discord.com": ("Discord", SOCIAL),
    "chatgpt.com": ("ChatGPT", AI), "chat.openai.com": ("ChatGPT", AI),
    "perplexity.ai": ("Perplexity", AI), "claude.ai": ("Claude", AI),
    "gemini.google.com": ("Gemini", AI), "copilot.microsoft.com": ("Copilot", AI),
    "chat.deepseek.com": ("DeepSeek", AI), "you.com": ("You.com", AI),
    "mail.google.com": ("Gmail", EMAIL), "outlook.live.com": ("Outlook", EMAIL),
    "mail.yahoo.com": ("Yahoo Mail", EMAIL), "substack.com": ("Substack", EMAIL),
    "mailchi.mp": ("Mailchimp", EMAIL), "buttondown.email": ("Buttondown", EMAIL),
    "github.com": ("GitHub", REFERRAL), "stackoverflow.com": ("Stack Overflow", REFERRAL),
    "wikipedia.org": ("Wikipedia", REFERRAL), "medium.com": ("Medium", REFERRAL),
    "dev.to": ("DEV", REFERRAL),
}  # fmt: skip
EMAIL_MEDIUMS = {"email", "e-mail", "newsletter", "mail"}
PAID_MEDIUMS = {"cpc", "ppc", "paid", "paidsearch", "paid_social", "display", "cpm", "ads"}
SOCIAL_MEDIUMS = {"social", "social-network", "social-media", "sm"}


@lru_cache(maxsize=10_000)
def known_source(host: str) -> tuple[str, str] | None:
    """Match `host` or any parent domain; google.co.uk and the like count as Google."""
    labels = host.split(".")
    for i in range(len(labels) - 1):
        match = KNOWN_HOSTS.get(".".join(labels[i:]))
        if match:
            return match
    if "google" in labels[:-1] and labels[0] != "mail":
        return ("Google", SEARCH)
    if "bing" in labels[:-1]:
        return ("Bing", SEARCH)
    return None


def classify(*, referrer_host: str, utm_source: str, utm_medium: str) -> tuple[str, str]:
    """(source, channel) of a visit."""
    medium = utm_medium.lower()
    known = known_source(referrer_host) if referrer_host else None
    by_name = None
    if utm_source:
        by_name = known_source(utm_source.lower()) or _known_by_name(utm_source)
    if utm_source:
        source = by_name[0] if by_name else utm_source
    elif known:
        source = known[0]
    else:
        source = referrer_host
    if medium in EMAIL_MEDIUMS:
        return source, EMAIL
    if medium in PAID_MEDIUMS:
        return source, PAID
    if medium in SOCIAL_MEDIUMS:
        return source, SOCIAL
    if utm_source and not referrer_host:
        return source, by_name[1] if by_name else REFERRAL
    if known:
        return source, known[1]
    if referrer_host:
        return source, REFERRAL
    return "", DIRECT


@lru_cache(maxsize=1000)
def _known_by_name(name: str) -> tuple[str, str] | None:
    lowered = name.lower().replace(" ", "")
    for source, channel in KNOWN_HOSTS.values():
        if source.lower().replace(" ", "") == lowered:
            return source, channel
    return {"newsletter": ("Newsletter", EMAIL)}.get(lowered)
