"""kaitei's service layer: the application (use cases), HTTP API, CLI and wiring."""
