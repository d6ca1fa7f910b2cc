"""The console's widgets for the queue, the order feed and the status bar."""
