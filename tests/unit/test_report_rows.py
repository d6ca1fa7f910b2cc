"""The report's fold stops at the end of the period; its CSV never carries a formula."""

from __future__ import annotations

import datetime as dt
import io

from bridge.contract.topics import Topics
from bridge.contract.validate import RawRecord
from bridge.report import fold_until, report_rows, write_csv
from bridge.wire.figures import local_days, period_figures
from tests.helpers import report_week, samples

TOPICS = Topics()
WEEK = local_days(dt.date(2025, 12, 1), dt.date(2025, 12, 7), dt.UTC, dt.datetime.now(dt.UTC))


def records() -> list[RawRecord]:
    return [
        samples.as_record(event, topic=TOPICS.tickets, offset=offset)
        for offset, event in enumerate(report_week.week_events())
    ]


def test_events_after_the_period_are_not_folded() -> None:
    state = fold_until(records(), TOPICS, WEEK.end)
    assert state.tickets["T1"].queue == "deliveries"  # moved to general on 12-08
    assert state.tickets["T1"].status == "resolved"  # reopened on 12-08
    assert state.tickets["T4"].first_response_at is None  # answered on 12-08
    everything = fold_until(records(), TOPICS, WEEK.end + dt.timedelta(days=30))
    assert everything.tickets["T1"].queue == "general"


def test_the_csv_of_the_week() -> None:
    out = io.StringIO()
    write_csv(
        report_rows(period_figures(fold_until(records(), TOPICS, WEEK.end).tickets.values(), WEEK)),
        out,
    )
    assert out.getvalue() == report_week.EXPECTED_CSV


def test_event_text_that_a_spreadsheet_would_run_is_quoted() -> None:
    hostile = [
        samples.ticket_opened("H1", event_id="h1", time="2025-12-02T10:00:00Z",
                              queue='=HYPERLINK("http://x")', sla_due_at="2025-12-02T11:00:00Z"),
        samples.ticket_action("status_changed", "H1", event_id="h2", agent_id="@evil",
                              time="2025-12-02T10:10:00Z", status="resolved"),
    ]  # fmt: skip
    state = fold_until(
        [samples.as_record(e, topic=TOPICS.tickets, offset=n) for n, e in enumerate(hostile)],
        TOPICS,
        WEEK.end,
    )
    rows = report_rows(period_figures(state.tickets.values(), WEEK))
    assert [(row["id"], row["name"]) for row in rows] == [
        ('\'=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("'@evil", "'@Evil"),
    ]
