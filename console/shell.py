"""The console's shell: configuration, QApplication on qasync, the bridge, the window, shutdown."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path

import qasync
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QIcon, QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QSystemTrayIcon

from bridge.config import ConfigError, LoadedConfig, agent_identity, load_config
from bridge.logs import setup_logging
from bridge.paths import DataDirError, default_paths, make_private_tree
from bridge.posix_signals import SignalWakeup
from bridge.resources import resource_path
from bridge.wire.endpoint import Endpoint
from bridge.wire.exit_codes import ConsoleExit
from console import smoke
from console.bridge_client import BridgeClient
from console.bridge_supervisor import BridgeSupervisor
from console.composition import ConsoleWindowSet
from console.crash import CrashHandler, pending_crash_report
from console.demo_stack import DemoStack, DemoStackError
from console.diagnostics import install_help_menu
from console.executables import bridge_command
from console.gc_pacing import GcPacing
from console.i18n import Translations
from console.main_window import MainWindow, opening_size
from console.settings.settings_dialog import SettingsDialog
from console.viewstate.macros import MacroLibrary, MacrosError
from console.window_state import WindowStateFile

_log = logging.getLogger("console")
SMOKE_TIMEOUT_MS = 60_000
DEMO_AGENT = {
    "agent.id": "agente-demo",
    "agent.name": "Agente Demo",
    "agent.role": "supervisor",
    "agent.queues": "deliveries,payments,general",
}
"""Who the demo's console and its bridge act for: both take these, so what they report agrees."""
_BRIDGE_FLAGS = {
    "agent.id": "--agent-id",
    "agent.name": "--agent-name",
    "agent.role": "--role",
    "agent.queues": "--queues",
}


def _bridge_argv(args: argparse.Namespace, data_dir: Path, demo: DemoStack | None) -> list[str]:
    argv = [*bridge_command(), "run", "--data-dir", str(data_dir)]
    if args.config is not None:
        argv += ["--config", str(args.config)]
    if demo is not None:
        argv += ["--bootstrap-servers", demo.bootstrap_servers]
        for key, value in DEMO_AGENT.items():
            argv += [_BRIDGE_FLAGS[key], value]
    return argv


def _report_command(args: argparse.Namespace, demo: DemoStack | None) -> list[str]:
    """``atp-bridge report`` with the bridge's configuration (the dashboard adds the days)."""
    argv = [sys.executable, "-m", "bridge", "report"]
    if args.config is not None:
        argv += ["--config", str(args.config)]
    if demo is not None:
        argv += ["--bootstrap-servers", demo.bootstrap_servers]
    return argv


def _overrides(
    args: argparse.Namespace, demo: DemoStack | None, data_dir: Path | None
) -> dict[str, str]:
    overrides: dict[str, str] = {}
    if data_dir is not None:
        overrides["bridge.data_dir"] = str(data_dir)
    if args.lang is not None:
        overrides["ui.language"] = args.lang
    if demo is not None:
        overrides |= {**DEMO_AGENT, "kafka.bootstrap_servers": demo.bootstrap_servers}
    return overrides


def _load(args: argparse.Namespace, demo: DemoStack | None, data_dir: Path | None) -> LoadedConfig:
    return load_config(
        default_paths(os.environ),
        explicit_file=args.config,
        environ=os.environ,
        overrides=_overrides(args, demo, data_dir),
    )


def _report(app: QApplication | None, message: str, *, headless: bool) -> None:
    print(f"atp-console: {message}", file=sys.stderr)
    if app is not None and not headless:
        QMessageBox.critical(None, "A tu Puerta", message)


def run(args: argparse.Namespace) -> int:
    """Run the console until its window closes (or Ctrl-C); returns the exit code."""
    headless = bool(args.smoke)
    if headless:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        smoke.quiet_headless_noise()
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("A tu Puerta")
    app.setOrganizationName("A tu Puerta")
    app.setDesktopFileName("atp-console")  # matches the .desktop entry of the packages
    app.setWindowIcon(QIcon(str(resource_path("icons", "atp-console.svg"))))

    demo: DemoStack | None = None
    demo_dir: Path | None = None
    if args.demo:
        demo = DemoStack()
        try:
            demo.start()
        except DemoStackError as error:
            _report(app, str(error), headless=headless)
            return ConsoleExit.CONFIG
        demo_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="atp-demo-"))
    elif args.smoke:
        # A fresh data dir: no cached state can pass the check, and an agent's running
        # console (whose bridge holds the user's data dir) is left alone.
        demo_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="atp-smoke-"))
    try:
        loaded = _configure(app, args, demo, demo_dir or args.data_dir, headless=headless)
        if loaded is None:
            return ConsoleExit.CONFIG
        if not _private_data_dir(app, loaded.config.bridge.data_dir, headless=headless):
            return ConsoleExit.UNSAFE_DIR
        if args.smoke and demo is None:
            problem = smoke.preflight(args.config, os.environ)
            if problem is not None:
                print(f"atp-console: smoke check failed: {problem}", file=sys.stderr)
                return ConsoleExit.SMOKE_FAILED
        return _run_window(app, args, loaded, demo)
    finally:
        if demo is not None:
            demo.stop()
        if demo_dir is not None and args.data_dir is None:
            shutil.rmtree(demo_dir, ignore_errors=True)


def _private_data_dir(app: QApplication, data_dir: Path, *, headless: bool) -> bool:
    """Create (usually on the first run) or tighten the data dir; False if it is unsafe."""
    try:
        make_private_tree(data_dir)
    except (DataDirError, OSError) as error:
        _report(app, f"cannot use the data dir: {error}", headless=headless)
        return False
    return True


def _needs_setup(loaded: LoadedConfig) -> bool:
    config = loaded.config
    return config.kafka.bootstrap_servers is None or config.agent.id is None


def _configure(
    app: QApplication,
    args: argparse.Namespace,
    demo: DemoStack | None,
    data_dir: Path | None,
    *,
    headless: bool,
) -> LoadedConfig | None:
    """Load the configuration; on a first run, ask for the connection in the settings dialog."""
    try:
        loaded = _load(args, demo, data_dir)
    except ConfigError as error:
        _report(app, str(error), headless=headless)
        return None
    if not _needs_setup(loaded):
        return loaded
    if headless:
        _report(
            app,
            "no Kafka cluster or agent configured: run atp-console once on a desktop "
            "or see docs/OPERATIONS.md",
            headless=True,
        )
        return None
    return _first_run(app, args, demo, data_dir, loaded)


def _first_run(
    app: QApplication,
    args: argparse.Namespace,
    demo: DemoStack | None,
    data_dir: Path | None,
    loaded: LoadedConfig,
) -> LoadedConfig | None:
    """Ask for the connection in the settings dialog until it is usable, or the user quits."""
    headless = False
    Translations(app).install(loaded.config.ui.language)
    paths = default_paths(os.environ)
    dialog = SettingsDialog(
        loaded,
        bridge_command=bridge_command(),
        user_config_file=paths.user_config_file,
        system_config_file=paths.system_config_file,
        first_run=True,
    )
    if dialog.exec() != QDialog.DialogCode.Accepted:
        # the dialog asked "quit?" and the user said yes: say it on the terminal too
        print(
            "atp-console: setup cancelled, nothing saved; the console needs a Kafka "
            "connection and an agent id (see docs/OPERATIONS.md)",
            file=sys.stderr,
        )
        return None
    try:
        loaded = _load(args, demo, data_dir)
    except ConfigError as error:
        _report(app, str(error), headless=headless)
        return None
    if _needs_setup(loaded):
        _report(
            app,
            "the saved settings still lack a Kafka connection or an agent id "
            f"(user file {paths.user_config_file}); see docs/OPERATIONS.md",
            headless=headless,
        )
        return None
    return loaded


def _run_window(
    app: QApplication, args: argparse.Namespace, loaded: LoadedConfig, demo: DemoStack | None
) -> int:
    config = loaded.config
    translations = Translations(app)
    translations.install(config.ui.language)
    data_dir = config.bridge.data_dir
    logging_setup = setup_logging(data_dir / "logs", file_name="console.log")
    supervisor = BridgeSupervisor(
        _bridge_argv(args, data_dir, demo),
        forward_errors=not args.smoke,
        die_with_console=demo is not None,  # its demo broker ends with the console
    )
    client = BridgeClient()
    gc_pacing = GcPacing()  # short full collections while data streams in
    gc_pacing.install()
    windows = ConsoleWindowSet(
        client,
        drafts_dir=data_dir / "console",
        canned_language=config.ui.language,
        order_feed_limit=config.ui.order_feed_limit,
        queues=config.agent.queues or ("deliveries", "payments", "general"),
        macros=_macros(app, config.console.macros_file, headless=bool(args.smoke)),
        idle_away_minutes=config.console.idle_away_minutes,
        open_next_ticket=config.console.after_resolve == "next",
        report_command=_report_command(args, demo),
        gc_pacing=gc_pacing,
    )
    windows.window.set_kafka_address(config.kafka.bootstrap_servers)
    window_file = WindowStateFile(data_dir / "console")
    _install_menu(
        app,
        args,
        loaded=loaded,
        demo=demo,
        windows=windows,
        supervisor=supervisor,
        translations=translations,
    )
    crash = CrashHandler(data_dir / "logs", on_before_report=windows.shutdown_drafts)
    crash.install()
    endpoint = Endpoint.for_data_dir(data_dir)
    tray = _tray(app)
    windows.enable_notifications(agent_identity(config), tray)
    pending = pending_crash_report(data_dir / "logs")
    if pending is not None and not args.smoke:
        crash.show_report(pending)
    exit_code = 0

    def finish(code: int) -> None:
        nonlocal exit_code
        exit_code = code
        windows.window.close()

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    closed = asyncio.Event()
    app.lastWindowClosed.connect(closed.set)

    wakeup = SignalWakeup(lambda _number: finish(0))
    if args.smoke:
        smoke.arm(
            windows,
            supervisor,
            config,
            finish,
            demo=demo is not None,
            timeout_ms=SMOKE_TIMEOUT_MS,
            log_dir=data_dir / "logs",
        )
    try:
        supervisor.start()
        client.connect_to(endpoint.server_name, endpoint.read_token)
        _show_placed(windows.window, window_file, app)
        with loop:
            loop.run_until_complete(closed.wait())
    finally:
        window_file.save(windows.window.window_state())
        windows.shutdown()
        gc_pacing.uninstall()
        supervisor.stop()
        wakeup.close()
        crash.uninstall()
        logging_setup.remove()
        if tray is not None:
            tray.hide()
    return exit_code


def _show_placed(window: MainWindow, window_file: WindowStateFile, app: QApplication) -> None:
    """Show the window where it was at the last close, else at its opening size."""
    saved = window_file.load()
    if saved is None or not window.restore_window_state(saved):
        screen = app.primaryScreen()
        window.resize(opening_size(None if screen is None else screen.availableGeometry().size()))
    window.show()


def _macros(app: QApplication, it_file: Path | None, *, headless: bool) -> MacroLibrary:
    """The shipped macros and IT's (``console.macros_file``); a broken file is reported.

    A mistake in IT's file must not keep agents from working: it is logged and
    shown, and the console runs with the shipped macros only.
    """
    shipped = resource_path("macros", "macros.toml")
    try:
        return MacroLibrary.load(shipped, it_file)
    except MacrosError as error:
        _log.error("macros not loaded", extra={"problem": str(error)})
        _report(app, f"{error} (only the shipped macros are offered)", headless=headless)
    try:
        return MacroLibrary.load(shipped)
    except MacrosError:
        return MacroLibrary()


def _install_menu(
    app: QApplication,
    args: argparse.Namespace,
    *,
    loaded: LoadedConfig,
    demo: DemoStack | None,
    windows: ConsoleWindowSet,
    supervisor: BridgeSupervisor,
    translations: Translations,
) -> None:
    """Add the Console menu (settings, keyboard shortcuts, quit) and Help (diagnostics).

    Saved settings apply at once: the language live, the connection by restarting the bridge.
    """
    current = [loaded]
    paths = default_paths(os.environ)

    def apply_saved(_path: object) -> None:
        try:
            current[0] = _load(args, demo, current[0].config.bridge.data_dir)
        except ConfigError as error:
            _report(app, str(error), headless=False)
            return
        translations.install(current[0].config.ui.language)
        windows.window.set_kafka_address(current[0].config.kafka.bootstrap_servers)
        retitle()
        supervisor.stop()  # the bridge reads the saved configuration when it starts again
        supervisor.start()

    def open_settings() -> None:
        dialog = SettingsDialog(
            current[0],
            bridge_command=bridge_command(),
            user_config_file=paths.user_config_file,
            system_config_file=paths.system_config_file,
            parent=windows.window,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(apply_saved)
        dialog.open()

    windows.window.settings_requested.connect(open_settings)  # the connection banner's button
    menu = windows.window.menuBar().addMenu("")
    settings = menu.addAction("", open_settings)
    settings.setShortcut(QKeySequence.StandardKey.Preferences)
    shortcuts = menu.addAction("", windows.show_help)
    menu.addSeparator()
    quit_action = menu.addAction("", windows.window.close)
    quit_action.setShortcut(QKeySequence.StandardKey.Quit)

    retitle_help = install_help_menu(
        windows.window,
        data_dir=loaded.config.bridge.data_dir,
        config_file=args.config,
        overrides=lambda: _overrides(args, demo, current[0].config.bridge.data_dir),
        log_diagnostics=windows.show_diagnostics,
    )

    def retitle() -> None:
        retitle_help()
        menu.setTitle(QCoreApplication.translate("ConsoleMenu", "&Console"))
        settings.setText(QCoreApplication.translate("ConsoleMenu", "&Settings…"))
        shortcuts.setText(QCoreApplication.translate("ConsoleMenu", "&Keyboard shortcuts"))
        quit_action.setText(QCoreApplication.translate("ConsoleMenu", "&Quit"))

    retitle()


def _tray(app: QApplication) -> QSystemTrayIcon | None:
    """A tray icon for notifications, where the desktop has a tray."""
    if not QSystemTrayIcon.isSystemTrayAvailable():
        return None
    tray = QSystemTrayIcon(app.windowIcon(), app)
    tray.setToolTip("A tu Puerta")
    tray.show()
    return tray
