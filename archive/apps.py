from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = "Lưu trữ"

    def ready(self) -> None:
        from archive import signals

        signals.connect()
