"""The Textual user interface; it reaches the server only through `optui.api` services."""
