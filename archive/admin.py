from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models.functions import ExtractYear
from django.utils.html import format_html, format_html_join
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from archive import services
from archive.extract.normalize import fold_key, normalize_line, normalize_text
from archive.extract.reasons import REVIEW_REASONS
from archive.models import Article, ArticleOfficial, Event, Official, Outlet, Province, ReviewQueueArticle


class YearFilter(admin.SimpleListFilter):
    title = "năm"
    parameter_name = "nam"

    def lookups(self, request, model_admin):
        years = (
            Article.objects.exclude(published_on=None)
            .annotate(y=ExtractYear("published_on"))
            .values_list("y", flat=True)
            .distinct()
            .order_by("-y")
        )
        return [(str(y), str(y)) for y in years]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(published_on__year=int(self.value()))
        return queryset


class ReasonFilter(admin.SimpleListFilter):
    """The review queue by why ingest was unsure (the reasons start with these words)."""

    title = "lý do"
    parameter_name = "ly_do"
    REASONS = REVIEW_REASONS  # one list, in archive/extract/reasons.py (codes and Vietnamese labels)

    def lookups(self, request, model_admin):
        return self.REASONS

    def queryset(self, request, queryset):
        if self.value() in dict(self.REASONS):
            # The reasons are ASCII English prefixes, so matching the stored JSON text works
            # alike on SQLite and PostgreSQL.
            return queryset.filter(review_reasons__icontains=self.value())
        return queryset


# The evidence extraction stores on each article (issue 10), in the order the admin shows it.
EVIDENCE_LABELS = [
    ("date", "ngày đăng"),
    ("province", "tỉnh"),
    ("district", "huyện"),
    ("outlet", "cơ quan báo chí"),
    ("authors", "tác giả"),
    ("meeting", "sự kiện"),
    ("officials", "cán bộ"),
]


class ArticleAdminForm(forms.ModelForm):
    """The admin is an input edge too: what an editor types is normalised as ingest normalises
    (NFC, one tone placement), so "Hoà" typed in a title is found and highlighted like "Hòa"."""

    class Meta:
        model = Article
        fields = ["title", "text", "district"]  # the admin adds the rest from its fieldsets

    def clean_title(self):
        return normalize_line(self.cleaned_data["title"])

    def clean_text(self):
        return normalize_text(self.cleaned_data["text"])

    def clean_district(self):
        return normalize_line(self.cleaned_data["district"])


class ArticleOfficialInline(admin.TabularInline):
    model = ArticleOfficial
    extra = 0
    autocomplete_fields = ["official"]
    verbose_name = "cán bộ được nêu"
    verbose_name_plural = "cán bộ được nêu"


class EventInline(admin.StackedInline):
    model = Event
    extra = 0
    autocomplete_fields = ["chair"]
    fields = [("kind", "period"), ("period_start", "period_end"), ("held_on", "location"), "chair"]


@admin.register(Article)
class ArticleAdmin(SimpleHistoryAdmin):
    form = ArticleAdminForm
    list_display = ["title", "published_on", "province", "outlet", "needs_review", "source_file"]
    list_display_links = ["title"]
    list_filter = [
        "needs_review",
        YearFilter,
        ("province", admin.RelatedOnlyFieldListFilter),
        ("outlet", admin.RelatedOnlyFieldListFilter),
        "date_precision",
    ]
    search_fields = ["title", "source_file", "mentions__official__name"]
    date_hierarchy = "published_on"
    list_select_related = ["province", "outlet"]
    list_per_page = 50
    autocomplete_fields = ["province", "outlet"]
    readonly_fields = [
        "raw",
        "source_file",
        "content_hash",
        "edited_fields",
        "created_at",
        "updated_at",
        "evidence_table",
    ]
    fieldsets = [
        (None, {"fields": ["title", "text"]}),
        (
            "Ngày, nơi, nguồn",
            {
                "fields": [
                    ("published_on", "published_time", "date_precision"),
                    ("province", "district"),
                    "outlet",
                    "url",
                    "authors",
                ]
            },
        ),
        ("Bằng chứng trích xuất (lần nhập gần nhất)", {"fields": ["evidence_table"]}),
        ("Xem lại", {"fields": ["needs_review", "review_reasons"]}),
        (
            "Bản gốc",
            {
                "classes": ["collapse"],
                "fields": ["source_file", "content_hash", "edited_fields", "created_at", "updated_at", "raw"],
            },
        ),
    ]
    inlines = [ArticleOfficialInline, EventInline]
    actions = ["mark_reviewed"]
    history_list_display = ["needs_review", "province"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description="bằng chứng")
    def evidence_table(self, obj):
        """What extraction read for each field (rule, words, line): read-only, beside the fields."""
        rows = []
        for key, label in EVIDENCE_LABELS:
            items = obj.evidence.get(key) if obj and obj.evidence else None
            for ev in items if isinstance(items, list) else [items] if items else []:
                words = (
                    f"{ev.get('name')}: {ev.get('position') or '—'}"
                    if key == "officials"
                    else ev.get("words")
                )
                rows.append((label, ev.get("rule", ""), words or "", ev.get("line") or ev.get("words", "")))
        if not rows:
            return "—"
        return format_html(
            '<table class="evidence"><tr><th>trường</th><th>quy tắc</th><th>giá trị đọc được</th>'
            "<th>câu/dòng nguồn</th></tr>{}</table>",
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows),
        )

    @admin.action(description="Đánh dấu đã xem lại")
    def mark_reviewed(self, request, queryset):
        count = services.articles_mark_reviewed(articles=queryset)
        self.message_user(
            request,
            ngettext("Đã đánh dấu %d bài là đã xem lại.", "Đã đánh dấu %d bài là đã xem lại.", count) % count,
            messages.SUCCESS,
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            services.article_mark_edited(article=obj, fields=form.changed_data)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if change and formset.has_changed():
            name = "officials" if formset.model is ArticleOfficial else "events"
            services.article_mark_edited(article=form.instance, fields=[name])


@admin.register(ReviewQueueArticle)
class ReviewQueueAdmin(ArticleAdmin):
    """The articles ingest was unsure about, with its reasons, oldest first."""

    list_display = ["title", "reasons", "published_on", "province", "source_file"]
    list_filter = [ReasonFilter, YearFilter, ("province", admin.RelatedOnlyFieldListFilter)]
    ordering = ["created_at", "id"]

    @admin.display(description="lý do")
    def reasons(self, obj):
        return "; ".join(obj.review_reasons)

    def get_queryset(self, request):
        return super().get_queryset(request).needing_review()


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["name", "full_name", "code", "era", "successor"]
    list_filter = ["era"]
    search_fields = ["name", "full_name", "slug"]
    list_select_related = ["successor"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Outlet)
class OutletAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "site", "province"]
    list_filter = [("province", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "code", "site"]
    autocomplete_fields = ["province"]


@admin.register(Official)
class OfficialAdmin(SimpleHistoryAdmin):
    list_display = ["name", "key"]
    search_fields = ["name", "key"]
    readonly_fields = ["key"]

    def save_model(self, request, obj, form, change):
        obj.name = normalize_line(obj.name)
        obj.key = fold_key(obj.name)
        super().save_model(request, obj, form, change)


@admin.register(Event)
class EventAdmin(SimpleHistoryAdmin):
    list_display = ["kind", "period", "held_on", "location", "chair", "article"]
    list_filter = ["kind"]
    search_fields = ["period", "location", "article__title", "chair__name"]
    autocomplete_fields = ["chair"]
    raw_id_fields = ["article"]
