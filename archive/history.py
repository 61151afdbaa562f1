"""Edit history (django-simple-history) that also follows every proxy of a tracked model.

simple-history connects its signal handlers to the concrete model only, and a proxy sends its own
signals: a save through the admin's review queue (a proxy of Article) wrote no history at all
(issue #7). `HistoricalRecords` here registers every proxy of the model, now and later, on the
concrete model's history table, and gives the proxy's admin the same history page.
"""

from __future__ import annotations

from django.db.models import signals
from simple_history.models import HistoricalRecords as BaseHistoricalRecords


class HistoricalRecords(BaseHistoricalRecords):
    def finalize(self, sender, **kwargs):
        if sender is not self.cls and sender._meta.proxy and issubclass(sender, self.cls):
            signals.post_save.connect(self.post_save, sender=sender, weak=False)
            signals.post_delete.connect(self.post_delete, sender=sender, weak=False)
            signals.pre_delete.connect(self.pre_delete, sender=sender, weak=False)
            sender._meta.simple_history_manager_attribute = self.manager_name
            return
        super().finalize(sender, **kwargs)
