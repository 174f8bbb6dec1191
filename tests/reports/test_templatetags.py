from reports.templatetags.report_charts import bar, pct


def test_pct_is_a_whole_percentage_between_0_and_100():
    assert (pct(1, 3), pct(5, 4), pct(1, 0), pct(None, 5)) == (33, 100, 0, 0)


def test_bar_draws_the_share_as_svg_without_style():
    svg = bar(30, 120)
    assert svg.startswith('<svg class="report-bar"') and 'width="25"' in svg
    assert "style" not in svg and "report-bar-warn" not in svg
    assert 'class="report-bar-value report-bar-warn"' in bar(130, 120, warn=True)
