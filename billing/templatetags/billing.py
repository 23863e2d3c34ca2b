from django import template

from billing.periods import money as format_money

register = template.Library()


@register.filter
def money(cents: int, currency: str = "usd") -> str:
    """Cents as $12.50 (credits as -$12.50)."""
    return format_money(int(cents), currency)
