"""`plain`: a string fit for a plain-text email line, whoever wrote it.

Tracked strings (paths, referrers, event names) and names typed by users
reach the plain-text part unescaped, as text should; but a line break, a
tab or another control character in them could forge lines of the email
(a fake "Unsubscribe:" line) or confuse a terminal. They become spaces;
bidirectional overrides (which can make text read backwards) go too.
"""

import re

from django import template

register = template.Library()

# C0 and C1 controls, DEL, line/paragraph separators and bidi embeddings/overrides/isolates.
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def plain_text(value: object) -> str:
    return " ".join(UNSAFE.sub(" ", str(value)).split())


@register.filter
def plain(value: object) -> str:
    return plain_text(value)
