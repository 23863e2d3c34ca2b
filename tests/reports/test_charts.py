"""The server-drawn SVG chart: its scale, its bars and the escaping of every text."""

from reports.charts import ChartPoint, bar_chart, nice_scale, spread_ticks

HOSTILE = '<script>alert(1)</script>"onmouseover="x'


def point(i: int, visitors: int = 1, pageviews: int = 2, label: str = "") -> ChartPoint:
    return ChartPoint(
        label=label or f"Day {i}", tick=f"{i}", visitors=visitors, pageviews=pageviews
    )


def test_the_scale_rounds_up_to_a_step_of_one_two_or_five():
    assert nice_scale(0) == 4
    assert nice_scale(6) == 8
    assert nice_scale(37) == 40
    assert nice_scale(1234) == 2000
    assert nice_scale(5001) == 8000


def test_bars_are_sized_against_the_top_of_the_scale():
    chart = bar_chart([point(0, visitors=2, pageviews=4)], title="t")
    assert chart.y_ticks == ("4", "3", "2", "1", "0")
    assert '<rect class="bar-pageviews" x="1" y="0" width="8" height="100"/>' in chart.svg
    assert '<rect class="bar-visitors" x="2.5" y="50" width="5" height="50"/>' in chart.svg


def test_every_point_has_a_tooltip_with_its_figures():
    chart = bar_chart([point(0, 3, 5, "Mon 12 Jan 2026")], title="t")
    assert "<title>Mon 12 Jan 2026: 3 visitors, 5 pageviews</title>" in chart.svg


def test_texts_in_the_svg_are_escaped():
    chart = bar_chart([point(0, label=HOSTILE)], title=HOSTILE)
    assert "<script>" not in chart.svg
    assert '"onmouseover="' not in chart.svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&quot;onmouseover=&quot;x" in chart.svg


def test_an_empty_chart_still_draws_its_grid():
    chart = bar_chart([], title="Nothing")
    assert chart.svg.count('class="grid"') == 5
    assert chart.x_ticks == ()


def test_at_most_five_ticks_are_labelled_first_and_last_included():
    points = tuple(point(i) for i in range(24))
    ticks = spread_ticks(points)
    assert len(ticks) == 24
    assert [t for t in ticks if t] == ["0", "6", "12", "17", "23"]
    assert spread_ticks(points[:7]) == ("0", "1", "2", "3", "4", "5", "6")
