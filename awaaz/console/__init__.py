"""The staff pages under /staff: enrolling survivors and issuing their codes, moderating and
redacting comments, safeguarding alerts and the actions that follow, paper forms, building and
approving releases, and the admin pages (users, registry, settings, devices, audit log)."""
