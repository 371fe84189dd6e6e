"""The application itself: the factory that composes the rooms, its configuration from the
environment, the `awaaz` command line, the production server, response headers and logging."""
