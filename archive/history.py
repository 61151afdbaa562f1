"""Edit history (django-simple-history) that also follows every proxy of a tracked model.

simple-history connects its signal handlers to the concrete model only, and a proxy sends its own
signals: a save through the admin's review queue (a proxy of Article) wrote no history at all
(issue #7). `HistoricalRecords` here registers every proxy of the model, now and later, on the
concrete model's history table, and gives the proxy's admin the same history page.
"""

from __future__ import annotations

from django.db.models import signals
from simple_history.models import DeletedObject
from simple_history.models import HistoricalRecords as BaseHistoricalRecords
from simple_history.template_utils import HistoricalRecordContextHelper


class HistoricalRecords(BaseHistoricalRecords):
    def finalize(self, sender, **kwargs):
        if sender is not self.cls and sender._meta.proxy and issubclass(sender, self.cls):
            signals.post_save.connect(self.post_save, sender=sender, weak=False)
            signals.post_delete.connect(self.post_delete, sender=sender, weak=False)
            signals.pre_delete.connect(self.pre_delete, sender=sender, weak=False)
            sender._meta.simple_history_manager_attribute = self.manager_name
            return
        super().finalize(sender, **kwargs)


class VietnameseChangeHelper(HistoricalRecordContextHelper):
    """The history page's "Thay đổi" column in Vietnamese: "có"/"không" rather than True/False,
    choices by their label, review reasons by their Vietnamese label."""

    def prepare_delta_change_value(self, change, value):
        from archive.extract.reasons import reason_label

        field = self.model._meta.get_field(change.field)
        if isinstance(value, bool):
            return "có" if value else "không"
        if isinstance(value, DeletedObject) and value.pk is None:
            return "—"  # an empty foreign key, not a deleted one (simple-history says "pk=None")
        if value is None or value == "" or value == []:
            return "—"
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        if change.field == "review_reasons" and isinstance(value, list):
            return "; ".join(reason_label(reason) for reason in value)
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return "; ".join(value)  # authors
        return super().prepare_delta_change_value(change, value)
