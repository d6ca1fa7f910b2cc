"""The lag per partition in Diagnostics: records between the fold and the log's end."""

from __future__ import annotations

from bridge.service import partition_lags
from bridge.wire.protocol import Diagnostics
from console.log_inspection.rows import NO_VALUE, lag_rows, total_lag

TICKETS = "atp.tickets.v1"


def _shown(folded: dict[tuple[str, int], int], ends: dict[tuple[str, int], int]) -> Diagnostics:
    return Diagnostics(
        kind="lag", as_of="2025-12-01T10:00:00Z", partitions=partition_lags(folded, ends)
    )


def test_lag_is_the_records_between_fold_and_end() -> None:
    answer = _shown({(TICKETS, 0): 40, (TICKETS, 1): 7}, {(TICKETS, 0): 45, (TICKETS, 1): 7})

    assert lag_rows(answer) == [(TICKETS, "0", "40", "45", "5"), (TICKETS, "1", "7", "7", "0")]
    assert total_lag(answer) == 5


def test_a_fold_past_the_log_end_shows_no_lag_rather_than_zero() -> None:
    # The log was reset (a new demo broker, recreated topics) under a cached state.
    answer = _shown({(TICKETS, 0): 120, (TICKETS, 1): 3}, {(TICKETS, 0): 40, (TICKETS, 1): 5})

    assert lag_rows(answer) == [
        (TICKETS, "0", "120", "40", NO_VALUE),
        (TICKETS, "1", "3", "5", "2"),
    ]
    assert total_lag(answer) == 2


def test_an_unknown_end_shows_no_lag() -> None:
    answer = _shown({(TICKETS, 0): 12}, {})

    assert lag_rows(answer) == [(TICKETS, "0", "12", NO_VALUE, NO_VALUE)]
    assert total_lag(answer) is None
