"""Size a table's columns to what it shows, a few times a second at most.

Qt's ``ResizeToContents`` mode measures up to 1,000 rows of every such column
on *each* ``dataChanged``, row insertion or removal, synchronously: with a
queue that changes dozens of rows a frame that was most of the console's time
(1-4 s event-loop stalls at 5,000 events/s). ``ColumnFitter`` keeps the columns
``Fixed`` and sizes them itself: a change only asks for a fit; the fit runs
once after ``delay_ms``, however many changes asked, and measures the rows on
screen only (``resizeContentsPrecision`` 0). While changes keep coming, fits
are at least ``min_interval_ms`` apart: a fit asks every visible cell for its
roles, as a repaint does, and four a second were 12% of the UI thread at
1,000 events/s. A column is as wide as the larger
of its title and the visible cells (the view's ``sizeHintForColumn``, so any
cap the view applies holds). A hidden table is not measured (Qt would measure
every row): it is fitted when it shows. Columns ``also_hidden`` says so of are
measured while hidden too (``widths``), for a view that brings them back when
there is room for them.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QHeaderView, QTableView

FIT_DELAY_MS = 250
"""How long a fit waits for more changes (a column may lag its content this long)."""
FIT_MIN_INTERVAL_MS = 1000
"""The shortest time between two fits while changes keep coming."""


class ColumnFitter(QObject):
    """Fits ``columns`` of ``table`` to the title and the cells on screen, deferred."""

    fitted = Signal()
    """A fit ran (the shown columns have their widths)."""

    def __init__(
        self,
        table: QTableView,
        columns: Iterable[int],
        *,
        delay_ms: int = FIT_DELAY_MS,
        min_interval_ms: int = FIT_MIN_INTERVAL_MS,
        clock: Callable[[], float] = time.monotonic,
        also_hidden: Callable[[int], bool] = lambda _column: False,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._delay_ms = delay_ms
        self._min_interval_s = min_interval_ms / 1000
        self._clock = clock
        self._last_fit = -math.inf
        self._table = table
        self._columns = tuple(columns)
        self._also_hidden = also_hidden
        self._fitting = False
        self.widths: dict[int, int] = {}
        """The width each column measured at the last fit (shown, or hidden but ``also_hidden``)."""
        self.fits = 0
        """How many fits ran (measured the cells); for tests and benchmarks."""
        header = table.horizontalHeader()
        header.setResizeContentsPrecision(0)  # the rows on screen only
        for column in self._columns:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.fit)

    @property
    def pending(self) -> bool:
        """Whether a fit was asked for and has not run yet."""
        return self._timer.isActive()

    @property
    def next_fit_in_ms(self) -> int:
        """How long until the fit asked for runs (-1: none asked for)."""
        return self._timer.remainingTime() if self._timer.isActive() else -1

    @property
    def fitting(self) -> bool:
        """Whether a fit is resizing the columns right now (``fitted`` follows)."""
        return self._fitting

    def request(self) -> None:
        """Something shown may have changed width: fit once the delay is over."""
        if not self._timer.isActive():
            left_s = self._last_fit + self._min_interval_s - self._clock()  # -inf before a fit
            self._timer.start(max(self._delay_ms, math.ceil(left_s * 1000) if left_s > 0 else 0))

    def fit(self) -> None:
        """Size every shown column now (a hidden table waits until it is shown)."""
        self._timer.stop()
        table = self._table
        if not table.isVisible():
            return
        self.fits += 1
        self._last_fit = self._clock()
        header = table.horizontalHeader()
        self._fitting = True
        try:
            for column in self._columns:
                hidden = header.isSectionHidden(column)
                if hidden and not self._also_hidden(column):
                    self.widths.pop(column, None)
                    continue
                width = self.wanted_width(column)
                self.widths[column] = width
                if not hidden and width != header.sectionSize(column):
                    header.resizeSection(column, width)
        finally:
            self._fitting = False
        self.fitted.emit()

    def wanted_width(self, column: int) -> int:
        """What ``column`` would be given now, shown or hidden (its title and cells on screen).

        Qt's ``sectionSizeHint`` is 0 for a hidden section: the title is measured directly.
        """
        header = self._table.horizontalHeader()
        title = header.sectionSizeFromContents(column).width()
        title = max(header.minimumSectionSize(), min(title, header.maximumSectionSize()))
        return max(title, self._table.sizeHintForColumn(column))
