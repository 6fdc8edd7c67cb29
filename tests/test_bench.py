"""`make bench`'s own logic (config/bench.py), without a server: reading forms and wrk's
figures, and judging the goals. The speed itself is measured by `make bench` only."""

import pytest
from django.urls import NoReverseMatch, reverse

from config.bench import (
    BARE,
    bare_drift,
    bench_database_url,
    best_run,
    form_fields,
    growth_factor,
    missed_goals,
    parse_result,
    table,
    unmeasured,
)


def figures(p50=10.0, p95=20.0, req_per_s=100.0, **wrong) -> dict:
    return {"p50_ms": p50, "p95_ms": p95, "p99_ms": p95, "requests": 500,
            "req_per_s": req_per_s, "non_200": 0, "not_saved": 0, "socket_errors": 0, **wrong}


def run(**pages) -> dict:
    """One size's results: the bare view at 400 req/s and the given pages."""
    return {BARE: figures(p50=2, p95=4, req_per_s=400), **pages}


def misses(results, goal_starting: str) -> list[str]:
    """What misses the goal whose wording starts so."""
    (missed,) = [missed for goal, missed in missed_goals(results)
                 if goal.startswith(goal_starting)]
    return missed


def test_each_size_has_its_own_database_named_after_database_url(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/debriefs?sslmode=off")
    assert bench_database_url(10) == (
        "postgres://postgres@127.0.0.1:5432/debriefs_bench_x10?sslmode=off"
    )


def test_the_bare_view_is_not_routed_outside_the_bench():
    with pytest.raises(NoReverseMatch):
        reverse("bench_bare")


def test_a_form_is_read_as_a_browser_sends_it_without_a_submit_button():
    html = """
    <input name="outside" value="no"><input name="linked" form="debrief-form" value="yes">
    <form id="debrief-form">
      <input type="hidden" name="version" value="3">
      <input name="title" value="A &amp; B"><input name="off" disabled value="x">
      <input type="checkbox" name="shared"><input type="checkbox" name="private" checked>
      <input type="radio" name="led" value="me"><input type="radio" name="led" value="them" checked>
      <select name="tier"><option value="1">One</option>
        <option value="2" selected>Two</option></select>
      <select name="speech"><option value="">None</option><option value="7">v7</option></select>
      <textarea name="notes">
Line one
Line two</textarea>
      <input name="elsewhere" form="referral-form" value="no">
      <button type="submit" name="save_draft" value="1">Keep</button>
    </form>
    <input name="after" value="no">
    """
    assert form_fields(html, "debrief-form") == [
        ("linked", "yes"), ("version", "3"), ("title", "A & B"), ("private", "on"),
        ("led", "them"), ("tier", "2"), ("speech", ""), ("notes", "Line one\r\nLine two"),
    ]


def test_the_figures_are_read_from_the_line_the_wrk_script_prints():
    output = "Running 5s test @ http://127.0.0.1:1/\n" \
        'BENCH_RESULT {"p50_ms": 1.5, "p95_ms": 3.0, "p99_ms": 4.0, "requests": 90, ' \
        '"non_200": 0, "not_saved": 0, "socket_errors": 0, "req_per_s": 18.00}\n'
    assert parse_result(output)["p95_ms"] == 3.0


def test_a_wrk_output_without_the_report_line_is_an_error():
    with pytest.raises(ValueError):
        parse_result("unable to connect to 127.0.0.1:1 Connection refused\n")


def test_every_goal_is_met_when_each_page_stays_fast_and_flat():
    results = {1: run(home=figures(p50=10)), 10: run(home=figures(p50=14, p95=60))}
    assert all(not missed for _, missed in missed_goals(results))


def test_a_page_whose_median_grows_more_than_half_again_at_10x_misses_bounded_work():
    results = {1: run(home=figures(p50=10)), 10: run(home=figures(p50=16))}
    assert growth_factor(results, "home") == pytest.approx(1.6)
    assert misses(results, "Bounded work") == ["home: 1.60"]


def test_a_p95_of_100_ms_at_10x_misses_the_latency_goal():
    results = {1: run(home=figures()), 10: run(home=figures(p95=100))}
    assert misses(results, "p95 under") == [
        "home: 100.0 ms (goal < 100 ms)"
    ]


def test_the_live_suggestions_must_stay_under_30_ms_at_10x():
    results = {1: run(**{"live suggestions": figures()}),
               10: run(**{"live suggestions": figures(p95=31)})}
    assert misses(results, "p95 under") == [
        "live suggestions: 31.0 ms (goal < 30 ms)"
    ]


def test_a_page_under_a_quarter_of_the_bare_views_throughput_misses_at_that_size():
    results = {1: run(home=figures(req_per_s=120)), 10: run(home=figures(req_per_s=90))}
    assert misses(results, "Throughput") == ["home at 10x: 22% (goal 25%)"]


def test_the_live_suggestions_need_half_the_bare_views_throughput():
    results = {1: run(**{"live suggestions": figures(req_per_s=180)})}
    assert misses(results, "Throughput") == ["live suggestions at 1x: 45% (goal 50%)"]


def test_any_answer_but_a_200_or_a_refused_autosave_is_a_failure():
    results = {1: run(home=figures(non_200=2), autosave=figures(not_saved=1))}
    assert misses(results, "Every answer") == [
        "home at 1x: 2 not 200, 0 socket errors, 0 autosaves refused",
        "autosave at 1x: 0 not 200, 0 socket errors, 1 autosaves refused",
    ]


def test_the_table_puts_the_sizes_side_by_side_with_the_share_of_the_bare_view_and_growth():
    results = {1: run(home=figures(p50=10, req_per_s=200)),
               10: run(home=figures(p50=12, req_per_s=100))}
    head, _, bare, home = table(results)
    assert head.startswith("| page | p50 ms 1x | p50 ms 10x |")
    assert head.endswith("| of bare 1x | of bare 10x | growth |")
    assert home == (
        "| home | 10.0 | 12.0 | 20.0 | 20.0 | 20.0 | 20.0 | 200 | 100 | 50% | 25% | 1.20 |"
    )


def test_a_page_that_could_not_be_measured_is_a_failure():
    results = {1: run(**{"live suggestions": unmeasured("its form answered 500: /meetings/1/")})}
    assert misses(results, "Every answer") == [
        "live suggestions at 1x: not measured, its form answered 500: /meetings/1/"
    ]


def test_a_pages_share_is_taken_against_the_bare_view_measured_just_before_it():
    page = figures(req_per_s=120) | {"bare_req_per_s": 300}
    results = {1: run(home=page)}
    assert misses(results, "Throughput") == []
    assert table(results)[3].endswith("| 120 | 40% |")


def test_the_report_says_how_far_the_bare_view_moved_beside_the_pages():
    results = {1: run(), 10: run()}
    results[1][BARE]["beside"] = [610.4, 842.0, 700.0]
    results[10][BARE]["beside"] = [590.0]
    assert bare_drift(results) == [
        "The bare view beside the pages ran at (req/s): 1x 610-842; 10x 590-590."]


def test_of_a_pages_rounds_the_one_with_the_most_requests_a_second_is_kept():
    slow, fast = figures(p50=14, req_per_s=150), figures(p50=9, req_per_s=240)
    assert best_run([slow, fast]) is fast


def test_a_failing_round_is_kept_over_a_clean_faster_one():
    failing, clean = figures(req_per_s=100, non_200=3), figures(req_per_s=300)
    assert best_run([clean, failing]) is failing
