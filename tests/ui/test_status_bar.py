"""The status bar names a refused login and the bridge's degraded parts, as plain text."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, Qt

from bridge.wire.protocol import CatchUp
from console.labels import plain_tooltip
from console.views.status_bar import ConsoleStatusBar
from console.viewstate.store import SnapshotProgress
from tests.helpers.clock import Clock, at
from tests.helpers.protocol import status

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot


def _bar(qtbot: QtBot) -> ConsoleStatusBar:
    bar = ConsoleStatusBar(Clock())
    qtbot.addWidget(bar)
    bar.show()
    bar.set_connected()
    return bar


def test_refused_credentials_are_not_shown_as_kafka_down(qtbot: QtBot) -> None:
    bar = _bar(qtbot)
    bar.set_status(
        status(
            kafka_up=False,
            kafka_down_since=at(-1),
            kafka_error="auth",
            kafka_error_message="Kafka refused the credentials (SASL/SCRAM-SHA-512)",
        )
    )
    assert bar.kafka_label.text() == "Kafka: credentials refused"
    tooltip = bar.kafka_label.toolTip()
    assert "Kafka refused the credentials (SASL/SCRAM-SHA-512)" in tooltip
    assert "atp-bridge credentials set" in tooltip
    bar.set_status(status(kafka_up=True))
    assert bar.kafka_label.text() == "Kafka: up"
    assert bar.kafka_label.toolTip() == ""


def test_degraded_parts_show_while_they_last_and_markup_stays_text(qtbot: QtBot) -> None:
    bar = _bar(qtbot)
    bar.set_status(status())
    assert not bar.problems_label.isVisible()
    bar.set_status(status(degraded=["disk_full", "writer", "<b>new</b>"]))
    assert bar.problems_label.isVisible()
    assert bar.problems_label.text() == (
        "Disk full: actions cannot be queued · Sending to Kafka fails; retrying"
        " · Bridge problem: <b>new</b>"
    )
    assert bar.problems_label.textFormat() == Qt.TextFormat.PlainText
    bar.set_reconnecting("bridge closed the connection")
    assert not bar.problems_label.isVisible()  # unknown while the bridge is unreachable
    bar.set_connected()
    bar.set_status(status())
    assert not bar.problems_label.isVisible()


def test_a_bridge_started_in_an_outage_says_its_data_is_not_being_updated(
    qtbot: QtBot,
) -> None:
    """A walk restarted the bridge while Kafka was down: the queue was full of saved tickets
    and the status bar said "No data yet"."""
    bar = _bar(qtbot)
    bar.set_status(status(as_of=None, kafka_up=True))
    assert bar.data_label.text() == "No data yet"  # starting: nothing read yet
    bar.set_status(status(as_of=None, kafka_up=False, kafka_down_since=at(-1)))
    assert bar.data_label.text() == "Not updated since the bridge started: Kafka unreachable"
    bar.set_status(status())
    assert bar.data_label.text().startswith("Data as of ")


def test_no_lag_is_claimed_while_kafka_is_down(qtbot: QtBot) -> None:
    """A walk saw "Kafka: down since 19:43:47 · Data as of 19:43:44 · lag 0": the lag of a
    log the bridge cannot read is not known, and 0 reads as "all caught up"."""
    bar = _bar(qtbot)
    bar.set_status(status(lag=12))
    assert bar.data_label.text().endswith(" · lag 12")
    bar.set_status(status(lag=0, kafka_up=False, kafka_down_since=at(-1)))
    assert bar.data_label.text().startswith("Data as of ")
    assert "lag" not in bar.data_label.text()


def test_long_texts_end_in_an_ellipsis_instead_of_widening_the_bar(qtbot: QtBot) -> None:
    """A restart's progress beside Kafka down and a full disk: the bar stays 600 px wide."""
    bar = _bar(qtbot)
    bar.resize(600, bar.sizeHint().height())
    bar.set_loading(SnapshotProgress(182_000, 664_000))
    bar.set_status(
        status(
            kafka_up=False,
            kafka_down_since=at(-1),
            lag=120_000,
            outbox_pending=12,
            degraded=["disk_full", "writer"],
            catching_up=CatchUp(records_done=1, records_total=300_000, records_per_s=5.0),
        )
    )
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    assert bar.minimumSizeHint().width() <= 600  # so a window of 600 px need not grow
    assert bar.width() == 600
    label = bar.progress_label
    assert label.text().startswith("Loading from the bridge: 182")  # kept whole: only
    assert label.text().endswith("min left")  # the painting cuts it
    cut = [name for name in ("progress", "kafka", "data", "outbox", "problems")
           if getattr(bar, f"{name}_label").is_elided()]  # fmt: skip
    assert cut  # 600 px is too little for every text
    for name in cut:  # a cut label says the whole in its tooltip (the Kafka label its own)
        cut_label = getattr(bar, f"{name}_label")
        tooltip = cut_label.toolTip()
        if name != "kafka":
            assert tooltip == plain_tooltip(cut_label.text()), name
    bar.set_loading(None)
    bar.set_status(status())
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    assert not bar.data_label.is_elided()
    assert bar.data_label.toolTip() == ""


def test_an_outage_keeps_its_start_when_the_bridge_restarts_during_it(qtbot: QtBot) -> None:
    """A walk restarted the bridge while Kafka was down: "down since" became the restart."""
    bar = _bar(qtbot)
    bar.set_status(status(kafka_up=False, kafka_down_since=at(-5)))
    first = bar.kafka_label.text()
    assert first.startswith("Kafka: down since ")
    bar.set_reconnecting("bridge closed the connection")
    bar.set_connected()
    bar.set_status(status(kafka_up=False, kafka_down_since=at(-1)))  # the new bridge's view
    assert bar.kafka_label.text() == first
    bar.set_status(status(kafka_up=True))
    bar.set_status(status(kafka_up=False, kafka_down_since=at(-1)))  # a new outage
    assert bar.kafka_label.text() != first
    assert bar.kafka_label.text().startswith("Kafka: down since ")
