from django.apps import AppConfig


class ShellConfig(AppConfig):
    """The shell: root URLs, role home pages, the interchange import and export, the demo
    data and the daily commands. It sits on top of every app and gathers them; no app
    imports it. It has no models, so it never shows in the management site."""

    name = "shell"
