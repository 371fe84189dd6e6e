"""Running a deployment: schema migrations, backup, restore and purge, the translation
workflow, and the synthetic demo programme."""
