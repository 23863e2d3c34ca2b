"""Words people read for dimensions, operators and stored values.

Values stay plain strings here: templates escape them, so a tracked page
named `<script>` is shown as text wherever a label appears.
"""

from reports.countries import NAMES as COUNTRY_NAMES
from reports.countries import country_code, country_name
from reports.stats import Filter

DIMENSION_LABELS: dict[str, str] = {
    # In the add-filter form's order: the most asked-for first.
    "pathname": "Page",
    "source": "Source",
    "referrer": "Referrer",
    "referrer_host": "Referrer host",
    "referrer_path": "Referrer path",
    "channel": "Channel",
    "country": "Country",
    "event": "Event",
    "utm_source": "UTM source",
    "utm_medium": "UTM medium",
    "utm_campaign": "UTM campaign",
    "utm_content": "UTM content",
    "utm_term": "UTM term",
    "browser": "Browser",
    "os": "Operating system",
    "device": "Device type",
    "hostname": "Hostname",
}
OP_LABELS: dict[str, str] = {
    "is": "is",
    "is_not": "is not",
    "contains": "contains",
    "not_contains": "does not contain",
    "matches": "matches",
    "not_matches": "does not match",
}
# What the add-filter form offers; `matches` stays available to links and the API.
FORM_OPS = ("is", "is_not", "contains", "not_contains")
EMPTY_LABELS: dict[str, str] = {
    "source": "Direct / none",
    "referrer": "Direct / none",
    "referrer_host": "Direct / none",
    "country": "Unknown",
    "browser": "Unknown",
    "os": "Unknown",
}


CHANNEL_LABELS = {"ai": "AI", "email": "Email", "search": "Search", "social": "Social",
                  "referral": "Referral", "direct": "Direct", "paid": "Paid"}  # fmt: skip
# Values stored in one spelling, whatever a person types in the filter form.
LOWERCASE_DIMENSIONS = ("channel", "device")


def stored_value(dimension: str, typed: str) -> str:
    """What a typed value is stored as: "United States" or "us" is US, "Mobile" is mobile,
    "Direct / none" (the label of no source) is the empty value."""
    if typed.casefold() == EMPTY_LABELS.get(dimension, "").casefold():
        return ""
    if dimension == "country":
        return country_code(typed) or typed
    if dimension in LOWERCASE_DIMENSIONS:
        return typed.lower()
    return typed


def value_label(dimension: str, value: str) -> str:
    """How a stored value reads in a table or a filter chip."""
    if value == "":
        return EMPTY_LABELS.get(dimension, "(none)")
    if dimension == "channel":
        return CHANNEL_LABELS.get(value, value.capitalize())
    if dimension == "device":
        return value.capitalize()
    if dimension == "country":
        return country_name(value)
    return value


def values_labelled(dimension: str, text: str) -> list[str]:
    """Stored values whose label, not the value itself, contains `text` (any case):
    searching countries for "germ" finds DE, and sources for "direct" the empty one."""
    wanted = text.casefold()
    if not wanted:
        return []
    found = [""] if wanted in EMPTY_LABELS.get(dimension, "").casefold() else []
    labels = {"country": COUNTRY_NAMES, "channel": CHANNEL_LABELS}.get(dimension, {})
    return found + sorted(value for value, label in labels.items() if wanted in label.casefold())


def dimension_label(dimension: str) -> str:
    """`Page`, or `Property plan` for an event property (`prop.plan`)."""
    if dimension.startswith("prop."):
        return "Property " + dimension.removeprefix("prop.")
    return DIMENSION_LABELS[dimension]


def filter_label(f: Filter) -> str:
    """`Page is /pricing`, for chips, titles and chart descriptions."""
    return f"{dimension_label(f.dimension)} {OP_LABELS[f.op]} {value_label(f.dimension, f.value)}"
