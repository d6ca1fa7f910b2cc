"""The main window's banner when Kafka or the bridge is out of reach (above every pane)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from console.viewstate.bounded import one_line
from console.viewstate.connection_notice import ConnectionNotice, NoticeKind


class ConnectionBanner(QFrame):
    """Says what is wrong, that the console retries, and offers the connection settings."""

    settings_requested = Signal()
    """The agent wants to check the connection settings."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("connection-banner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor("#fde2e1"))
        palette.setColor(QPalette.ColorRole.WindowText, QColor("#5f1412"))
        self.setPalette(palette)
        self._notice: ConnectionNotice | None = None
        self._address: str | None = None
        self.title_label = QLabel(self)
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        self.title_label.setWordWrap(True)
        font = self.title_label.font()
        font.setBold(True)
        self.title_label.setFont(font)
        self.detail_label = QLabel(self)
        self.detail_label.setTextFormat(Qt.TextFormat.PlainText)  # the bridge's words
        self.detail_label.setWordWrap(True)
        self.settings_button = QPushButton(self)
        self.settings_button.clicked.connect(self.settings_requested)
        texts = QVBoxLayout()
        texts.addWidget(self.title_label)
        texts.addWidget(self.detail_label)
        layout = QHBoxLayout(self)
        layout.addLayout(texts, 1)
        layout.addWidget(self.settings_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.retranslate()
        self.hide()

    def set_kafka_address(self, address: str | None) -> None:
        """The bootstrap servers the console is configured for (``host:port``)."""
        self._address = address
        self.retranslate()

    def show_notice(self, notice: ConnectionNotice | None) -> None:
        """Show ``notice``, or hide the banner (``None``)."""
        self._notice = notice
        self.retranslate()
        self.setVisible(notice is not None)

    @property
    def notice(self) -> ConnectionNotice | None:
        """The notice shown, if any."""
        return self._notice

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        """Retranslate on a language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        """Re-read every translated text."""
        self.settings_button.setText(self.tr("Connection &settings…"))
        self.settings_button.setAccessibleName(self.tr("Open the connection settings"))
        notice = self._notice
        if notice is None:
            self.title_label.clear()
            self.detail_label.clear()
            return
        address = one_line(self._address or self.tr("the configured servers"))
        if notice.kind is NoticeKind.KAFKA_AUTH:
            title = self.tr(
                "Kafka at %1 refused the credentials — check the user and password in the "
                "connection settings"
            )
            detail = self.tr("Actions are queued and sent once Kafka accepts the connection.")
        elif notice.kind is NoticeKind.KAFKA_DOWN:
            title = self.tr("Cannot reach Kafka at %1 — retrying; check the connection settings")
            detail = self.tr(
                "New tickets and changes do not arrive; your actions are queued and sent "
                "when Kafka is back."
            )
        else:
            title = self.tr("Lost the connection to the bridge — reconnecting")
            detail = self.tr("What you see is not updating and actions cannot be sent.")
        self.title_label.setText(title.replace("%1", address))
        if notice.detail:
            detail = f"{one_line(notice.detail)} · {detail}"
        self.detail_label.setText(detail)
        self.settings_button.setVisible(notice.kind is not NoticeKind.BRIDGE_LOST)
        self.setAccessibleName(self.title_label.text())
