"""The application shell: it composes the survivor app (`feedback`) and the MIS (`mis`).

Its rooms, each a subpackage:

- `app`: the application itself — the factory, configuration, the command line, the
  production server, response headers and logging. It composes every other room.
- `web`: what every room shares to speak HTTP: error answers, languages, form choices and the
  messages a refused field gets.
- `security`: who someone is and what they may open — staff sign-in and sessions, passwords,
  the access table, device tokens, and the keys that seal tablet ratings.
- `console`: the staff pages — enrolment and survivor codes, moderation and redaction,
  safeguarding alerts and actions, paper forms, releases, and the admin pages.
- `api`: the JSON API for tablets and partner systems, and its OpenAPI document.
- `ops`: running a deployment — migrations, backup, restore and purge, translations, demo data.

Imports go one way: `app` may import every room; `console`, `api` and `ops` may import
`security` and `web`; `security` may import `web`; `console` and `api` never import each other
(tests/test_layout.py checks this).
"""

from awaaz.app.factory import create_app

__all__ = ["create_app"]
