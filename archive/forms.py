"""The readers' "Báo lỗi" form on the article page (issue #19)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from archive.models import ReaderReport

FIELD_LABELS = {
    "title": _("Tiêu đề"),
    "date": _("Ngày đăng"),
    "province": _("Tỉnh/thành"),
    "outlet": _("Nguồn, tác giả"),
    "officials": _("Cán bộ, chức vụ"),
    "events": _("Hội nghị"),
    "text": _("Nội dung bài"),
    "other": _("Khác"),
}


class ReaderReportForm(forms.Form):
    field = forms.ChoiceField(
        label=_("Phần bị sai"), choices=[(k, FIELD_LABELS[k]) for k in ReaderReport.Field.values]
    )
    note = forms.CharField(
        label=_("Sai ở đâu, đúng là gì? (nêu nguồn nếu có)"),
        min_length=10,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
    )
    # A field people never see (hidden by CSS, skipped by keyboard and autofill): a bot fills it.
    website = forms.CharField(
        label=_("Để trống ô này"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def is_bot(self) -> bool:
        return bool(self.data.get("website", "").strip())
