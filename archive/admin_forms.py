"""Admin form fields that fit how editors type: names one per line, reasons as checkboxes,
text compared without the browser's CRLF, and the re-ingest protection shown and editable."""

from __future__ import annotations

import re

from django import forms
from django.contrib.admin.helpers import ActionForm

from archive import services
from archive.extract.normalize import normalize_line, normalize_text
from archive.extract.reasons import REASONS, reason_code
from archive.models import Article, Province

_NAME_SEPARATORS = re.compile(r"[\n,;]+")


class TextAreaField(forms.CharField):
    """A textarea's value with LF line endings, as stored: browsers submit CRLF (FIELD-NOTES), and
    comparing that with the stored text made every save look like an edit of the text."""

    widget = forms.Textarea

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value


class NameListField(forms.CharField):
    """A list of names typed one per line (commas and semicolons separate too)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3, "cols": 60}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, (list, tuple)):
            return "\n".join(value)
        return value

    def to_python(self, value):
        if isinstance(value, (list, tuple)):
            return [normalize_line(v) for v in value if normalize_line(v)]
        names = [normalize_line(part) for part in _NAME_SEPARATORS.split(value or "")]
        return list(dict.fromkeys(name for name in names if name))

    def has_changed(self, initial, data):
        return self.to_python(initial or []) != self.to_python(data)


class ReasonsField(forms.MultipleChoiceField):
    """Review reasons as checkboxes from the fixed list; a stored reason's detail ("Châu Thành:
    Long An, Tiền Giang") is kept while its box stays ticked (see ArticleAdminForm.clean_review_reasons)."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", REASONS)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    @staticmethod
    def codes(value) -> list[str]:
        return [code for code in dict.fromkeys(reason_code(v) for v in value or []) if code]

    def prepare_value(self, value):
        return self.codes(value)

    def has_changed(self, initial, data):
        return set(self.codes(initial)) != set(data or [])


def _protectable_choices():
    labels = {"officials": "cán bộ được nêu", "events": "sự kiện"}
    return [
        (name, labels.get(name) or str(Article._meta.get_field(name).verbose_name))
        for name in services.PROTECTABLE_FIELDS
    ]


class ArticleAdminForm(forms.ModelForm):
    """The admin is an input edge too: what an editor types is normalised as ingest normalises
    (NFC, one tone placement), so "Hoà" typed in a title is found and highlighted like "Hòa"."""

    text = TextAreaField(label=Article._meta.get_field("text").verbose_name)
    authors = NameListField(
        label=Article._meta.get_field("authors").verbose_name,
        help_text="Mỗi dòng một tên (hoặc cách nhau bằng dấu phẩy).",
    )
    review_reasons = ReasonsField(label=Article._meta.get_field("review_reasons").verbose_name)
    protected_fields = forms.MultipleChoiceField(
        label="Bảo vệ khỏi nhập lại",
        choices=_protectable_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Các trường được đánh dấu giữ nguyên khi nhập lại tệp nguồn. Trường bạn sửa sẽ tự "
        "được đánh dấu; bỏ đánh dấu để lần nhập sau cập nhật trường đó từ tệp nguồn.",
    )

    class Meta:
        model = Article
        fields = ["title", "text", "district", "authors", "review_reasons"]  # the admin adds the rest

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "protected_fields" in self.fields:
            self.fields["protected_fields"].initial = list(self.instance.edited_fields)

    def clean_title(self):
        return normalize_line(self.cleaned_data["title"])

    def clean_text(self):
        return normalize_text(self.cleaned_data["text"])

    def clean_district(self):
        return normalize_line(self.cleaned_data["district"])

    def clean_review_reasons(self):
        """Ticked codes, each with the detail ingest stored for it; a newly ticked one as its code."""
        ticked = list(self.cleaned_data["review_reasons"])
        kept = [r for r in self.instance.review_reasons or [] if reason_code(r) in ticked]
        present = {reason_code(r) for r in kept}
        return kept + [code for code in ticked if code not in present]


class ArticleActionForm(ActionForm):
    """The action bar, with the province the "set province" action gives the selection."""

    province = forms.ModelChoiceField(
        label="tỉnh",
        queryset=Province.objects.filter(era=Province.Era.BEFORE_2025),
        required=False,
        empty_label="— tỉnh —",
    )


class MergeOfficialsForm(forms.Form):
    keep = forms.ModelChoiceField(
        label="Giữ cán bộ", queryset=None, widget=forms.RadioSelect, empty_label=None
    )

    def __init__(self, *args, officials, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].queryset = officials
